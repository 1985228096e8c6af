// Shared helpers for the e2e suite. The cluster, kubectl and DNS server come from the environment set by e2e/run.sh.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { objects, ofKind } from '../lib/manifests.mjs';

const run = promisify(execFile);
export const KUBECTL = process.env.E2E_KUBECTL || 'kubectl';
export const MANIFESTS = process.env.E2E_MANIFESTS;
if (!MANIFESTS) throw new Error('E2E_MANIFESTS is not set: run the suite through e2e/run.sh');
export const REPO = process.env.E2E_REPO || process.cwd();

/** kubectl ARGS -> stdout; rejects with stderr in the message */
export async function kubectl(args, { input } = {}) {
  if (input !== undefined) {
    return new Promise((resolve, reject) => {
      const p = spawn(KUBECTL, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')}: ${err}`))));
      p.stdin.end(input);
    });
  }
  try {
    const { stdout } = await run(KUBECTL, args, { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}
export const getJson = async (args) => JSON.parse(await kubectl([...args, '-o', 'json']));

/** server-side apply of a directory in one pass; any warning fails it */
export const applyDir = (dir) =>
  // the trailing slash: a synth output directory is a symlink to its latest version (lib/core/output.ts), and
  // kubectl reads `-f <link>` as a file ("is a directory") but follows `-f <link>/`
  kubectl(['apply', '--server-side', '--field-manager=kubecraft-e2e', '--warnings-as-errors', '-f', dir.endsWith('/') ? dir : `${dir}/`]);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** polls fn until it returns a truthy value; throws with the last value/error after timeoutMs */
export async function eventually(what, fn, { timeoutMs = 120_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await sleep(intervalMs);
  }
}

// --- the manifests under test -------------------------------------------------------------------------------
export const desired = objects(MANIFESTS);
export const kinds = (kind) => ofKind(desired, kind);
export const nsOf = (o) => o.metadata.namespace || 'default';
export const id = (o) => `${o.kind}/${nsOf(o)}/${o.metadata.name}`;
export const namespaces = () => [...new Set(desired.filter((o) => o.metadata.namespace).map(nsOf))];

export const selectorString = (matchLabels) =>
  Object.entries(matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** the pods (live) selected by a workload's spec.selector.matchLabels */
export async function podsOf(workload) {
  const sel = selectorString(workload.spec.selector.matchLabels);
  return (await getJson(['get', 'pods', '-n', nsOf(workload), '-l', sel])).items;
}
export const isReady = (pod) =>
  !pod.metadata.deletionTimestamp && (pod.status.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True');

/** endpoints (ready ones) of a Service, from its EndpointSlices: [{pod, ip}] */
export async function readyEndpoints(ns, svc) {
  const slices = await getJson(['get', 'endpointslices', '-n', ns, '-l', `kubernetes.io/service-name=${svc}`]);
  return slices.items.flatMap((s) =>
    (s.endpoints || [])
      .filter((e) => e.conditions?.ready !== false)
      .map((e) => ({ pod: e.targetRef?.name, ip: e.addresses[0] })),
  );
}

/** WEB_ACTIVE_VERSION=slot <synth> --outdir <tmp>; returns the directory */
export async function synthWithActive(slot) {
  const cmd = process.env.E2E_SYNTH_CMD || 'node scripts/synth.mjs';
  const outdir = mkdtempSync(join(process.env.E2E_TMP || tmpdir(), `synth-${slot}-`));
  await new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', `${cmd} --outdir "${outdir}"`], {
      cwd: REPO,
      env: { ...process.env, WEB_ACTIVE_VERSION: slot },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
  return outdir;
}

export async function rolloutStatus(o, timeout = '120s') {
  await kubectl(['rollout', 'status', `${o.kind.toLowerCase()}/${o.metadata.name}`, '-n', nsOf(o), `--timeout=${timeout}`]);
}

/**
 * Lists `path` (an API collection URL) and then watches it from the list's resourceVersion through
 * `kubectl get --raw` (newline-delimited watch events), calling onState(objects) with the initial state and
 * after every single change, so no intermediate state of the collection is missed. Returns stop(), which resolves
 * with the number of states seen and throws if the watch reported an error.
 */
export async function observe(path, onState) {
  const sep = path.includes('?') ? '&' : '?';
  const list = JSON.parse(await kubectl(['get', '--raw', path]));
  const objs = new Map(list.items.map((o) => [o.metadata.name, o]));
  let states = 1;
  let error;
  onState([...objs.values()]);
  const p = spawn(KUBECTL, ['get', '--raw', `${path}${sep}watch=1&resourceVersion=${list.metadata.resourceVersion}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  p.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      const ev = JSON.parse(line);
      if (ev.type === 'ERROR') error = new Error(`watch ${path}: ${JSON.stringify(ev.object)}`);
      else if (ev.type === 'DELETED') objs.delete(ev.object.metadata.name);
      else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') objs.set(ev.object.metadata.name, ev.object);
      else continue;
      states++;
      onState([...objs.values()]);
    }
  });
  const exited = new Promise((resolve) => p.on('close', resolve));
  return async function stop() {
    await sleep(500); // let in-flight events of the last change arrive
    p.kill('SIGTERM');
    await exited;
    if (error) throw error;
    if (p.exitCode && !p.killed) throw new Error(`watch ${path} ended: ${stderr}`);
    return states;
  };
}

export const labelQuery = (matchLabels) => `labelSelector=${encodeURIComponent(selectorString(matchLabels))}`;
