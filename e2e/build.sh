#!/usr/bin/env bash
# Builds the control-plane binaries from Go modules into the version-keyed cache, only when missing.
# Usage: bash e2e/build.sh        (idempotent; prints the cache paths)
set -euo pipefail
source "$(dirname "$0")/lib/env.sh"

ldflags_k8s() {
  local v=${K8S_VERSION#v} major minor flags="-s -w"
  major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  printf '%s' "$flags"
}

have_all() { local dir=$1; shift; for b in "$@"; do [[ -x $dir/$b ]] || return 1; done; }

start=$(date +%s)
if have_all "$K8S_BIN" kube-apiserver kube-controller-manager kube-scheduler kubectl; then
  log "k8s $K8S_VERSION: cached in $K8S_BIN"
else
  log "building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $K8S_VERSION"
  tmp=$(mktemp -d "$E2E_CACHE.tmp.XXXXXX" 2>/dev/null || { mkdir -p "$E2E_CACHE"; mktemp -d "$E2E_CACHE.tmp.XXXXXX"; })
  (cd "$E2E_DIR" && go build -trimpath -ldflags "$(ldflags_k8s)" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  mkdir -p "$K8S_BIN" && mv "$tmp"/* "$K8S_BIN/" && rmdir "$tmp"
fi
if have_all "$ETCD_BIN" etcd; then
  log "etcd $ETCD_VERSION: cached in $ETCD_BIN"
else
  log "building etcd $ETCD_VERSION"
  mkdir -p "$ETCD_BIN"
  (cd "$E2E_DIR" && go build -trimpath -ldflags "-s -w" -o "$ETCD_BIN/etcd.tmp" ./etcd) && mv "$ETCD_BIN/etcd.tmp" "$ETCD_BIN/etcd"
fi
if have_all "$KWOK_BIN" kwok && [[ -d $KWOK_BIN/../stages/pod ]]; then
  log "kwok $KWOK_VERSION: cached in $KWOK_BIN"
else
  log "installing kwok $KWOK_VERSION"
  mkdir -p "$KWOK_BIN.tmp" && (cd / && GOBIN="$KWOK_BIN.tmp" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
  # kwok loads no stage unless given one: keep the module's stage files beside the binary.
  kwok_src=$(cd / && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  rm -rf "$KWOK_BIN/../stages" && mkdir -p "$KWOK_BIN/../stages"
  cp -r "$kwok_src/kustomize/stage/." "$KWOK_BIN/../stages/" && chmod -R u+w "$KWOK_BIN/../stages"
  mkdir -p "$KWOK_BIN" && mv "$KWOK_BIN.tmp/kwok" "$KWOK_BIN/kwok" && rmdir "$KWOK_BIN.tmp"
fi
if have_all "$COREDNS_BIN" coredns; then
  log "coredns $COREDNS_VERSION: cached in $COREDNS_BIN"
else
  log "installing coredns $COREDNS_VERSION"
  mkdir -p "$COREDNS_BIN.tmp" && (cd / && GOBIN="$COREDNS_BIN.tmp" GOFLAGS=-buildvcs=false go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION")
  mkdir -p "$COREDNS_BIN" && mv "$COREDNS_BIN.tmp/coredns" "$COREDNS_BIN/coredns" && rmdir "$COREDNS_BIN.tmp"
fi
log "binaries ready in $(( $(date +%s) - start ))s"
