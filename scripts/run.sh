#!/usr/bin/env bash
# Builds the node and starts a single-node cluster (hocon/single-node.conf, state in
# ${CLUSTER_DATA_DIR:-data}), then runs a sample workload: applies examples/sample-workload.yaml
# with the real kubectl and lists what the cluster stores. The node keeps running in the
# foreground; Ctrl+C stops it cleanly. Extra arguments go to the node, e.g. --api-address 127.0.0.1:7443.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }

# Pods run as Docker containers: install and start Docker and build the local images when missing.
if [ "$(id -u)" -eq 0 ]; then
  bash scripts/docker-setup.sh
elif command -v sudo >/dev/null; then
  sudo bash scripts/docker-setup.sh
else
  echo "note: not root and no sudo: run scripts/docker-setup.sh as root to run pods"
fi

dotnet build src/Cluster.Node -c Release --nologo -v quiet -clp:ErrorsOnly
data=${CLUSTER_DATA_DIR:-data}
mkdir -p "$data"
rm -f "$data/admin.kubeconfig"
dotnet src/Cluster.Node/bin/Release/net10.0/Cluster.Node.dll --config hocon/single-node.conf --data-dir "$data" "$@" &
node=$!
# Background jobs of a script ignore SIGINT, so Ctrl+C is passed on as SIGTERM (a clean stop too);
# the node is stopped the same way when this script ends early (a failed step under set -e).
trap 'kill -TERM $node 2>/dev/null; wait $node' INT TERM
trap 'kill -TERM $node 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  [ -s "$data/admin.kubeconfig" ] && break
  kill -0 $node 2>/dev/null || { wait $node; exit $?; }
  sleep 0.5
done
[ -s "$data/admin.kubeconfig" ] || { echo "error: the node did not become ready" >&2; kill -TERM $node; exit 1; }

case "$data" in
  /*) export KUBECONFIG="$data/admin.kubeconfig" ;;      # CLUSTER_DATA_DIR given as an absolute path
  *) export KUBECONFIG="$PWD/$data/admin.kubeconfig" ;;
esac
if command -v kubectl >/dev/null; then
  echo "== sample workload: kubectl apply -f examples/sample-workload.yaml"
  kubectl apply -f examples/sample-workload.yaml
  kubectl get namespaces
  echo "== the scheduler places the Deployment's pods, the controllers keep them: kubectl rollout status"
  kubectl rollout status deployment/web -n sample --timeout=90s || true
  kubectl get all,configmaps -n sample -o wide
  node_name=$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')
  echo "== a pod on node $node_name: kubectl apply -f examples/sample-pod.yaml"
  sed "s/NODE_NAME/$node_name/" examples/sample-pod.yaml | kubectl apply -f -
  if kubectl wait -n sample --for=condition=Ready pod/hello --timeout=60s; then
    ip=$(kubectl get pod hello -n sample -o jsonpath='{.status.podIP}')
    kubectl get pod hello -n sample -o wide
    echo "== curl http://$ip:8080/"
    if command -v curl >/dev/null; then curl -s "http://$ip:8080/"; else wget -qO- "http://$ip:8080/"; fi
  else
    kubectl describe pod hello -n sample | tail -20
  fi
else
  echo "note: kubectl is not installed; skipping the sample workload"
fi
echo
echo "The cluster is running. In another shell: export KUBECONFIG=$KUBECONFIG; kubectl get all -A"
echo "Ctrl+C stops it."
wait $node
