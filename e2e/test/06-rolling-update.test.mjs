// Rolling update of a web Deployment's image keeps at least replicas - maxUnavailable Ready pods in every state of
// the pod set (watched, not sampled);
// `kubectl rollout undo` restores the original image.
import assert from 'node:assert/strict';
import test from 'node:test';
import { eventually, getJson, isReady, kinds, kubectl, labelQuery, nsOf, observe, podsOf, rolloutStatus } from './helpers.mjs';

const candidates = kinds('Deployment').filter((d) => (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate');
const pick = () => {
  const wanted = process.env.E2E_ROLLING_DEPLOYMENT; // optional "<namespace>/<name>"
  if (wanted) return candidates.find((d) => `${nsOf(d)}/${d.metadata.name}` === wanted);
  const web = (d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'web' || /web|frontend/.test(d.metadata.name);
  const byReplicas = [...candidates].sort((a, b) => (b.spec.replicas ?? 1) - (a.spec.replicas ?? 1));
  return byReplicas.find(web) ?? byReplicas[0];
};
const target = pick();

const scaled = (v, replicas, roundUp) => {
  if (v === undefined) v = '25%';
  if (typeof v === 'number') return v;
  const pct = (Number(v.replace('%', '')) * replicas) / 100;
  return roundUp ? Math.ceil(pct) : Math.floor(pct);
};

/** runs the rollout to completion while watching the Deployment's pods; returns the fewest Ready pods in any state */
async function watchRollout(t, d) {
  let lowest = Infinity;
  const path = `/api/v1/namespaces/${nsOf(d)}/pods?${labelQuery(d.spec.selector.matchLabels)}`;
  const stop = await observe(path, (pods) => (lowest = Math.min(lowest, pods.filter(isReady).length)));
  let states;
  try {
    await rolloutStatus(d);
  } finally {
    states = await stop();
  }
  t.diagnostic(`${d.metadata.name}: ${states} pod-set states watched, fewest Ready pods ${lowest}`);
  return lowest;
}

const imageOf = async (d) => (await getJson(['get', 'deployment', d.metadata.name, '-n', nsOf(d)])).spec.template.spec.containers[0];

test('rolling image update respects maxUnavailable and rollout undo restores', { skip: target ? false : 'no RollingUpdate Deployment' }, async (t) => {
  const ns = nsOf(target);
  const replicas = (await getJson(['get', 'deployment', target.metadata.name, '-n', ns])).spec.replicas; // live: an HPA may own it
  const ru = target.spec.strategy?.rollingUpdate ?? {};
  let maxUnavailable = scaled(ru.maxUnavailable, replicas, false);
  if (maxUnavailable === 0 && scaled(ru.maxSurge, replicas, true) === 0) maxUnavailable = 1;
  const floor = replicas - maxUnavailable;
  t.diagnostic(`Deployment ${ns}/${target.metadata.name}: replicas ${replicas}, maxUnavailable ${maxUnavailable}`);

  const { name: container, image: original } = await imageOf(target);
  const repo = original.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  const updated = `${repo}:e2e-rolling-update`;
  assert.notEqual(updated, original);

  await kubectl(['set', 'image', `deployment/${target.metadata.name}`, `${container}=${updated}`, '-n', ns]);
  const lowUpdate = await watchRollout(t, target);
  assert.ok(lowUpdate >= floor, `update: ${lowUpdate} Ready pods seen, below ${replicas} - maxUnavailable ${maxUnavailable}`);
  const pods = await eventually('all pods run the new image', async () => {
    const p = (await podsOf(target)).filter(isReady);
    return p.length === replicas && p.every((x) => x.spec.containers[0].image === updated) ? p : false;
  });
  assert.equal(pods.length, replicas);

  await kubectl(['rollout', 'undo', `deployment/${target.metadata.name}`, '-n', ns]);
  const lowUndo = await watchRollout(t, target);
  assert.ok(lowUndo >= floor, `undo: ${lowUndo} Ready pods seen, below ${floor}`);
  assert.equal((await imageOf(target)).image, original);
  await eventually('all pods run the original image again', async () => {
    const p = (await podsOf(target)).filter(isReady);
    return p.length === replicas && p.every((x) => x.spec.containers[0].image === original);
  });
});
