# Sourced by the e2e scripts: pinned versions and the binary cache (outside the repo).
# shellcheck shell=bash
K8S_VERSION=v1.36.3        # k8s.io/kubernetes (staging modules at v0.36.3, see e2e/go.mod)
ETCD_VERSION=v3.6.8        # go.etcd.io/etcd/server/v3, the version k8s.io/kubernetes v1.36.3 itself pins
KWOK_VERSION=v0.8.0        # sigs.k8s.io/kwok
COREDNS_VERSION=v1.14.7    # github.com/coredns/coredns

export GOTOOLCHAIN=local
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
E2E_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/kubecraft
K8S_BIN=$E2E_CACHE/k8s-$K8S_VERSION/bin
ETCD_BIN=$E2E_CACHE/etcd-$ETCD_VERSION/bin
KWOK_BIN=$E2E_CACHE/kwok-$KWOK_VERSION/bin
COREDNS_BIN=$E2E_CACHE/coredns-$COREDNS_VERSION/bin

log() { printf '[e2e %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
