// Helpers of the real-node suite (e2e/node/test/*.test.mjs). Everything of e2e/test/helpers.mjs (kubectl, getJson,
// eventually, desired, kinds, podsOf, observe, synthWithActive, ...) plus what needs real containers:
// exec in a pod, client pods, HTTP through a Service FQDN, TCP reachability, psql, continuous request loops.
// The cluster comes from e2e/node/run.sh (KUBECONFIG, E2E_KUBECTL, E2E_NODE_STATE).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { desired, eventually, getJson, isReady, KUBECTL, kinds, kubectl, nsOf, sleep } from '../../test/helpers.mjs';

export * from '../../test/helpers.mjs';
const run = promisify(execFile);

/** the busybox stand-in (sh, wget, nc, timeout): the image of client pods */
export const CLIENT_IMAGE = process.env.E2E_CLIENT_IMAGE || 'busybox:1.36.1';
export const CLUSTER_DOMAIN = 'cluster.local';
export const fqdn = (svc, ns) => `${svc}.${ns}.svc.${CLUSTER_DOMAIN}`;

/** kubectl exec NS/POD [-c CONTAINER] -- CMD...; resolves {code, stdout, stderr} (never rejects on a non-zero exit) */
export async function exec(ns, pod, cmd, { container, timeoutMs = 60_000 } = {}) {
  const args = ['exec', '-n', ns, pod, ...(container ? ['-c', container] : []), '--', ...cmd];
  try {
    const { stdout, stderr } = await run(KUBECTL, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** exec that must succeed; returns stdout */
export async function execOk(ns, pod, cmd, opts) {
  const r = await exec(ns, pod, cmd, opts);
  if (r.code !== 0) throw new Error(`exec ${ns}/${pod} ${cmd.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

const RESTRICTED = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  runAsUser: 65534,
  runAsGroup: 65534,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** a namespace (Pod Security restricted enforced) created if missing */
export async function ensureNamespace(ns, labels = {}) {
  await kubectl(['apply', '--server-side', '--field-manager=kubecraft-e2e', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'pod-security.kubernetes.io/enforce': 'restricted', ...labels } },
    }),
  });
}

/**
 * A long-running client pod (busybox stand-in, restricted-compliant) in `ns` with `labels`; waits until Ready.
 * Idempotent: the default name is shared by every test file, so a namespace's client starts once per run.
 * Returns { ns, name, exec(cmd), http(url), tcp(host, port) }.
 */
export async function clientPod(ns, name = 'e2e-client', { labels = {}, image = CLIENT_IMAGE, nodeName } = {}) {
  await ensureNamespace(ns);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/name': 'e2e-client', ...labels } },
    spec: {
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      ...(nodeName ? { nodeName } : {}),
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'client', image, imagePullPolicy: 'IfNotPresent', command: ['sleep', '86400'], securityContext: RESTRICTED,
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '500m', memory: '64Mi' } } }],
    },
  };
  await kubectl(['apply', '--server-side', '--field-manager=kubecraft-e2e', '-f', '-'], { input: JSON.stringify(pod) });
  await kubectl(['wait', '-n', ns, `pod/${name}`, '--for=condition=Ready', '--timeout=120s']);
  return podHandle(ns, name, 'client');
}

/** the same handle for an existing pod (an app pod: uses the image's own sh/wget/nc) */
export function podHandle(ns, name, container) {
  return {
    ns,
    name,
    container,
    exec: (cmd, opts) => exec(ns, name, cmd, { container, ...opts }),
    http: (url, opts) => httpGet(ns, name, url, { container, ...opts }),
    tcp: (host, port, opts) => tcpConnect(ns, name, host, port, { container, ...opts }),
  };
}

/**
 * HTTP GET from inside a pod with busybox wget (`timeout` bounds it: busybox 1.35's `wget -T` crashes).
 * Resolves { ok, status, headers: {lowercase: value}, body, error }.
 */
export async function httpGet(ns, pod, url, { container, timeoutS = 5 } = {}) {
  const r = await exec(ns, pod, ['timeout', String(timeoutS), 'wget', '-q', '-S', '-O', '-', url], { container, timeoutMs: (timeoutS + 20) * 1000 });
  const headers = {};
  let status = 0;
  for (const line of r.stderr.split('\n')) {
    const m = /^\s*HTTP\/[\d.]+ (\d+)/.exec(line);
    if (m) status = Number(m[1]);
    const h = /^\s+([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (h) headers[h[1].toLowerCase()] = h[2].trim();
  }
  return { ok: r.code === 0 && status >= 200 && status < 400, status, headers, body: r.stdout, error: r.code === 0 ? undefined : r.stderr.trim() };
}

/** TCP connect from inside a pod (busybox nc -e true: exits 0 right after connecting); resolves true/false */
export async function tcpConnect(ns, pod, host, port, { container, timeoutS = 3 } = {}) {
  const r = await exec(ns, pod, ['nc', '-w', String(timeoutS), host, String(port), '-e', 'true'], { container, timeoutMs: (timeoutS + 20) * 1000 });
  return r.code === 0;
}

/** psql inside a database pod over its unix socket (the stand-in's local trust auth); returns trimmed stdout */
export async function psql(ns, pod, sql, { user = 'shop', db = 'shop', container } = {}) {
  const out = await execOk(ns, pod, ['psql', '-h', '/var/run/postgresql', '-U', user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], { container });
  return out.trim();
}

/**
 * Continuous HTTP requests from a pod to `url` (one every `intervalMs`; a request fails when it gets no answer in
 * `timeoutS`, 10 s: slow answers on a loaded 2-core machine are not failures) in a shell loop inside the pod, streamed
 * back line by line: `ok <Server header>` or `fail <wget/timeout exit code>` (143: no answer in time).
 * Returns { sequence, waitFor(n), stop(): Promise<{ total, failed, byClass: Map, sequence: string[] }> }.
 */
export function requestLoop(client, url, { intervalMs = 100, timeoutS = 10 } = {}) {
  const script = `
    i=0
    while [ ! -e /tmp/e2e-stop-$$ ] && [ $i -lt 100000 ]; do
      i=$((i+1))
      h=$(timeout ${timeoutS} wget -q -S -O /dev/null '${url}' 2>&1); rc=$?
      s=$(printf '%s\\n' "$h" | sed -n 's/^ *[Ss]erver: *//p' | head -n1)
      if [ $rc -eq 0 ]; then echo "ok $s"; else echo "fail $rc"; fi
      sleep ${intervalMs / 1000}
    done`;
  const args = ['exec', '-n', client.ns, client.name, ...(client.container ? ['-c', client.container] : []), '--', 'sh', '-c', script];
  const p = spawn(KUBECTL, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const sequence = [];
  let buf = '';
  let stderr = '';
  p.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      sequence.push(buf.slice(0, nl).trim());
      buf = buf.slice(nl + 1);
    }
  });
  p.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => p.on('close', r));
  return {
    sequence,
    /** waits until at least n more answers arrived */
    async waitFor(n, timeoutMs = 60_000) {
      const target = sequence.length + n;
      await eventually(`${n} more answers from ${url}`, () => sequence.length >= target, { timeoutMs, intervalMs: 100 });
    },
    async stop() {
      p.kill('SIGTERM');
      await exited;
      if (sequence.length === 0) throw new Error(`request loop to ${url} produced no answer: ${stderr}`);
      const byClass = new Map();
      for (const l of sequence) byClass.set(l, (byClass.get(l) || 0) + 1);
      return { total: sequence.length, failed: sequence.filter((l) => l.startsWith('fail')).length, byClass, sequence };
    },
  };
}

/** the node's containerd socket of a pod (the suite's cluster only) */
export function containerdSocketOf(pod) {
  const state = process.env.E2E_NODE_STATE;
  if (!state) throw new Error('E2E_NODE_STATE is not set: the suite must run through e2e/node/run.sh');
  return `${state}/${pod.spec.nodeName}/containerd.sock`;
}

/** SIGKILL a container's process through its node's containerd (as an OOM kill or a crash would) */
export async function killContainer(pod, containerName) {
  const st = pod.status.containerStatuses.find((c) => c.name === containerName);
  const id = st.containerID.replace(/^containerd:\/\//, '');
  await run('ctr', ['--address', containerdSocketOf(pod), '-n', 'k8s.io', 'tasks', 'kill', '-s', 'SIGKILL', id]);
  return st.restartCount;
}

// --- what the manifests hold ---------------------------------------------------------------------------------
export const workloads = () => [...kinds('Deployment'), ...kinds('StatefulSet')];
/** the Services labelled kubecraft.dev/role=stable (blue/green), with the Deployments of each slot */
export function blueGreen() {
  return kinds('Service')
    .filter((s) => s.metadata.labels?.['kubecraft.dev/role'] === 'stable')
    .map((svc) => {
      const ns = nsOf(svc);
      const slots = kinds('Deployment').filter(
        (d) => nsOf(d) === ns && d.spec.template.metadata.labels?.version && Object.entries(svc.spec.selector).every(([k, v]) => k === 'version' || d.spec.template.metadata.labels[k] === v),
      );
      return { svc, ns, active: svc.spec.selector.version, slots };
    });
}
/** the namespaces named by kubernetes.io/metadata.name in NetworkPolicy ingress peers of pods matching `labels` */
export function ingressNamespacesFor(ns, labels) {
  const out = new Set();
  for (const np of kinds('NetworkPolicy').filter((p) => nsOf(p) === ns)) {
    const sel = np.spec.podSelector?.matchLabels || {};
    if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) continue;
    for (const rule of np.spec.ingress || [])
      for (const peer of rule.from || []) {
        const n = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
        if (n && !peer.podSelector) out.add(n);
      }
  }
  return [...out];
}
/** version of an nginx image tag: nginxinc/nginx-unprivileged:1.27.2-alpine -> 1.27.2 */
export const nginxVersion = (image) => /:(\d+\.\d+\.\d+)/.exec(image)?.[1];

export async function allPods() {
  return (await getJson(['get', 'pods', '-A'])).items;
}
export { desired, isReady, sleep };

/**
 * Secrets that pod templates reference but the manifests do not define (created out of band in real life, like
 * prod's database credentials): [{ ns, name, keys }]. Keys come from secretKeyRef keys, volume items, and
 * `*_FILE` env values that point into the secret's mount path.
 */
export function missingSecrets() {
  const defined = new Set(kinds('Secret').map((s) => `${nsOf(s)}/${s.metadata.name}`));
  const out = new Map();
  const want = (ns, name) => {
    const k = `${ns}/${name}`;
    if (defined.has(k)) return undefined;
    if (!out.has(k)) out.set(k, { ns, name, keys: new Set() });
    return out.get(k);
  };
  for (const w of [...kinds('Deployment'), ...kinds('StatefulSet'), ...kinds('DaemonSet'), ...kinds('Job')]) {
    const ns = nsOf(w);
    const spec = w.spec.template.spec;
    const mounts = new Map(); // volume name -> secret name
    for (const v of spec.volumes || []) {
      if (!v.secret) continue;
      const s = want(ns, v.secret.secretName);
      if (!s) continue;
      mounts.set(v.name, v.secret.secretName);
      for (const it of v.secret.items || []) s.keys.add(it.key);
    }
    for (const c of [...(spec.initContainers || []), ...spec.containers]) {
      for (const e of c.env || []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) want(ns, ref.name)?.keys.add(ref.key);
        if (e.value && /_FILE$/.test(e.name))
          for (const m of c.volumeMounts || [])
            if (mounts.has(m.name) && e.value.startsWith(`${m.mountPath}/`)) want(ns, mounts.get(m.name))?.keys.add(e.value.slice(m.mountPath.length + 1));
      }
      for (const ef of c.envFrom || []) if (ef.secretRef) want(ns, ef.secretRef.name);
    }
  }
  return [...out.values()].map((s) => ({ ...s, keys: [...s.keys] }));
}
/** the suite's scratch directory (removed with the cluster state) */
export const E2E_TMP_DIR = process.env.E2E_TMP || '/tmp';
