#!/usr/bin/env bash
# Builds what the real-node suite needs, into the version-keyed cache, only when missing:
#   Debian packages (deps.sh); kubelet + kube-proxy (e2e/go.mod, next to the control plane of e2e/build.sh);
#   kube-router (firewall), local-path-provisioner, podinfo (go install); the stand-in images (e2e/images/build.sh).
# Each step that fails stops the run with one line naming the step and its log.
#   bash e2e/node/build.sh [step...]     steps: deps control-plane node-bins kube-router local-path podinfo images (default: all)
set -euo pipefail
source "$(dirname "$0")/../lib/env.sh"
LOGS=$E2E_CACHE/logs; mkdir -p "$LOGS"

run_step() { # run_step NAME CMD... (output to $LOGS/NAME.log; one clear line on failure)
  local name=$1 t0=$(date +%s); shift
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    log "FAIL step $name after $(( $(date +%s) - t0 ))s; read $LOGS/$name.log:"; tail -n 5 "$LOGS/$name.log" >&2
    exit 1
  fi
  log "step $name done in $(( $(date +%s) - t0 ))s"
}
go_install() { # go_install BIN_DIR PKG@VERSION [NAME]
  local dir=$1 pkg=$2 name=${3:-$(basename "${2%@*}")}
  [[ -x $dir/$name ]] && { log "$name: cached in $dir"; return 0; }
  mkdir -p "$dir.tmp"
  run_step "$name" env GOBIN="$dir.tmp" GOFLAGS=-buildvcs=false CGO_ENABLED=0 bash -c "cd / && go install -trimpath -ldflags '-s -w' '$pkg'"
  mkdir -p "$dir" && mv "$dir.tmp/$name" "$dir/$name" && rm -rf "$dir.tmp"
}

node_bins() {
  if [[ -x $K8S_BIN/kubelet && -x $K8S_BIN/kube-proxy ]]; then log "kubelet, kube-proxy $K8S_VERSION: cached in $K8S_BIN"; return 0; fi
  local v=${K8S_VERSION#v} major minor flags="-s -w" tmp
  major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p "$E2E_CACHE"; tmp=$(mktemp -d "$E2E_CACHE/node-bins.tmp.XXXXXX")
  run_step node-bins bash -c "cd '$E2E_DIR' && go build -trimpath -ldflags '$flags' -o '$tmp/' k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy"
  mkdir -p "$K8S_BIN" && mv "$tmp"/* "$K8S_BIN/" && rmdir "$tmp"
}

steps=("$@"); (( ${#steps[@]} )) || steps=(deps control-plane node-bins kube-router local-path podinfo images)
t_all=$(date +%s)
for s in "${steps[@]}"; do
  case $s in
    deps) bash "$E2E_DIR/node/deps.sh" ;;
    control-plane) run_step control-plane bash "$E2E_DIR/build.sh" ;;
    node-bins) node_bins ;;
    kube-router) go_install "$KUBE_ROUTER_BIN" "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION" ;;
    local-path) go_install "$LOCAL_PATH_BIN" "github.com/rancher/local-path-provisioner@$LOCAL_PATH_VERSION" ;;
    podinfo) go_install "$PODINFO_BIN" "github.com/stefanprodan/podinfo/cmd/podinfo@$PODINFO_VERSION" ;;
    images) bash "$E2E_DIR/images/build.sh" ;;
    *) log "unknown build step '$s'"; exit 2 ;;
  esac
done
log "real-node build ready in $(( $(date +%s) - t_all ))s"
