# The real-node cluster: a control plane plus N kubelet/containerd nodes, all inside one network namespace
# ("the cluster host") that has no link off the machine. Sourced by e2e/node/cluster.sh and e2e/node/run.sh.
#
# Layout (see e2e/README.md, "Real-node suite"):
#   netns kubecraft-<id>: lo (127.0.0.1 + the node IP 10.200.0.1/32), one bridge per node (kc<i>, pod CIDR
#     10.244.<i-1>.0/24), no other link and no default route: nothing routed from it can leave the machine.
#   inside: etcd, kube-apiserver (0.0.0.0:6443 of the netns), controller-manager, scheduler, per node containerd +
#     kubelet (port 10250+i, own cgroup root /kubecraft-<id>-node-<i>, own state), one kube-proxy (nftables) and
#     one kube-router (firewall only) for the shared host network, local-path-provisioner per provisioner name.
#   host side: only a socat forwarder 127.0.0.1:<free port> -> unix socket -> apiserver (kubectl, port-forward).
#   in the cluster: CoreDNS (Deployment kube-system/coredns, Service kube-dns 10.96.0.10, no forward plugin).
#
# Containment: every host change is recorded in $NODE_STATE/changes before it is made, and node_down undoes
# exactly those (PIDs, mounts, cgroups, netns, /run/netns and /var/log/containers entries, host sysctls the
# kubelet sets, created directories). Processes are stopped by recorded PID after checking /proc/PID/exe.
# shellcheck shell=bash

NODE_IP=10.200.0.1
SERVICE_CIDR=10.96.0.0/16
CLUSTER_CIDR=10.244.0.0/16
DNS_IP=10.96.0.10
# host-wide sysctls that a kubelet sets when protectKernelDefaults is false (restored on exit), and the host's
# ip_forward / bridge-nf values that must stay as they were (checked on exit)
HOST_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.netfilter.nf_conntrack_max)

