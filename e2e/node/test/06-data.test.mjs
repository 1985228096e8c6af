// 6. Data on real volumes (local-path-provisioner): a row written to a writable database's pod 0 survives deleting the
// pod and its return on the same claim; a scale-down and scale-up of a StatefulSet of 2+ pods keeps the highest
// ordinal's claim and its data (the retention policy the manifests declare; for a replica set, the row is written
// on its primary and read on the replica before and after).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import test from 'node:test';
import { eventually, getJson, isReady, kinds, kubectl, nsOf, psql, rolloutStatus } from './helpers.mjs';

const ROLE = 'kubecraft.dev/replication-role';
const role = (s) => s.spec.template.metadata.labels?.[ROLE];
const instance = (s) => s.spec.template.metadata.labels?.['app.kubernetes.io/instance'];
const replicasOf = (s) => s.spec.replicas ?? 1;
const dbs = kinds('StatefulSet').filter((s) => /postgres/.test(s.spec.template.spec.containers[0].image));
// a writable database (a standalone one or a replicated database's primary), the one with the most pods
const db = dbs.filter((s) => role(s) !== 'replica').sort((a, b) => replicasOf(b) - replicasOf(a))[0];
// for the scale test: a StatefulSet of 2+ pods (a replica set of a replicated database is written through its primary)
const scaled = dbs.filter((s) => replicasOf(s) > 1).sort((a, b) => replicasOf(b) - replicasOf(a))[0];
const primaryOf = (s) => (role(s) === 'replica' ? dbs.find((p) => role(p) === 'primary' && nsOf(p) === nsOf(s) && instance(p) === instance(s)) : s);
const claimOf = (set, i) => `${set.spec.volumeClaimTemplates[0].metadata.name}-${set.metadata.name}-${i}`;
const envOf = (set, name) => set.spec.template.spec.containers[0].env?.find((e) => e.name === name)?.value;
const user = (set) => envOf(set, 'POSTGRES_USER') || 'postgres';
const database = (set) => envOf(set, 'POSTGRES_DB') || user(set);
const podOf = async (set, i) => getJson(['get', 'pod', '-n', nsOf(set), `${set.metadata.name}-${i}`]);
const sql = (set, i, q) => psql(nsOf(set), `${set.metadata.name}-${i}`, q, { user: user(set), db: database(set), container: set.spec.template.spec.containers[0].name });
const waitReady = (set, i) => eventually(`${set.metadata.name}-${i} Ready`, async () => isReady(await podOf(set, i)), { timeoutMs: 240_000, intervalMs: 1000 });
const TABLE = 'CREATE TABLE IF NOT EXISTS kubecraft_e2e (id serial primary key, token text not null)';

test('a row survives deleting the pod and its return on the same claim', { skip: db ? false : 'no writable postgres StatefulSet' }, async (t) => {
  const ns = nsOf(db);
  const token = randomBytes(8).toString('hex');
  await sql(db, 0, TABLE);
  await sql(db, 0, `INSERT INTO kubecraft_e2e (token) VALUES ('${token}')`);
  const before = await podOf(db, 0);
  const pvc = await getJson(['get', 'pvc', '-n', ns, claimOf(db, 0)]);
  const pv = await getJson(['get', 'pv', pvc.spec.volumeName]);
  t.diagnostic(`claim ${claimOf(db, 0)} -> ${pv.metadata.name} (${pv.spec.storageClassName}, ${pv.spec.hostPath?.path || pv.spec.local?.path}) on ${before.spec.nodeName}`);
  await kubectl(['delete', 'pod', '-n', ns, `${db.metadata.name}-0`, '--wait=true']);
  await eventually('a new pod', async () => (await podOf(db, 0)).metadata.uid !== before.metadata.uid, { timeoutMs: 120_000 });
  await waitReady(db, 0);
  const after = await podOf(db, 0);
  assert.equal(after.spec.volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName, claimOf(db, 0));
  assert.equal((await getJson(['get', 'pvc', '-n', ns, claimOf(db, 0)])).metadata.uid, pvc.metadata.uid, 'the claim was replaced');
  assert.equal(await sql(db, 0, `SELECT count(*) FROM kubecraft_e2e WHERE token = '${token}'`), '1', 'the row is gone');
});

test('scale down and up keeps the claim and its data', { skip: scaled ? false : 'needs a postgres StatefulSet with 2+ replicas' }, async (t) => {
  const ns = nsOf(scaled);
  const n = replicasOf(scaled);
  const last = n - 1;
  const writer = primaryOf(scaled);
  assert.ok(writer, `${scaled.metadata.name} is a replica set without a primary StatefulSet`);
  assert.equal(scaled.spec.persistentVolumeClaimRetentionPolicy?.whenScaled ?? 'Retain', 'Retain', 'the manifests delete claims on scale-down');
  const token = randomBytes(8).toString('hex');
  await waitReady(scaled, last);
  // written where writes go (the pod itself, or its primary), then read on the highest ordinal (replicated, if a replica)
  const writeOn = writer === scaled ? last : 0;
  await sql(writer, writeOn, TABLE);
  await sql(writer, writeOn, `INSERT INTO kubecraft_e2e (token) VALUES ('${token}')`);
  const has = async () => (await sql(scaled, last, `SELECT count(*) FROM kubecraft_e2e WHERE token = '${token}'`).catch(() => '0')) === '1';
  await eventually(`the row on ${scaled.metadata.name}-${last}`, has, { timeoutMs: 60_000, intervalMs: 500 });
  const pvc = await getJson(['get', 'pvc', '-n', ns, claimOf(scaled, last)]);
  await kubectl(['scale', 'statefulset', scaled.metadata.name, '-n', ns, `--replicas=${n - 1}`]);
  await eventually(`${scaled.metadata.name}-${last} gone`, async () => !(await getJson(['get', 'pods', '-n', ns])).items.some((p) => p.metadata.name === `${scaled.metadata.name}-${last}`), { timeoutMs: 120_000, intervalMs: 1000 });
  const kept = await getJson(['get', 'pvc', '-n', ns, claimOf(scaled, last)]);
  assert.equal(kept.metadata.uid, pvc.metadata.uid, 'the claim was deleted on scale-down');
  assert.equal(kept.status.phase, 'Bound');
  await kubectl(['scale', 'statefulset', scaled.metadata.name, '-n', ns, `--replicas=${n}`]);
  await waitReady(scaled, last);
  await rolloutStatus(scaled, '240s');
  assert.equal((await getJson(['get', 'pvc', '-n', ns, claimOf(scaled, last)])).metadata.uid, pvc.metadata.uid);
  assert.ok(await has(), 'the row is gone after scale-up');
  t.diagnostic(`${scaled.metadata.name}-${last}: claim ${claimOf(scaled, last)} kept through ${n} -> ${n - 1} -> ${n}${writer === scaled ? '' : ` (row written on ${writer.metadata.name}-0, replicated)`}`);
});
