// Deleting a Deployment's pod brings a replacement.
import assert from 'node:assert/strict';
import test from 'node:test';
import { eventually, getJson, isReady, kinds, kubectl, nsOf, podsOf } from './helpers.mjs';

const deployments = kinds('Deployment');

test('a deleted Deployment pod is replaced', { skip: deployments.length ? false : 'no Deployment' }, async () => {
  for (const d of deployments) {
    // live replicas: an autoscaler may own spec.replicas (then the manifest leaves it out)
    const want = (await getJson(['get', 'deployment', d.metadata.name, '-n', nsOf(d)])).spec.replicas;
    if (want === 0) continue;
    const [victim] = (await podsOf(d)).filter(isReady);
    assert.ok(victim, `Deployment ${d.metadata.name} has no Ready pod`);
    await kubectl(['delete', 'pod', victim.metadata.name, '-n', nsOf(d), '--wait=false']);
    const pods = await eventually(`Deployment ${d.metadata.name} back to ${want} Ready pods`, async () => {
      const ready = (await podsOf(d)).filter(isReady);
      return ready.length === want && ready.every((p) => p.metadata.name !== victim.metadata.name) ? ready : false;
    });
    assert.equal(pods.length, want);
  }
});
