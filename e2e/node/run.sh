#!/usr/bin/env bash
# The real-node suite: a fresh cluster with real kubelet/containerd nodes, `node --test e2e/node/test/*.test.mjs`
# on a manifests directory, then every host change undone (also on failure, Ctrl-C and SIGTERM).
#   bash e2e/node/run.sh                                  on dist/ (npm run synth first)
#   E2E_MANIFESTS=DIR bash e2e/node/run.sh                on another directory
#   E2E_NODE_TESTS='e2e/node/test/05-*.test.mjs' ...       only some test files (01-apply always runs first)
#   E2E_NODES=N (default 2)  E2E_KEEP_STATE=1 (keep logs/state)  E2E_LOCK_WAIT=S (default 1800)
set -euo pipefail
source "$(dirname "$0")/../lib/env.sh"
source "$E2E_DIR/node/lib.sh"
REPO=$(cd "$E2E_DIR/.." && pwd)
E2E_MANIFESTS=$(realpath "${E2E_MANIFESTS:-$REPO/dist}")
[[ -d $E2E_MANIFESTS ]] || { nlog "FAIL step manifests: no directory $E2E_MANIFESTS (synthesize first: npm run synth)"; exit 1; }
# 1. every image the manifests name must have a stand-in: fail first, before any build
node "$E2E_DIR/images/standins.mjs" check "$E2E_MANIFESTS" >/dev/null
export E2E_MANIFESTS E2E_REPO=$REPO E2E_SYNTH_CMD=${E2E_SYNTH_CMD:-node scripts/synth.mjs}
NODES=${E2E_NODES:-2}
NODE_MANIFESTS=$E2E_MANIFESTS

# 2. binaries and images (cached)
bash "$E2E_DIR/node/build.sh"
IMAGES_DIR=$(bash "$E2E_DIR/images/build.sh" --dir)

# 3. the host lock: one cluster run at a time on this machine (the kwok suite and `npm run cluster` take it too)
source "$E2E_DIR/lib/lock.sh"; lock_host "${E2E_LOCK_WAIT:-1800}"

NODE_STATE=$(mktemp -d "${TMPDIR:-/tmp}/kubecraft-node.XXXXXX")
NETNS=kubecraft-${NODE_STATE##*.}
E2E_TMP=$NODE_STATE/scratch; mkdir -p "$E2E_TMP"
export E2E_TMP E2E_NODE_STATE=$NODE_STATE

TEST_PID=
diagnose() { # on failure: failing pods' events and logs, the node components' last log lines
  local kc=("$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig" --request-timeout=10s) p ns name
  nlog "--- pods not Ready:"
  "${kc[@]}" get pods -A -o wide 2>/dev/null | awk 'NR==1 || $3 !~ /^([0-9]+)\/\1$/ || $4 != "Running"' >&2 || true
  for p in $("${kc[@]}" get pods -A -o jsonpath='{range .items[?(@.status.phase!="Succeeded")]}{.metadata.namespace}/{.metadata.name}{" "}{range .status.conditions[?(@.type=="Ready")]}{.status}{end}{"\n"}{end}' 2>/dev/null | awk '$2!="True"{print $1}' | head -8); do
    ns=${p%/*}; name=${p#*/}
    nlog "--- events of $p:"; "${kc[@]}" -n "$ns" get events --field-selector "involvedObject.name=$name" 2>/dev/null | tail -n 8 >&2 || true
    nlog "--- logs of $p:"; "${kc[@]}" -n "$ns" logs "$name" --all-containers --tail=15 2>&1 | tail -n 30 >&2 || true
  done
  for f in "$NODE_STATE"/logs/*.log; do [[ -f $f ]] || continue; nlog "--- last lines of $(basename "$f")"; tail -n 8 "$f" >&2; done
}
report_rss() { # peak RSS (VmHWM) of every node component still running, into the log and $NODE_STATE/rss
  local kind pid name bin total=0 kb
  while read -r kind pid name bin; do
    [[ $kind == pid && -r /proc/$pid/status ]] || continue
    kb=$(awk '/VmHWM/{print $2}' "/proc/$pid/status"); total=$((total + kb))
    printf '%s %s\n' "$name" "$((kb / 1024))" >>"$NODE_STATE/rss"
  done <"$NODE_STATE/changes"
  nlog "peak RSS (MB): $(sort -k2 -rn "$NODE_STATE/rss" | tr '\n' ' ' | sed 's/ \([0-9]*\) / \1, /g') total $((total / 1024))"
}
on_exit() {
  local rc=$?
  trap '' INT TERM # the cleanup must finish: a second Ctrl-C or SIGTERM does not cut it short
  trap - EXIT
  if [[ -n $TEST_PID ]] && kill -0 "$TEST_PID" 2>/dev/null; then kill -TERM -- "-$TEST_PID" 2>/dev/null || true; sleep 0.5; fi
  if [[ -f $NODE_STATE/changes ]]; then
    (( rc == 0 )) || diagnose
    report_rss || true
    local t0=$(date +%s)
    if node_down; then nlog "host restored in $(( $(date +%s) - t0 ))s"
    else nlog "FAIL step cleanup: some changes could not be undone (LEFT lines above)"; (( rc != 0 )) || rc=1; fi
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_up=$(date +%s)
node_up
export KUBECONFIG=$NODE_STATE/kubeconfig E2E_KUBECTL=$K8S_BIN/kubectl
nlog "cluster up in $(( $(date +%s) - t_up ))s; suite on $E2E_MANIFESTS"
t0=$(date +%s)
# shellcheck disable=SC2206 # a glob list by design
tests=(${E2E_NODE_TESTS:-$E2E_DIR/node/test/*.test.mjs})
[[ " ${tests[*]} " == *"/01-"* ]] || tests=("$E2E_DIR"/node/test/01-*.test.mjs "${tests[@]}")
setsid node --test --test-concurrency=1 "${tests[@]}" 9>&- &
TEST_PID=$!
rc=0; wait "$TEST_PID" || rc=$?
TEST_PID=
nlog "suite finished in $(( $(date +%s) - t0 ))s (exit $rc)"
exit "$rc"
