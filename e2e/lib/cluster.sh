# Local control plane on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kwok (fake kubelets + volume stages) and CoreDNS. Sourced by e2e/run.sh.
# Every process started here is recorded in $E2E_STATE/pids ("PID NAME BINARY") and cluster_down stops exactly
# those PIDs (checking /proc/PID/exe first, so a recycled PID is never signalled).
# shellcheck shell=bash

free_ports() { # free_ports N -> N free TCP ports on 127.0.0.1, one a line
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]); const servers = [];
    (async () => {
      for (let i = 0; i < n; i++) {
        const s = net.createServer(); servers.push(s);
        await new Promise((r) => s.listen(0, "127.0.0.1", r));
        console.log(s.address().port);
      }
      servers.forEach((s) => s.close());
    })();' "$1"
}

start_bg() { # start_bg NAME BINARY ARGS... (log in $E2E_STATE/logs/NAME.log)
  local name=$1 bin=$2; shift 2
  "$bin" "$@" >"$E2E_STATE/logs/$name.log" 2>&1 &
  echo "$! $name $bin" >>"$E2E_STATE/pids"
}

wait_for() { # wait_for DESCRIPTION TIMEOUT_S CMD...
  local what=$1 timeout=$2 deadline; shift 2
  deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      log "timed out after ${timeout}s waiting for $what"; return 1
    fi
    check_alive || return 1
    sleep 0.2
  done
}

check_alive() { # fails (and shows the log tail) if a recorded process died
  local pid name bin
  while read -r pid name bin; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) exited; last lines of $E2E_STATE/logs/$name.log:"
      tail -n 30 "$E2E_STATE/logs/$name.log" >&2 || true
      return 1
    fi
  done <"$E2E_STATE/pids"
}

gen_pki() {
  local d=$E2E_STATE/pki; mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=kubecraft-e2e-ca" 2>/dev/null
    cat >apiserver.ext <<EXT
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment
EXT
    printf 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n' >client.ext
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile apiserver.ext 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=kubecraft-e2e-admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 -extfile client.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  local kc=$E2E_STATE/kubeconfig
  local k=("$K8S_BIN/kubectl" --kubeconfig "$kc")
  "${k[@]}" config set-cluster e2e --server="https://127.0.0.1:$API_PORT" --certificate-authority="$d/ca.crt" --embed-certs=true >/dev/null
  "${k[@]}" config set-credentials e2e-admin --client-certificate="$d/admin.crt" --client-key="$d/admin.key" --embed-certs=true >/dev/null
  "${k[@]}" config set-context e2e --cluster=e2e --user=e2e-admin >/dev/null
  "${k[@]}" config use-context e2e >/dev/null
}

kwok_stages() { # writes $E2E_STATE/kwok-stages.yaml: kwok's node/pod stages + volume stages for our StorageClasses
  local src=$E2E_CACHE/kwok-$KWOK_VERSION/stages out=$E2E_STATE/kwok-stages.yaml classes
  classes=$(node "$E2E_DIR/lib/storage-classes.mjs" names "$E2E_MANIFESTS")
  : >"$out"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    printf -- '---\n' >>"$out"; cat "$src/$f" >>"$out"
  done
  printf -- '---\n' >>"$out"
  sed "s/__STORAGE_CLASSES__/$classes/" "$E2E_DIR/lib/kwok-volume-stages.yaml" >>"$out"
}

