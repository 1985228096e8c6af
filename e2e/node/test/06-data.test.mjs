// 6. Data on real volumes (local-path-provisioner): a row written to <db>-0 survives deleting the pod and its return
// on the same claim; a scale-down and scale-up keeps the highest ordinal's claim and its data (the retention policy
// the manifests declare).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import test from 'node:test';
import { eventually, getJson, isReady, kinds, kubectl, nsOf, psql, rolloutStatus } from './helpers.mjs';

const dbs = kinds('StatefulSet').filter((s) => /postgres/.test(s.spec.template.spec.containers[0].image));
const db = dbs.sort((a, b) => (b.spec.replicas ?? 1) - (a.spec.replicas ?? 1))[0];
const claimOf = (i) => `${db.spec.volumeClaimTemplates[0].metadata.name}-${db.metadata.name}-${i}`;
const env = (name) => db?.spec.template.spec.containers[0].env?.find((e) => e.name === name)?.value;
const user = () => env('POSTGRES_USER') || 'postgres';
const database = () => env('POSTGRES_DB') || user();
const pod = async (i) => getJson(['get', 'pod', '-n', nsOf(db), `${db.metadata.name}-${i}`]);
const q = (i, sql) => psql(nsOf(db), `${db.metadata.name}-${i}`, sql, { user: user(), db: database(), container: db.spec.template.spec.containers[0].name });
const waitReady = (i) => eventually(`${db.metadata.name}-${i} Ready`, async () => isReady(await pod(i)), { timeoutMs: 240_000, intervalMs: 1000 });

test('a row survives deleting the pod and its return on the same claim', { skip: db ? false : 'no postgres StatefulSet' }, async (t) => {
  const ns = nsOf(db);
  const token = randomBytes(8).toString('hex');
  await q(0, 'CREATE TABLE IF NOT EXISTS kubecraft_e2e (id serial primary key, token text not null)');
  await q(0, `INSERT INTO kubecraft_e2e (token) VALUES ('${token}')`);
  const before = await pod(0);
  const pvc = await getJson(['get', 'pvc', '-n', ns, claimOf(0)]);
  const pv = await getJson(['get', 'pv', pvc.spec.volumeName]);
  t.diagnostic(`claim ${claimOf(0)} -> ${pv.metadata.name} (${pv.spec.storageClassName}, ${pv.spec.hostPath?.path || pv.spec.local?.path}) on ${before.spec.nodeName}`);
  await kubectl(['delete', 'pod', '-n', ns, `${db.metadata.name}-0`, '--wait=true']);
  await eventually('a new pod', async () => (await pod(0)).metadata.uid !== before.metadata.uid, { timeoutMs: 120_000 });
  await waitReady(0);
  const after = await pod(0);
  assert.equal(after.spec.volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName, claimOf(0));
  assert.equal((await getJson(['get', 'pvc', '-n', ns, claimOf(0)])).metadata.uid, pvc.metadata.uid, 'the claim was replaced');
  assert.equal(await q(0, `SELECT count(*) FROM kubecraft_e2e WHERE token = '${token}'`), '1', 'the row is gone');
});

test('scale down and up keeps the claim and its data', { skip: db && (db.spec.replicas ?? 1) > 1 ? false : 'needs a StatefulSet with 2+ replicas' }, async (t) => {
  const ns = nsOf(db);
  const n = db.spec.replicas;
  const last = n - 1;
  assert.equal(db.spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain', 'Retain', 'the manifests delete claims on scale-down');
  const token = randomBytes(8).toString('hex');
  await waitReady(last);
  await q(last, 'CREATE TABLE IF NOT EXISTS kubecraft_e2e (id serial primary key, token text not null)');
  await q(last, `INSERT INTO kubecraft_e2e (token) VALUES ('${token}')`);
  const pvc = await getJson(['get', 'pvc', '-n', ns, claimOf(last)]);
  await kubectl(['scale', 'statefulset', db.metadata.name, '-n', ns, `--replicas=${n - 1}`]);
  await eventually(`${db.metadata.name}-${last} gone`, async () => !(await getJson(['get', 'pods', '-n', ns])).items.some((p) => p.metadata.name === `${db.metadata.name}-${last}`), { timeoutMs: 120_000, intervalMs: 1000 });
  const kept = await getJson(['get', 'pvc', '-n', ns, claimOf(last)]);
  assert.equal(kept.metadata.uid, pvc.metadata.uid, 'the claim was deleted on scale-down');
  assert.equal(kept.status.phase, 'Bound');
  await kubectl(['scale', 'statefulset', db.metadata.name, '-n', ns, `--replicas=${n}`]);
  await waitReady(last);
  await rolloutStatus(db, '240s');
  assert.equal((await getJson(['get', 'pvc', '-n', ns, claimOf(last)])).metadata.uid, pvc.metadata.uid);
  assert.equal(await q(last, `SELECT count(*) FROM kubecraft_e2e WHERE token = '${token}'`), '1', 'the row is gone after scale-up');
  t.diagnostic(`${db.metadata.name}-${last}: claim ${claimOf(last)} kept through ${n} -> ${n - 1} -> ${n}`);
});
