#!/usr/bin/env bash
# A long-lived local cluster with real nodes (the real-node suite's harness), for working with dist/ by hand:
#   npm run cluster -- up [--nodes N]    build what is missing, start, print the KUBECONFIG to export
#   npm run cluster -- status            processes, nodes, pods
#   npm run cluster -- down              stop everything by recorded PID and undo every host change
# State: $KUBECRAFT_CLUSTER_STATE (default /tmp/kubecraft-cluster). While it is up it holds the host lock
# /tmp/kubecraft-cluster.lock, so the e2e suites wait (or fail after E2E_LOCK_WAIT seconds) instead of colliding.
set -euo pipefail
source "$(dirname "$0")/../lib/env.sh"
source "$E2E_DIR/node/lib.sh"
NODE_STATE=${KUBECRAFT_CLUSTER_STATE:-/tmp/kubecraft-cluster}
cmd=${1:-}; shift || true
NODES=2
while (( $# )); do
  case $1 in
    --nodes) NODES=$2; shift 2 ;;
    *) echo "usage: cluster.sh up [--nodes N] | down | status" >&2; exit 2 ;;
  esac
done

load_state() {
  [[ -f $NODE_STATE/netns ]] || { nlog "no cluster in $NODE_STATE (npm run cluster -- up)"; return 1; }
  NETNS=$(cat "$NODE_STATE/netns"); NODES=$(cat "$NODE_STATE/nodes"); HOST_API_PORT=$(cat "$NODE_STATE/api-port" 2>/dev/null || echo 0)
}

case $cmd in
  up)
    if [[ -f $NODE_STATE/netns ]]; then
      wanted=$NODES; load_state
      if [[ -e /run/netns/$NETNS ]]; then nlog "already up: export KUBECONFIG=$NODE_STATE/kubeconfig (npm run cluster -- down to stop it)"; exit 0; fi
      nlog "stale state in $NODE_STATE (its network namespace is gone): cleaning it first"; node_down || true
      NODES=$wanted
    fi
    [[ $NODES =~ ^[1-9]$ ]] || { nlog "--nodes must be 1..9, got '$NODES'"; exit 2; }
    bash "$E2E_DIR/node/build.sh"
    IMAGES_DIR=$(bash "$E2E_DIR/images/build.sh" --dir)
    source "$E2E_DIR/lib/lock.sh"; lock_host "${E2E_LOCK_WAIT:-600}"
    mkdir -p "$NODE_STATE"
    NETNS=kubecraft-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
    echo "$NETNS" >"$NODE_STATE/netns"; echo "$NODES" >"$NODE_STATE/nodes"
    NODE_MANIFESTS=$E2E_DIR/../dist
    on_fail() { local rc=$?; trap '' INT TERM; trap - EXIT; (( rc == 0 )) && exit 0; nlog "up failed: undoing every change"; node_down || true; exit "$rc"; }
    trap on_fail EXIT; trap 'exit 130' INT; trap 'exit 143' TERM
    # the components must outlive this shell (and its terminal): each runs in its own session
    start_ns() { local name=$1 bin=$2; shift 2
      setsid nsenter --net="/run/netns/$NETNS" -- "$bin" "$@" >"$NODE_STATE/logs/$name.log" 2>&1 </dev/null &
      record pid "$!" "$name" "$bin"; }
    start_host() { local name=$1 bin=$2; shift 2
      setsid "$bin" "$@" >"$NODE_STATE/logs/$name.log" 2>&1 </dev/null &
      record pid "$!" "$name" "$bin"; }
    node_up
    trap - EXIT INT TERM
    cat <<EOF

The cluster is up ($NODES nodes; state and logs in $NODE_STATE).
  export KUBECONFIG=$NODE_STATE/kubeconfig
  kubectl apply --server-side -f dist/        # kubectl: $K8S_BIN/kubectl (or any kubectl >= 1.35)
  kubectl get pods -A -o wide
  npm run cluster -- down                     # stop it and restore the host
The prod namespace's db and api need the Secret 'api-db-credentials' (created out of band, see README):
  kubectl create namespace prod --dry-run=client -o yaml | kubectl apply -f - && \\
  kubectl -n prod create secret generic api-db-credentials --from-literal=DB_PASSWORD="\$(head -c 18 /dev/urandom | base64)"
EOF
    ;;
  down)
    load_state || exit 0
    node_down && nlog "down: every recorded change undone" || { nlog "down: some changes could not be undone (see LEFT lines)"; exit 1; }
    ;;
  status)
    load_state || exit 1
    while read -r kind pid name bin; do
      [[ $kind == pid ]] || continue
      if [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$bin")" ]]; then
        printf '  %-26s pid %-7s rss %6s MB\n' "$name" "$pid" "$(( $(awk '/VmRSS/{print $2}' "/proc/$pid/status") / 1024 ))"
      else printf '  %-26s pid %-7s NOT RUNNING (log %s)\n' "$name" "$pid" "$NODE_STATE/logs/$name.log"; fi
    done <"$NODE_STATE/changes"
    echo "KUBECONFIG=$NODE_STATE/kubeconfig"
    "$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig" get nodes -o wide || true
    "$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig" get pods -A -o wide || true
    ;;
  *) echo "usage: cluster.sh up [--nodes N] | down | status" >&2; exit 2 ;;
esac
