// StatefulSet identity and storage: ordinal pod names, one Bound PVC per template and ordinal, and a deleted pod
// comes back with the same name bound to the same claim.
import assert from 'node:assert/strict';
import test from 'node:test';
import { eventually, getJson, isReady, kinds, kubectl, nsOf } from './helpers.mjs';

const statefulSets = kinds('StatefulSet');
const skip = statefulSets.length ? false : 'no StatefulSet in the manifests';
const claimsOf = (pod) => Object.fromEntries((pod.spec.volumes || []).filter((v) => v.persistentVolumeClaim).map((v) => [v.name, v.persistentVolumeClaim.claimName]));

test('pods are <name>-0..N-1 and PVCs <template>-<name>-<i> are Bound', { skip }, async () => {
  for (const sts of statefulSets) {
    const ns = nsOf(sts);
    const n = (await getJson(['get', 'statefulset', sts.metadata.name, '-n', ns])).spec.replicas;
    const templates = (sts.spec.volumeClaimTemplates || []).map((t) => t.metadata.name);
    for (let i = 0; i < n; i++) {
      const pod = await getJson(['get', 'pod', `${sts.metadata.name}-${i}`, '-n', ns]);
      assert.ok(isReady(pod), `pod ${sts.metadata.name}-${i} is not Ready`);
      for (const t of templates) {
        const claim = `${t}-${sts.metadata.name}-${i}`;
        const pvc = await eventually(`PVC ${claim} Bound`, async () => {
          const p = await getJson(['get', 'pvc', claim, '-n', ns]);
          return p.status.phase === 'Bound' ? p : false;
        }, { timeoutMs: 30_000 });
        assert.equal(pvc.status.phase, 'Bound');
        assert.equal(claimsOf(pod)[t], claim, `pod ${pod.metadata.name} mounts ${claim}`);
      }
    }
    const extra = (await getJson(['get', 'pods', '-n', ns])).items
      .map((p) => p.metadata.name)
      .filter((name) => new RegExp(`^${sts.metadata.name}-(\\d+)$`).test(name) && Number(name.split('-').pop()) >= n);
    assert.deepEqual(extra, [], 'no pod beyond ordinal N-1');
  }
});

test('a deleted StatefulSet pod returns with the same name, bound to the same PVC', { skip }, async () => {
  for (const sts of statefulSets) {
    const ns = nsOf(sts);
    const n = (await getJson(['get', 'statefulset', sts.metadata.name, '-n', ns])).spec.replicas;
    const name = `${sts.metadata.name}-${n > 1 ? 1 : 0}`;
    const before = await getJson(['get', 'pod', name, '-n', ns]);
    const pvcsBefore = {};
    for (const claim of Object.values(claimsOf(before))) {
      const p = await getJson(['get', 'pvc', claim, '-n', ns]);
      pvcsBefore[claim] = { uid: p.metadata.uid, volume: p.spec.volumeName };
    }
    await kubectl(['delete', 'pod', name, '-n', ns, '--wait=false']);
    const after = await eventually(`${name} recreated and Ready`, async () => {
      const p = await getJson(['get', 'pod', name, '-n', ns]);
      return p.metadata.uid !== before.metadata.uid && isReady(p) ? p : false;
    });
    assert.deepEqual(claimsOf(after), claimsOf(before));
    for (const [claim, was] of Object.entries(pvcsBefore)) {
      const p = await getJson(['get', 'pvc', claim, '-n', ns]);
      assert.deepEqual({ uid: p.metadata.uid, volume: p.spec.volumeName, phase: p.status.phase }, { ...was, phase: 'Bound' }, claim);
    }
  }
});
