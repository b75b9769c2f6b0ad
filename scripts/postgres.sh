#!/usr/bin/env bash
# Throwaway PostgreSQL 15 for tests: a fresh cluster in a temporary directory, loopback only, trust
# auth, run as the unprivileged 'postgres' user (initdb refuses root). Nothing here is for production.
#   scripts/postgres.sh start    initialise (first time) and start; prints the connection string
#   scripts/postgres.sh stop     stop the server (data kept, so start resumes it)
#   scripts/postgres.sh destroy  stop and delete the data directory
# PG_PORT (default 54329) and PG_DIR (default /tmp/cluster-pg-$PG_PORT) select the instance, so
# fault tests can run their own server beside the shared one.
set -euo pipefail
port=${PG_PORT:-54329}
dir=${PG_DIR:-/tmp/cluster-pg-$port}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
test -x "$bin/pg_ctl" || { echo "error: PostgreSQL 15 is not installed ($bin/pg_ctl missing)" >&2; exit 1; }

# Run PostgreSQL tools as 'postgres' when we are root (PostgreSQL refuses to run as root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-instructions -E UTF8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "PostgreSQL already running on 127.0.0.1:$port" >&2
  else
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=400" start >/dev/null 2>&1 \
      || { tail -20 "$dir/server.log" >&2; exit 1; }
  fi
  echo "CLUSTER_TEST_POSTGRES=Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

stop() {
  if [ -f "$dir/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  destroy) stop; rm -rf "$dir" ;;
  *) echo "usage: $0 start|stop|destroy" >&2; exit 2 ;;
esac
