#!/usr/bin/env bash
# Builds the solution (warnings are errors) and runs every test project; ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

dotnet build Actors.sln -c Release --nologo -v quiet -clp:ErrorsOnly || { echo "error: build failed" >&2; exit 1; }

# The PostgreSQL journal tests need a server: unless one is given in CLUSTER_TEST_POSTGRES, start a
# throwaway PostgreSQL 15 on loopback (scripts/postgres.sh) and remove it when the tests end.
if [ -z "${CLUSTER_TEST_POSTGRES:-}" ]; then
  if [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
    export PG_PORT=${PG_PORT:-54329}
    trap 'bash scripts/postgres.sh destroy >/dev/null 2>&1 || true' EXIT
    bash scripts/postgres.sh destroy >/dev/null 2>&1 || true
    pg=$(bash scripts/postgres.sh start) || { echo "error: could not start PostgreSQL" >&2; exit 1; }
    export "${pg?}"
    echo "$pg"
  elif [ -n "${CLUSTER_REQUIRE_POSTGRES:-}" ]; then
    echo "error: PostgreSQL 15 is required but not installed" >&2
    exit 1
  else
    echo "note: PostgreSQL 15 is not installed; the PostgreSQL journal tests are skipped"
  fi
fi

# The node agent's tests run pods on a real dockerd: set it up (install, start, local images) when it is missing.
if ! docker info >/dev/null 2>&1 || ! docker image inspect local/pause:1 local/busybox:1 >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    bash scripts/docker-setup.sh || { echo "error: could not set up Docker" >&2; exit 1; }
  elif command -v sudo >/dev/null; then
    sudo bash scripts/docker-setup.sh || { echo "error: could not set up Docker" >&2; exit 1; }
  else
    echo "error: the node agent tests need Docker: run scripts/docker-setup.sh as root" >&2
    exit 1
  fi
fi

log=$(mktemp)
# A test that hangs fails the run with its name (the blame collector stops the test host after ten minutes
# without that test finishing) instead of holding CI until its own time limit.
dotnet test Actors.sln -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

sum() { grep -oE "$1: +[0-9]+" "$log" | awk '{s+=$2} END {print s+0}'; }
passed=$(sum Passed)
failed=$(sum Failed)
skipped=$(sum Skipped)
rm -f "$log"
echo
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
