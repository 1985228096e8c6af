#!/usr/bin/env bash
# Installs the Debian packages the real-node suite needs, only those missing (idempotent).
#   containerd + runc + CNI plugins: the node's container runtime and pod network (bridge, host-local, loopback, portmap)
#   nftables: kube-proxy --proxy-mode=nftables drives `nft`;  iptables + ipset: kube-router's firewall;  conntrack: kube-proxy
#   mmdebstrap: builds the postgres and nginx stand-in root filesystems;  busybox-static: the busybox stand-in
#   socat: the two-hop forwarder that gives the host 127.0.0.1 access to the apiserver inside the cluster's network namespace
# A missing package that apt cannot install stops with one line naming it and the log to read.
set -euo pipefail
source "$(dirname "$0")/../lib/env.sh"
PKGS=(containerd runc containernetworking-plugins nftables iptables ipset conntrack mmdebstrap busybox-static socat
      iproute2 util-linux zstd)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if (( ${#missing[@]} == 0 )); then log "debian packages: all present"; exit 0; fi
mkdir -p "$E2E_CACHE/logs"; lf=$E2E_CACHE/logs/apt.log
log "installing debian packages: ${missing[*]} (log: $lf)"
t0=$(date +%s)
{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$lf" 2>&1 \
  || { log "FAIL step debian-packages: apt-get could not install ${missing[*]}; read $lf"; exit 1; }
log "debian packages installed in $(( $(date +%s) - t0 ))s"
