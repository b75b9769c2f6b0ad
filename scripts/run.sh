#!/usr/bin/env bash
# Builds the node and starts a single-node cluster in the foreground with hocon/single-node.conf,
# which runs a sample actor workload at start-up. Ctrl+C stops it cleanly.
# Extra arguments are passed to the node, e.g. --node:name=dev or --actors:ask-timeout=5s.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

dotnet build src/Cluster.Node -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet src/Cluster.Node/bin/Release/net10.0/Cluster.Node.dll --config hocon/single-node.conf "$@"
