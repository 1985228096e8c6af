#!/usr/bin/env bash
# Runs the real-cluster suite (node --test e2e/test/*.test.mjs) on a manifests directory.
#   bash e2e/run.sh                          build binaries if missing, start a local control plane, run on dist/, stop
#   E2E_MANIFESTS=e2e/fixtures/manifests bash e2e/run.sh     the fixture self-check of the harness
#   E2E_USE_EXISTING_CLUSTER=1 KUBECONFIG=... [E2E_DNS_SERVER=127.0.0.1:PORT] bash e2e/run.sh    an existing cluster
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"
source "$E2E_DIR/lib/cluster.sh"
REPO=$(cd "$E2E_DIR/.." && pwd)

E2E_MANIFESTS=$(realpath "${E2E_MANIFESTS:-$REPO/dist}")
[[ -d $E2E_MANIFESTS ]] || { log "no manifests directory $E2E_MANIFESTS (synthesize first: npm run synth)"; exit 1; }
if [[ -z ${E2E_SYNTH_CMD:-} ]]; then
  if [[ $E2E_MANIFESTS == "$E2E_DIR/fixtures/manifests" ]]; then E2E_SYNTH_CMD="node $E2E_DIR/fixtures/synth.mjs"
  else E2E_SYNTH_CMD="node scripts/synth.mjs"; fi
fi
export E2E_MANIFESTS E2E_SYNTH_CMD E2E_REPO=$REPO

TEST_PID=
on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  # the test runner leads its own process group (setsid): stop it with its test files and their kubectl children
  if [[ -n $TEST_PID ]] && kill -0 "$TEST_PID" 2>/dev/null; then kill -TERM -- "-$TEST_PID" 2>/dev/null || true; sleep 0.5; fi
  if (( rc != 0 )) && [[ -n ${E2E_STATE:-} ]]; then
    for f in "$E2E_STATE"/logs/*.log; do [[ -f $f ]] || continue; log "--- last lines of $(basename "$f")"; tail -n 15 "$f" >&2; done
  fi
  cluster_down
  rm -rf "$E2E_TMP"
  exit "$rc"
}
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kubecraft-e2e-tmp.XXXXXX") # the suite's scratch (re-synth output), removed on exit
export E2E_TMP
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ${E2E_USE_EXISTING_CLUSTER:-0} == 1 ]]; then
  [[ -n ${KUBECONFIG:-} ]] || { log "E2E_USE_EXISTING_CLUSTER=1 needs KUBECONFIG"; exit 1; }
  E2E_KUBECTL=${E2E_KUBECTL:-$( [[ -x $K8S_BIN/kubectl ]] && echo "$K8S_BIN/kubectl" || command -v kubectl )}
  log "using the existing cluster of $KUBECONFIG ($("$E2E_KUBECTL" config current-context))"
  [[ -n ${E2E_DNS_SERVER:-} ]] || log "E2E_DNS_SERVER not set: the DNS tests are skipped"
else
  bash "$E2E_DIR/build.sh"
  # the host lock shared with the real-node suite and `npm run cluster` (e2e/lib/lock.sh)
  source "$E2E_DIR/lib/lock.sh"; lock_host "${E2E_LOCK_WAIT:-1800}"
  cluster_up
  export KUBECONFIG=$E2E_STATE/kubeconfig E2E_DNS_SERVER=127.0.0.1:$DNS_PORT
  E2E_KUBECTL=$K8S_BIN/kubectl
fi
export E2E_KUBECTL

log "suite on $E2E_MANIFESTS"
t0=$(date +%s)
setsid node --test --test-concurrency=1 "$E2E_DIR"/test/*.test.mjs 9>&- &
TEST_PID=$!
rc=0; wait "$TEST_PID" || rc=$?
TEST_PID=
log "suite finished in $(( $(date +%s) - t0 ))s (exit $rc)"
exit "$rc"