cluster_up() {
  local t0 ports
  t0=$(date +%s)
  E2E_STATE=$(mktemp -d "${TMPDIR:-/tmp}/kubecraft-e2e.XXXXXX")
  mkdir -p "$E2E_STATE/logs" "$E2E_STATE/etcd"; : >"$E2E_STATE/pids"
  mapfile -t ports < <(free_ports 8)
  ETCD_PORT=${ports[0]} ETCD_PEER_PORT=${ports[1]} API_PORT=${ports[2]} KCM_PORT=${ports[3]}
  SCHED_PORT=${ports[4]} DNS_PORT=${ports[5]} DNS_READY_PORT=${ports[6]} KWOK_PORT=${ports[7]}
  log "state in $E2E_STATE (apiserver 127.0.0.1:$API_PORT, dns 127.0.0.1:$DNS_PORT)"
  gen_pki
  local kc=$E2E_STATE/kubeconfig pki=$E2E_STATE/pki
  KUBECTL=("$K8S_BIN/kubectl" --kubeconfig "$kc")

  start_bg etcd "$ETCD_BIN/etcd" --name=e2e --data-dir="$E2E_STATE/etcd" --unsafe-no-fsync --log-level=warn \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="e2e=http://127.0.0.1:$ETCD_PEER_PORT"
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$ETCD_PORT/health"

  start_bg kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" --cert-dir="$E2E_STATE/apiserver" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --authorization-mode=Node,RBAC --profiling=false
  wait_for kube-apiserver 60 "${KUBECTL[@]}" get --raw=/readyz

  start_bg kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" --bind-address=127.0.0.1 \
    --secure-port="$KCM_PORT" --cert-dir="$E2E_STATE/kcm" --leader-elect=false --root-ca-file="$pki/ca.crt" \
    --service-account-private-key-file="$pki/sa.key" --use-service-account-credentials=false --profiling=false
  start_bg kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig="$kc" \
    --authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" --bind-address=127.0.0.1 \
    --secure-port="$SCHED_PORT" --cert-dir="$E2E_STATE/sched" --leader-elect=false --profiling=false

  kwok_stages
  start_bg kwok "$KWOK_BIN/kwok" --kubeconfig="$kc" --manage-all-nodes=true --cidr=10.244.0.0/16 \
    --node-ip=127.0.0.1 --node-lease-duration-seconds=40 --server-address="127.0.0.1:$KWOK_PORT" \
    -c "$E2E_STATE/kwok-stages.yaml"

  cat >"$E2E_STATE/Corefile" <<COREFILE
.:$DNS_PORT {
    bind 127.0.0.1
    errors
    ready 127.0.0.1:$DNS_READY_PORT
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $kc e2e
        pods insecure
        ttl 5
    }
}
COREFILE
  start_bg coredns "$COREDNS_BIN/coredns" -conf "$E2E_STATE/Corefile"

  for i in 1 2 3; do
    "${KUBECTL[@]}" apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-$i
    type: kwok
status:
  # kwok's node-initialize stage keeps these; its own defaults (cpu 1k, memory 1Ti, pods 1M) lack ephemeral-storage,
  # so a pod requesting ephemeral-storage would never be scheduled
  allocatable: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 200Gi}
  capacity: {cpu: "32", memory: 128Gi, pods: "110", ephemeral-storage: 200Gi}
NODE
  done
  if [[ $(node "$E2E_DIR/lib/storage-classes.mjs" has-default "$E2E_MANIFESTS") != yes ]]; then
    "${KUBECTL[@]}" apply -f "$E2E_DIR/lib/kwok-storage-class.yaml" >/dev/null
  fi
  wait_for "3 Ready nodes" 60 "${KUBECTL[@]}" wait --for=condition=Ready node --all --timeout=1s
  wait_for "default ServiceAccount" 60 "${KUBECTL[@]}" get serviceaccount default -n default
  wait_for coredns 60 curl -fsS "http://127.0.0.1:$DNS_READY_PORT/ready"
  check_alive
  log "cluster ready in $(( $(date +%s) - t0 ))s"
}

stop_recorded() { # stop_recorded (only|except) NAMES...: TERM the matching recorded PIDs, wait up to 10 s, then KILL
  local mode=$1 pid name bin alive=() names=() i; shift
  while read -r pid name bin; do
    [[ " $* " == *" $name "* ]] && [[ $mode == except ]] && continue
    [[ " $* " != *" $name "* ]] && [[ $mode == only ]] && continue
    if [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$bin" ]]; then # never signal a recycled PID
      kill -TERM "$pid" 2>/dev/null && alive+=("$pid") && names[$pid]=$name
    fi
  done <"$E2E_STATE/pids"
  for ((i = 0; i < 50 && ${#alive[@]} > 0; i++)); do
    local still=()
    for pid in "${alive[@]}"; do kill -0 "$pid" 2>/dev/null && still+=("$pid"); done
    alive=("${still[@]}")
    (( ${#alive[@]} == 0 )) || sleep 0.2
  done
  for pid in "${alive[@]}"; do log "${names[$pid]} (pid $pid) ignored SIGTERM for 10 s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; done
}

cluster_down() { # stops exactly the recorded PIDs: clients first, then the apiserver, then etcd (it hangs without etcd)
  [[ -n ${E2E_STATE:-} && -f $E2E_STATE/pids ]] || return 0
  stop_recorded except kube-apiserver etcd
  stop_recorded only kube-apiserver
  stop_recorded only etcd
  log "stopped $(wc -l <"$E2E_STATE/pids") processes"
  if [[ ${E2E_KEEP_STATE:-0} == 1 ]]; then log "kept $E2E_STATE"; else rm -rf "$E2E_STATE"; fi
}