nlog() { printf '[node %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
nfail() { # nfail STEP MESSAGE [LOG]: the one line that says what failed and what to read
  nlog "FAIL step $1: $2${3:+; read $3}"
  [[ -n ${3:-} && -f ${3:-} ]] && { tail -n 20 "$3" | sed 's/^/    /' >&2; }
  return 1
}
record() { echo "$*" >>"$NODE_STATE/changes"; } # record KIND ARGS... (undone in reverse order by node_down)

in_ns() { nsenter --net="/run/netns/$NETNS" -- "$@"; }

start_ns() { # start_ns NAME BINARY ARGS...: starts BINARY inside the netns, logs to logs/NAME.log, records its PID
  local name=$1 bin=$2; shift 2
  nsenter --net="/run/netns/$NETNS" -- "$bin" "$@" >"$NODE_STATE/logs/$name.log" 2>&1 &
  record pid "$!" "$name" "$bin"
}
start_host() { # start_host NAME BINARY ARGS...: the same in the host's network namespace
  local name=$1 bin=$2; shift 2
  "$bin" "$@" >"$NODE_STATE/logs/$name.log" 2>&1 &
  record pid "$!" "$name" "$bin"
}

alive_check() { # fails naming the first recorded process that died, with its log
  local kind pid name bin
  while read -r kind pid name bin; do
    [[ $kind == pid ]] || continue
    kill -0 "$pid" 2>/dev/null || { nfail "$name" "$name (pid $pid) exited" "$NODE_STATE/logs/$name.log"; return 1; }
  done <"$NODE_STATE/changes"
}
wait_until() { # wait_until STEP TIMEOUT_S LOG CMD...: polls CMD; on timeout fails with the step and the log to read
  local step=$1 timeout=$2 lf=$3 deadline; shift 3
  deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || { nfail "$step" "not ready after ${timeout}s" "$lf"; return 1; }
    alive_check || return 1
    sleep 0.5
  done
}

host_free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# --- PKI -------------------------------------------------------------------------------------------------------
node_pki() {
  local d=$NODE_STATE/pki i
  mkdir -p "$d"
  (
    cd "$d"
    sign() { # sign NAME SUBJECT EXT
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      printf '%b' "$3" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 2 -extfile "$1.ext" 2>/dev/null
    }
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=kubecraft-node-ca" 2>/dev/null
    local client='extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n'
    sign apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:$NODE_IP,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n"
    sign admin "/O=system:masters/CN=kubecraft-admin" "$client"
    sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
    sign kube-proxy "/CN=system:kube-proxy" "$client"
    for ((i = 1; i <= NODES; i++)); do
      sign "node-$i" "/O=system:nodes/CN=system:node:node-$i" "$client"
      sign "node-$i-serving" "/CN=node-$i" "subjectAltName=IP:$NODE_IP,DNS:node-$i\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n"
    done
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  # kubeconfigs: in-netns components talk to 127.0.0.1:6443 of the netns; the host one to the forwarder
  mk_kubeconfig() { # mk_kubeconfig FILE SERVER CERT_NAME
    local k=("$K8S_BIN/kubectl" --kubeconfig "$1")
    "${k[@]}" config set-cluster kubecraft --server="$2" --certificate-authority="$d/ca.crt" --embed-certs=true >/dev/null
    "${k[@]}" config set-credentials "$3" --client-certificate="$d/$3.crt" --client-key="$d/$3.key" --embed-certs=true >/dev/null
    "${k[@]}" config set-context kubecraft --cluster=kubecraft --user="$3" >/dev/null
    "${k[@]}" config use-context kubecraft >/dev/null
  }
  mk_kubeconfig "$NODE_STATE/admin.kubeconfig" https://127.0.0.1:6443 admin
  mk_kubeconfig "$NODE_STATE/kube-proxy.kubeconfig" https://127.0.0.1:6443 kube-proxy
  for ((i = 1; i <= NODES; i++)); do mk_kubeconfig "$NODE_STATE/node-$i.kubeconfig" https://127.0.0.1:6443 "node-$i"; done
  mk_kubeconfig "$NODE_STATE/kubeconfig" "https://127.0.0.1:$HOST_API_PORT" admin
}

# --- host changes: netns, cgroups, sysctls ------------------------------------------------------------------------
node_netns() {
  [[ -e /run/netns/$NETNS ]] && { nfail netns "network namespace $NETNS already exists (another run? see npm run cluster -- status)"; return 1; }
  [[ -d /run/netns ]] || record dir /run/netns
  record netns "$NETNS"
  ip netns add "$NETNS"
  in_ns ip link set lo up
  in_ns ip addr add "$NODE_IP/32" dev lo
  # a network namespace starts with ip_forward=0; the bridge plugin turns it on inside this netns only
}

record_host_state() {
  local s
  for s in "${HOST_SYSCTLS[@]}"; do
    [[ -e /proc/sys/${s//.//} ]] && echo "$s $(cat "/proc/sys/${s//.//}")" >>"$NODE_STATE/host-sysctls"
  done
  ls -1 /run/netns 2>/dev/null | sort >"$NODE_STATE/netns-before" || true
  [[ -d /var/log/containers ]] || record dir /var/log/containers
  [[ -d /var/lib/cni ]] || record dir /var/lib/cni
  [[ -d /run/containerd ]] || record dir /run/containerd
  [[ -d /var/run/netns ]] || record dir /var/run/netns
  record sysctls "$NODE_STATE/host-sysctls"
  record host-leftovers
}

cgroup_root() { # cgroup_root NAME: /NAME in every v1 hierarchy (cpuset initialised from its parent), recorded
  local name=$1 c
  record cgroup "$name"
  for c in /sys/fs/cgroup/*/; do
    c=${c%/}
    [[ -f $c/cgroup.procs ]] || continue
    mkdir -p "$c/$name"
    if [[ -f $c/cpuset.cpus ]]; then cat "$c/cpuset.cpus" >"$c/$name/cpuset.cpus"; cat "$c/cpuset.mems" >"$c/$name/cpuset.mems"; fi
  done
}

# --- control plane ------------------------------------------------------------------------------------------
node_control_plane() {
  local pki=$NODE_STATE/pki kc=$NODE_STATE/admin.kubeconfig
  mkdir -p "$NODE_STATE/etcd"
  start_ns etcd "$ETCD_BIN/etcd" --name=kubecraft --data-dir="$NODE_STATE/etcd" --unsafe-no-fsync --log-level=warn \
    --listen-client-urls=http://127.0.0.1:2379 --advertise-client-urls=http://127.0.0.1:2379 \
    --listen-peer-urls=http://127.0.0.1:2380 --initial-advertise-peer-urls=http://127.0.0.1:2380 \
    --initial-cluster=kubecraft=http://127.0.0.1:2380 --listen-metrics-urls=http://127.0.0.1:2381
  wait_until etcd 60 "$NODE_STATE/logs/etcd.log" in_ns curl -fsS http://127.0.0.1:2379/health
  start_ns kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=0.0.0.0 --advertise-address="$NODE_IP" --secure-port=6443 --cert-dir="$NODE_STATE/apiserver" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP --allow-privileged=true --profiling=false
  # the host's way in: 127.0.0.1:<port> -> unix socket -> 127.0.0.1:6443 in the netns (no link between the two)
  start_ns api-forward-ns "$(command -v socat)" "UNIX-LISTEN:$NODE_STATE/api.sock,fork,mode=600,unlink-early" TCP:127.0.0.1:6443
  start_host api-forward-host "$(command -v socat)" "TCP-LISTEN:$HOST_API_PORT,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$NODE_STATE/api.sock"
  wait_until kube-apiserver 90 "$NODE_STATE/logs/kube-apiserver.log" "$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig" get --raw=/readyz
  start_ns kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" --bind-address=127.0.0.1 --secure-port=10257 \
    --cert-dir="$NODE_STATE/kcm" --leader-elect=false --root-ca-file="$pki/ca.crt" \
    --service-account-private-key-file="$pki/sa.key" --use-service-account-credentials=true \
    --cluster-cidr="$CLUSTER_CIDR" --service-cluster-ip-range="$SERVICE_CIDR" --profiling=false
  start_ns kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" --bind-address=127.0.0.1 --secure-port=10259 \
    --cert-dir="$NODE_STATE/sched" --leader-elect=false --profiling=false
}

# --- nodes ----------------------------------------------------------------------------------------------------
containerd_config() { # containerd_config I
  local i=$1 d=$NODE_STATE/node-$1 reg
  mkdir -p "$d/cni/net.d" "$d/certs.d" "$d/opt"
  # every registry (and any other host) resolves to a loopback port where nothing listens: a pull can never leave
  for reg in _default docker.io ghcr.io registry.k8s.io quay.io gcr.io k8s.gcr.io; do
    mkdir -p "$d/certs.d/$reg"
    printf 'server = "http://127.0.0.1:9"\n[host."http://127.0.0.1:9"]\n  capabilities = ["pull", "resolve"]\n' >"$d/certs.d/$reg/hosts.toml"
  done
  cat >"$d/containerd.toml" <<TOML
version = 2
root = "$(ct_root "$i")"
state = "$d/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$d/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$d/certs.d"
TOML
  # the pod network of node I: its own bridge and /24; no masquerade, routes only inside the cluster netns
  cat >"$d/cni/net.d/10-kubecraft.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "kubecraft-$NETNS-node-$i",
  "plugins": [
    { "type": "bridge", "bridge": "kc$i", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.$((i - 1)).0/24" }]],
                "routes": [{ "dst": "0.0.0.0/0" }], "dataDir": "$d/cni-ipam" } }
  ]
}
JSON
}

kubelet_config() { # kubelet_config I
  local i=$1 d=$NODE_STATE/node-$1 pki=$NODE_STATE/pki
  : >"$NODE_STATE/resolv.conf" # pods get only the cluster DNS: no upstream resolver is reachable anyway
  cat >"$d/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $((10249 + i))
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $((10300 + i))
tlsCertFile: $pki/node-$i-serving.crt
tlsPrivateKeyFile: $pki/node-$i-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$d/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$NETNS-node-$i
failCgroupV1: false
oomScoreAdj: 0
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: $NODE_STATE/resolv.conf
podLogsDir: $d/pod-logs
rotateCertificates: false
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
failSwapOn: false
maxPods: 60
nodeStatusReportFrequency: 10s
shutdownGracePeriod: 0s
YAML
}

node_start() { # node_start I: containerd, images, kubelet of node I
  local i=$1 d=$NODE_STATE/node-$1 img
  mkdir -p "$d"
  containerd_config "$i"
  kubelet_config "$i"
  cgroup_root "$NETNS-node-$i"
  ct_root_prepare "$i"
  start_ns "containerd-$i" "$(command -v containerd)" --config "$d/containerd.toml" --log-level warn
  wait_until "containerd-$i" 30 "$NODE_STATE/logs/containerd-$i.log" ctr --address "$d/containerd.sock" version
}

# containerd's root (content store + unpacked snapshots) of node I is an image cache kept between runs, keyed by the
# stand-in images: importing and deleting ~1 GB per node each run cost a minute and a half. It holds no container
# after a run (node_down removes them all, then marks it clean); one that was not marked clean is rebuilt.
ct_root() { echo "$E2E_CACHE/containerd/$(basename "$IMAGES_DIR")/node-$1"; }
ct_root_prepare() { # ct_root_prepare I (before containerd starts): keep a clean cache, else start it anew
  local r; r=$(ct_root "$1")
  if [[ -f $r/.clean ]]; then rm -f "$r/.clean"; echo cached >"$NODE_STATE/node-$1/images"
  else rm -rf --one-file-system "$r"; mkdir -p "$r"; echo import >"$NODE_STATE/node-$1/images"; fi
  record ct-root "$1" "$r"
}
ct_root_release() { # ct_root_release I ROOT (containerd stopped, no container left): drop CRI leftovers, mark clean
  local i=$1 r=$2
  [[ -d $r ]] || return 0
  if [[ -n $(findmnt -rn -o TARGET | grep -F "$r/") ]]; then nlog "containerd cache $r still has mounts: dropping it"; return 0; fi
  rm -rf "$r"/io.containerd.grpc.v1.cri/sandboxes/* "$r"/io.containerd.grpc.v1.cri/containers/* 2>/dev/null || true
  [[ -f $NODE_STATE/node-$i/runtime-clean ]] && touch "$r/.clean"
  true
}

node_import() { # node_import I: every stand-in image into node I's containerd (k8s.io namespace, unpacked)
  local i=$1 d=$NODE_STATE/node-$1 img n
  if [[ $(cat "$d/images") == cached ]]; then
    n=$(ctr --address "$d/containerd.sock" -n k8s.io images ls -q 2>/dev/null | grep -vc '^sha256:')
    if (( n >= $(node "$E2E_DIR/images/standins.mjs" list | wc -l) )); then return 0; fi
    nlog "node-$i: the cached image store has $n images: importing"
  fi
  for img in "$IMAGES_DIR"/*.tar; do
    ctr --address "$d/containerd.sock" -n k8s.io images import "$img" >>"$NODE_STATE/logs/import-$i.log" 2>&1 \
      || { nfail "image-import" "ctr import of $(basename "$img") into node-$i failed" "$NODE_STATE/logs/import-$i.log"; return 1; }
  done
}

kubelet_start() { # kubelet_start I
  local i=$1 d=$NODE_STATE/node-$1
  start_ns "kubelet-$i" "$K8S_BIN/kubelet" --config="$d/kubelet.yaml" --kubeconfig="$NODE_STATE/node-$i.kubeconfig" \
    --root-dir="$d/kubelet" --cert-dir="$d/kubelet-pki" --hostname-override="node-$i" --node-ip="$NODE_IP" \
    --node-labels="topology.kubernetes.io/zone=zone-$i" --v=1
}

# --- cluster add-ons (host processes in the netns, like hostNetwork DaemonSets) -------------------------------------
node_network() {
  cat >"$NODE_STATE/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $NODE_STATE/kube-proxy.kubeconfig}
hostnameOverride: node-1
clusterCIDR: $CLUSTER_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
  start_ns kube-proxy "$K8S_BIN/kube-proxy" --config="$NODE_STATE/kube-proxy.yaml" --v=1
  # all nodes share this host network (one node IP), so one firewall sees every pod as local (kube-router matches
  # pods by status.hostIP) and enforces every NetworkPolicy
  start_ns kube-router "$KUBE_ROUTER_BIN/kube-router" --kubeconfig="$NODE_STATE/admin.kubeconfig" \
    --hostname-override=node-1 --run-firewall=true --run-router=false --run-service-proxy=false \
    --run-loadbalancer=false --enable-cni=false --metrics-port=0 --health-port=20244 --v=1
}

node_storage() { # one local-path-provisioner per provisioner name that a StorageClass of the manifests uses
  local kc=$NODE_STATE/admin.kubeconfig names n i paths=""
  for ((i = 1; i <= NODES; i++)); do paths+="${paths:+,}{\"node\":\"node-$i\",\"paths\":[\"$NODE_STATE/node-$i/local-path\"]}"; mkdir -p "$NODE_STATE/node-$i/local-path"; done
  printf '{"nodePathMap":[%s]}\n' "$paths" >"$NODE_STATE/local-path.json"
  cat >"$NODE_STATE/local-path-helper.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: helper-pod}
spec:
  priorityClassName: system-node-critical
  tolerations: [{key: node.kubernetes.io/disk-pressure, operator: Exists, effect: NoSchedule}]
  containers:
    - name: helper-pod
      image: busybox:1.36.1
      imagePullPolicy: IfNotPresent
YAML
  "$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: local-path-storage}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: local-path-provisioner-service-account, namespace: local-path-storage}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ConfigMap
metadata: {name: local-path-config, namespace: local-path-storage}
data:
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "\$VOL_DIR"
YAML
  names=$(node --input-type=module -e "
    import { existsSync } from 'node:fs';
    import { objects, storageClasses } from '$E2E_DIR/lib/manifests.mjs';
    const dir = process.argv[1];
    const names = dir && existsSync(dir) ? storageClasses(objects(dir)).map((c) => c.provisioner) : [];
    console.log([...new Set(['rancher.io/local-path', ...names])].join(' '));" "${NODE_MANIFESTS:-}")
  n=0
  for p in $names; do
    n=$((n + 1))
    start_ns "local-path-$n" "$LOCAL_PATH_BIN/local-path-provisioner" --debug start --kubeconfig "$kc" \
      --config "$NODE_STATE/local-path.json" --provisioner-name "$p" --namespace local-path-storage \
      --configmap-name local-path-config --helper-pod-file "$NODE_STATE/local-path-helper.yaml" \
      --helper-image busybox:1.36.1 --service-account-name local-path-provisioner-service-account
    echo "$p" >>"$NODE_STATE/provisioners"
  done
  # a default class for claims that name none (like a real cluster's default)
  "$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig" apply -f - >/dev/null <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
YAML
}

node_dns() { # CoreDNS as a real pod behind the kube-dns Service (what allow-dns NetworkPolicies select)
  "$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
  - {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
  - {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            ttl 5
        }
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      containers:
        - name: coredns
          image: registry.k8s.io/coredns/coredns:$COREDNS_VERSION
          imagePullPolicy: IfNotPresent
          args: [-conf, /etc/coredns/Corefile]
          resources: {requests: {cpu: 50m, memory: 64Mi}, limits: {memory: 170Mi}}
          ports:
            - {name: dns, containerPort: 53, protocol: UDP}
            - {name: dns-tcp, containerPort: 53, protocol: TCP}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
          readinessProbe: {httpGet: {path: /ready, port: 8181}, periodSeconds: 2}
          livenessProbe: {httpGet: {path: /health, port: 8080}, periodSeconds: 10}
          volumeMounts: [{name: config, mountPath: /etc/coredns, readOnly: true}]
      volumes: [{name: config, configMap: {name: coredns}}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $DNS_IP
  selector: {k8s-app: kube-dns}
  ports:
    - {name: dns, port: 53, protocol: UDP}
    - {name: dns-tcp, port: 53, protocol: TCP}
YAML
}

# --- up / down --------------------------------------------------------------------------------------------------
node_up() { # node_up: everything, in order; fails with one line naming the step (the caller's trap runs node_down)
  local t0 i kc
  t0=$(date +%s)
  mkdir -p "$NODE_STATE/logs"; : >"$NODE_STATE/changes"
  record state-dir "$NODE_STATE"
  HOST_API_PORT=$(host_free_port); echo "$HOST_API_PORT" >"$NODE_STATE/api-port"
  record_host_state
  node_netns
  node_pki
  node_control_plane
  nlog "control plane ready ($(( $(date +%s) - t0 ))s)"
  kc=("$K8S_BIN/kubectl" --kubeconfig "$NODE_STATE/kubeconfig")
  for ((i = 1; i <= NODES; i++)); do node_start "$i"; done
  local pids=() rc=0 t1=$(date +%s)
  for ((i = 1; i <= NODES; i++)); do node_import "$i" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  (( rc == 0 )) || return 1
  nlog "images in $NODES containerd(s): $(cat "$NODE_STATE"/node-*/images | sort | uniq -c | xargs) in $(( $(date +%s) - t1 ))s ($(( $(date +%s) - t0 ))s)"
  for ((i = 1; i <= NODES; i++)); do kubelet_start "$i"; done
  # kube-proxy and kube-router look their node up at start: after the kubelets registered
  wait_until "node-register" 120 "$NODE_STATE/logs/kubelet-1.log" bash -c "[[ \$(${kc[*]} get nodes -o name | wc -l) == $NODES ]]"
  node_network
  wait_until "node-ready" 120 "$NODE_STATE/logs/kubelet-1.log" "${kc[@]}" wait --for=condition=Ready node --all --timeout=1s
  nlog "$NODES nodes Ready ($(( $(date +%s) - t0 ))s)"
  node_dns
  node_storage
  wait_until "default-serviceaccount" 60 "$NODE_STATE/logs/kube-controller-manager.log" "${kc[@]}" get serviceaccount default -n default
  wait_until "coredns" 120 "$NODE_STATE/logs/kubelet-1.log" "${kc[@]}" -n kube-system wait --for=condition=Available deployment/coredns --timeout=1s
  alive_check
  nlog "cluster ready in $(( $(date +%s) - t0 ))s: $NODES nodes, KUBECONFIG=$NODE_STATE/kubeconfig"
}

stop_pid() { # stop_pid PID NAME BIN [TIMEOUT_S]: TERM, wait, KILL; only if /proc/PID/exe is still BIN
  local pid=$1 name=$2 bin=$3 t=${4:-10} i
  [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$bin")" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < t * 5; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  nlog "$name (pid $pid) ignored SIGTERM for ${t}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true
}

stop_recorded_by_name() { # stop_recorded_by_name NAME_PATTERN...: TERM all matching recorded PIDs at once, wait, KILL
  local kind pid name bin p alive=() i
  while read -r kind pid name bin; do
    [[ $kind == pid ]] || continue
    for p in "$@"; do
      # shellcheck disable=SC2053 # glob match on the recorded name
      if [[ $name == $p && $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$bin")" ]]; then
        kill -TERM "$pid" 2>/dev/null && alive+=("$pid:$name")
      fi
    done
  done <"$NODE_STATE/changes"
  for ((i = 0; i < 75 && ${#alive[@]} > 0; i++)); do
    local still=() e
    for e in "${alive[@]}"; do kill -0 "${e%%:*}" 2>/dev/null && still+=("$e"); done
    alive=("${still[@]}")
    (( ${#alive[@]} == 0 )) || sleep 0.2
  done
  for e in "${alive[@]}"; do nlog "${e#*:} (pid ${e%%:*}) ignored SIGTERM for 15s: SIGKILL"; kill -KILL "${e%%:*}" 2>/dev/null || true; done
}

runtime_cleanup() { # kills every container and sandbox of every node's containerd, then containerd itself
  local i d sock id shim
  node_runtime_clean() { # one node: SIGKILL every task, remove tasks and containers (each step in parallel)
    local d=$1 sock=$1/containerd.sock c=(timeout 20 ctr --address "$1/containerd.sock" -n k8s.io) id
    for id in $("${c[@]}" tasks ls -q 2>/dev/null); do "${c[@]}" tasks kill -s SIGKILL "$id" >/dev/null 2>&1 & done; wait
    for id in $("${c[@]}" tasks ls -q 2>/dev/null); do "${c[@]}" tasks rm -f "$id" >/dev/null 2>&1 & done; wait
    for id in $("${c[@]}" containers ls -q 2>/dev/null); do "${c[@]}" containers rm "$id" >/dev/null 2>&1 & done; wait
    # the image cache may be kept only if containerd answered and holds no container any more
    if "${c[@]}" containers ls -q >"$d/containers-left" 2>/dev/null && [[ ! -s $d/containers-left ]]; then touch "$d/runtime-clean"; fi
  }
  local jobs=() j
  for d in "$NODE_STATE"/node-*; do [[ -S $d/containerd.sock ]] || continue; node_runtime_clean "$d" & jobs+=($!); done
  for j in "${jobs[@]}"; do wait "$j"; done # (a bare `wait` would also wait for the components this shell started)
  stop_recorded_by_name 'containerd-*'
  # shims that outlived containerd: their PIDs as containerd recorded them (shim.pid), and any process whose command
  # line names this run's own containerd socket (a path unique to this run)
  local pids=() p
  for shim in "$NODE_STATE"/node-*/containerd/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [[ -f $shim ]] && pids+=("$(cat "$shim")")
  done
  for p in $(run_pids); do pids+=("$p"); done
  for p in "${pids[@]}"; do stop_pid "$p" containerd-shim "$(command -v containerd-shim-runc-v2)" 5; done
  kill_cgroup_procs
}

run_pids() { # PIDs of processes whose command line names this run's node state (containerd's shims: -address <it>)
  local f p
  for f in $(grep -laF -- "$NODE_STATE/node-" /proc/[0-9]*/cmdline 2>/dev/null); do
    p=${f#/proc/}; p=${p%/cmdline}
    [[ $p == "$$" || $p == "$BASHPID" ]] || echo "$p"
  done
  true
}

kill_cgroup_procs() { # SIGKILL every process still in this run's pod cgroups (only container processes live there)
  local f p n=0
  for f in $(find /sys/fs/cgroup/pids/"$NETNS"-node-* -name cgroup.procs 2>/dev/null); do
    while read -r p; do [[ -n $p ]] && kill -KILL "$p" 2>/dev/null && n=$((n + 1)); done <"$f"
  done
  (( n == 0 )) || { nlog "killed $n container processes left in the pod cgroups"; sleep 0.5; }
  true
}

undo_mounts() { # every mount under the state directory, and the pod netns mounts this run created, deepest first
  local m n
  for m in $(findmnt -rn -o TARGET | grep -F "$NODE_STATE/" | sort -r); do umount -l "$m" 2>/dev/null || true; done
  for n in $(ls -1 /run/netns 2>/dev/null | grep '^cni-' | sort); do
    grep -qx "$n" "$NODE_STATE/netns-before" 2>/dev/null && continue
    umount "/run/netns/$n" 2>/dev/null || umount -l "/run/netns/$n" 2>/dev/null || true
    rm -f "/run/netns/$n"
  done
}

undo_cgroup() { # undo_cgroup NAME: rmdir /NAME and its children (deepest first) in every hierarchy
  local c dir
  for c in /sys/fs/cgroup/*/; do
    [[ -d $c$1 ]] || continue
    for dir in $(find "$c$1" -mindepth 0 -type d | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-); do
      rmdir "$dir" 2>/dev/null || true
    done
  done
}

node_down() { # undoes every recorded change, in reverse order; safe to call twice and after a partial node_up
  [[ -n ${NODE_STATE:-} && -f $NODE_STATE/changes ]] || return 0
  local kind a b c failed=0
  # 1. workload-facing processes first, then the runtime (containers), then the control plane
  local t0=$SECONDS
  stop_recorded_by_name 'kubelet-*' kube-proxy kube-router 'local-path-*'
  local t1=$SECONDS; runtime_cleanup
  local t2=$SECONDS; stop_recorded_by_name kube-controller-manager kube-scheduler
  stop_recorded_by_name kube-apiserver
  stop_recorded_by_name etcd 'api-forward-*'
  local t3=$SECONDS; undo_mounts
  nlog "down: node processes $((t1 - t0))s, containers $((t2 - t1))s, control plane $((t3 - t2))s"
  # 2. the rest, newest first
  while read -r kind a b c; do
    case $kind in
      pid) stop_pid "$a" "$b" "$c" 5 ;;
      cgroup) undo_cgroup "$a" ;;
      netns) ip netns del "$a" 2>/dev/null || true ;;
      ct-root) ct_root_release "$a" "$b" ;;
      sysctls) restore_sysctls "$a" ;;
      host-leftovers) undo_host_leftovers ;;
      dir) rm -rf --one-file-system "$a" 2>/dev/null || true ;;
      state-dir) : ;; # removed last
    esac
  done < <(tac "$NODE_STATE/changes")
  local t4=$SECONDS
  verify_clean || failed=1
  local t5=$SECONDS
  if [[ ${E2E_KEEP_STATE:-0} == 1 ]]; then nlog "kept $NODE_STATE"
  else
    findmnt -rn -o TARGET | grep -qF "$NODE_STATE/" && { nlog "mounts remain under $NODE_STATE: not removing it"; failed=1; } \
      || rm -rf --one-file-system "$NODE_STATE"
  fi
  nlog "down: host changes $((t4 - t3))s, verify $((t5 - t4))s, state directory $((SECONDS - t5))s"
  return $failed
}

restore_sysctls() { # restore_sysctls FILE: host sysctls back to their recorded values
  local k v cur
  [[ -f $1 ]] || return 0
  while read -r k v; do
    cur=$(cat "/proc/sys/${k//.//}" 2>/dev/null) || continue
    if [[ $cur != "$v" ]]; then echo "$v" >"/proc/sys/${k//.//}" 2>/dev/null && nlog "restored $k: $cur -> $v"; fi
  done <"$1"
}

undo_host_leftovers() { # host paths that the node components write outside their configured directories
  local f
  # kubelet: /var/log/containers/<pod>_<ns>_<container>-<id>.log symlinks into this run's pod-logs
  for f in /var/log/containers/*.log; do
    [[ -L $f && $(readlink "$f") == "$NODE_STATE/"* ]] && rm -f "$f"
  done
  # libcni's result cache of containerd: /var/lib/cni/results/<network name>-<id>-<if>, network names carry the netns
  rm -f /var/lib/cni/results/kubecraft-"$NETNS"-* 2>/dev/null || true
  true
}

verify_clean() { # after node_down: no recorded process, no netns, no mount, no cgroup of this run
  local kind pid name bin bad=0 c
  while read -r kind pid name bin; do
    [[ $kind == pid ]] || continue
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$bin")" ]] && { nlog "LEFT: $name pid $pid still runs"; bad=1; }
  done <"$NODE_STATE/changes"
  [[ -e /run/netns/$NETNS ]] && { nlog "LEFT: network namespace $NETNS"; bad=1; }
  for pid in $(run_pids); do nlog "LEFT: pid $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-120))"; bad=1; done
  for c in /sys/fs/cgroup/*/"$NETNS"-*; do [[ -d $c ]] && { nlog "LEFT: cgroup $c"; bad=1; }; done
  return $bad
}
