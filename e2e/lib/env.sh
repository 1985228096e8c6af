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

# real-node suite (e2e/node): pinned versions, cached the same way
KUBE_ROUTER_VERSION=v2.1.0          # github.com/cloudnativelabs/kube-router/v2 (the only version the module proxy serves here)
LOCAL_PATH_VERSION=v0.0.30          # github.com/rancher/local-path-provisioner
PODINFO_VERSION=v1.8.1-0.20250910200901-e86405a8674e # github.com/stefanprodan/podinfo (6.x tags are not valid module versions)
KUBE_ROUTER_BIN=$E2E_CACHE/kube-router-$KUBE_ROUTER_VERSION/bin
LOCAL_PATH_BIN=$E2E_CACHE/local-path-provisioner-$LOCAL_PATH_VERSION/bin
PODINFO_BIN=$E2E_CACHE/podinfo-$PODINFO_VERSION/bin
