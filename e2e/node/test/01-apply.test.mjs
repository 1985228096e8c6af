// 1. The exact manifests apply in one pass and every pod becomes Running and Ready through its own probes on real
// kubelets, then stays so (no restart) over a steady period. Secrets that the manifests reference but do not define
// (created out of band in real life) are created first with random values.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import test from 'node:test';
import { allPods, applyDir, isReady, kinds, kubectl, MANIFESTS, missingSecrets, namespaces, nsOf, rolloutStatus, sleep, workloads } from './helpers.mjs';

const STEADY_S = Number(process.env.E2E_STEADY_SECONDS || 20);

test('the manifests apply in one pass (out-of-band secrets first)', async (t) => {
  // the Namespaces first (server-side apply of the same objects again below is a no-op for them)
  const nsObjs = kinds('Namespace');
  await kubectl(['apply', '--server-side', '--field-manager=kubecraft-e2e', '-f', '-'], { input: nsObjs.map((o) => JSON.stringify(o)).join('\n') });
  for (const s of missingSecrets()) {
    const args = ['create', 'secret', 'generic', s.name, '-n', s.ns];
    for (const k of s.keys) args.push(`--from-literal=${k}=${randomBytes(18).toString('base64url')}`);
    await kubectl(args);
    t.diagnostic(`created out-of-band Secret ${s.ns}/${s.name} (${s.keys.join(', ')})`);
  }
  await applyDir(MANIFESTS);
});

test('every Deployment and StatefulSet rolls out on the real nodes', async () => {
  await Promise.all(workloads().map((w) => rolloutStatus(w, '420s')));
});

test(`every pod is Running and Ready, and none restarts over ${STEADY_S}s`, async (t) => {
  const ours = new Set(namespaces());
  const podsNow = async () => (await allPods()).filter((p) => ours.has(p.metadata.namespace) && !p.metadata.deletionTimestamp);
  const before = await podsNow();
  assert.ok(before.length > 0, 'no pod in the manifests namespaces');
  for (const p of before) assert.ok(isReady(p) && p.status.phase === 'Running', `${p.metadata.namespace}/${p.metadata.name} is ${p.status.phase}, not Ready`);
  await sleep(STEADY_S * 1000);
  const after = await podsNow();
  const restarts = after.flatMap((p) => (p.status.containerStatuses || []).filter((c) => c.restartCount > 0).map((c) => `${p.metadata.namespace}/${p.metadata.name}/${c.name}: ${c.restartCount}`));
  assert.deepEqual(restarts, [], `containers restarted: ${restarts.join(', ')}`);
  assert.deepEqual(after.map((p) => p.metadata.uid).sort(), before.map((p) => p.metadata.uid).sort(), 'the pod set changed during the steady period');
  for (const p of after) assert.ok(isReady(p), `${p.metadata.namespace}/${p.metadata.name} lost Ready`);
  const nodes = new Set(after.map((p) => p.spec.nodeName));
  t.diagnostic(`${after.length} pods Ready on ${nodes.size} node(s): ${[...nodes].join(', ')}`);
  for (const w of workloads()) assert.ok(nsOf(w));
});
