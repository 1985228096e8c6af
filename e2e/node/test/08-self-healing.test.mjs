// 8. Self-healing on real nodes: a container process killed with SIGKILL (through its node's containerd, as a crash
// or an OOM kill would) is restarted by the kubelet and the pod is Ready again; a deleted pod is replaced by its
// controller; requests through the stable Service keep being answered (a SIGKILLed container loses the requests in
// flight on it; a graceful deletion loses none: the second test).
import assert from 'node:assert/strict';
import test from 'node:test';
import { blueGreen, clientPod, eventually, fqdn, getJson, ingressNamespacesFor, isReady, killContainer, kubectl, nsOf, podsOf, requestLoop } from './helpers.mjs';

const bg = blueGreen().sort((a, b) => (b.slots[0]?.spec.replicas ?? 1) - (a.slots[0]?.spec.replicas ?? 1))[0];
const target = bg?.slots.find((d) => d.spec.template.metadata.labels.version === bg.active);
let deleteFailures; // set by the first test

test('a killed container restarts, a deleted pod is replaced, traffic continues', { skip: target ? false : 'no web Deployment' }, async (t) => {
  const ns = nsOf(target);
  const client = await clientPod(ingressNamespacesFor(ns, target.spec.template.metadata.labels)[0]);
  const loop = requestLoop(client, `http://${fqdn(bg.svc.metadata.name, ns)}/`, { intervalMs: 50 });
  await loop.waitFor(10);

  // 1. SIGKILL the app process of one pod
  const [victim] = (await podsOf(target)).filter(isReady);
  const cname = victim.spec.containers[0].name;
  const restarts = await killContainer(victim, cname);
  const mark1 = loop.sequence.length;
  await eventually('the killed container restarted and the pod is Ready', async () => {
    const p = await getJson(['get', 'pod', '-n', ns, victim.metadata.name]);
    const st = p.status.containerStatuses.find((c) => c.name === cname);
    return st.restartCount > restarts && isReady(p);
  }, { timeoutMs: 120_000, intervalMs: 500 });
  const afterKill = loop.sequence.slice(mark1);
  t.diagnostic(`kill: ${afterKill.length} requests until Ready again, ${afterKill.filter((l) => l.startsWith('fail')).length} failed`);

  // 2. delete a pod: a replacement appears and becomes Ready
  const before = (await podsOf(target)).map((p) => p.metadata.name);
  const mark2 = loop.sequence.length;
  await kubectl(['delete', 'pod', '-n', ns, before[0], '--wait=false']);
  await eventually('a replacement pod Ready', async () => {
    const pods = (await podsOf(target)).filter(isReady);
    return pods.length >= (target.spec.replicas ?? 1) && pods.some((p) => !before.includes(p.metadata.name));
  }, { timeoutMs: 120_000, intervalMs: 500 });
  await loop.waitFor(20);
  const r = await loop.stop();
  const afterDelete = r.sequence.slice(mark2);
  deleteFailures = afterDelete.filter((l) => l.startsWith('fail')).length;
  t.diagnostic(`delete: ${afterDelete.length} requests, ${deleteFailures} failed; total ${r.total}, ${r.failed} failed`);
  assert.ok(r.sequence.slice(-20).every((l) => l.startsWith('ok')), 'traffic did not continue');
});

// Like a rolling update, a graceful pod deletion loses no request when the workload's shutdown delay (preStop) keeps
// the pod serving until kube-proxy has dropped it (see 07).
test('a graceful pod deletion loses no request', { skip: target ? false : 'no web Deployment' }, () => {
  assert.equal(deleteFailures, 0, `${deleteFailures} requests failed while a pod was deleted gracefully`);
});
