// 10. PostgreSQL streaming replication on real containers (issue 14): for every replicated database of the manifests
// (a primary StatefulSet and a replica StatefulSet, labelled kubecraft.dev/replication-role), a row written through
// the read-write Service is read through the read-only Service within a few seconds; a write through the read-only
// Service is refused; a deleted replica comes back caught up; scaling the replicas up by one makes the new replica
// catch up from an empty volume; a deleted primary comes back as the primary with its data, while the read-write
// Service has no endpoint and the replicas keep serving reads.
//
// Clients: psql inside the database's own pods, which the replication NetworkPolicy lets reach each other on the
// database port. A client never goes through a Service to itself (no hairpin): a replica writes through the
// read-write Service, the primary reads through the read-only one. The app is left as 01-apply left it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import test from 'node:test';
import { eventually, exec, fqdn, getJson, isReady, kinds, kubectl, nsOf, psql, readyEndpoints, rolloutStatus } from './helpers.mjs';

const ROLE = 'kubecraft.dev/replication-role';
const role = (s) => s.spec.template.metadata.labels?.[ROLE];
const app = (s) => `${s.spec.template.metadata.labels?.['app.kubernetes.io/name']}/${s.spec.template.metadata.labels?.['app.kubernetes.io/instance']}`;
const same = (a, b) => nsOf(a) === nsOf(b) && app(a) === app(b);
const selectsRole = (svc, r) => svc.spec.clusterIP !== 'None' && svc.spec.selector?.[ROLE] === r;

/** every replicated database: { ns, primary, replicas (StatefulSets), rw, ro (Services), container, env } */
const databases = kinds('StatefulSet')
  .filter((s) => role(s) === 'primary')
  .map((primary) => {
    const ns = nsOf(primary);
    const replicas = kinds('StatefulSet').find((s) => role(s) === 'replica' && same(s, primary));
    const services = kinds('Service').filter((s) => nsOf(s) === ns && s.spec.selector?.['app.kubernetes.io/instance'] === primary.spec.template.metadata.labels['app.kubernetes.io/instance']);
    const main = primary.spec.template.spec.containers[0];
    const env = (name) => main.env?.find((e) => e.name === name)?.value;
    return {
      ns,
      primary,
      replicas,
      rw: services.find((s) => selectsRole(s, 'primary')),
      ro: services.find((s) => selectsRole(s, 'replica')),
      container: main.name,
      user: env('POSTGRES_USER') || 'postgres',
      db: env('POSTGRES_DB') || env('POSTGRES_USER') || 'postgres',
      port: main.ports?.[0]?.containerPort ?? 5432,
    };
  })
  .filter((d) => d.replicas && d.rw && d.ro);

const skip = databases.length ? false : 'no replicated database (StatefulSets labelled kubecraft.dev/replication-role) in these manifests';
const pod = (d, name) => getJson(['get', 'pod', '-n', d.ns, name]);
const primaryPod = (d) => `${d.primary.metadata.name}-0`;
const replicaPod = (d, i) => `${d.replicas.metadata.name}-${i}`;
const token = () => `t${randomBytes(6).toString('hex')}`;

/** psql in `from` (a pod of the database) through a Service (TCP, password from POSTGRES_PASSWORD_FILE or POSTGRES_PASSWORD) */
async function viaService(d, from, svc, sql) {
  const script = 'pw=${POSTGRES_PASSWORD:-}; [ -n "${POSTGRES_PASSWORD_FILE:-}" ] && pw=$(cat "$POSTGRES_PASSWORD_FILE"); '
    + 'PGPASSWORD="$pw" PGCONNECT_TIMEOUT=5 exec psql -X -A -t -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U "$3" -d "$4" -c "$5"';
  const r = await exec(d.ns, from, ['bash', '-c', script, 'sh', fqdn(svc.metadata.name, d.ns), String(d.port), d.user, d.db, sql], { container: d.container, timeoutMs: 30_000 });
  return { ok: r.code === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}
async function viaServiceOk(d, from, svc, sql) {
  const r = await viaService(d, from, svc, sql);
  if (!r.ok) throw new Error(`psql in ${d.ns}/${from} through Service ${svc.metadata.name}: ${r.err}`);
  return r.out;
}
/** psql in a pod over its own socket */
const local = (d, name, sql) => psql(d.ns, name, sql, { user: d.user, db: d.db, container: d.container });
const TABLE = 'kubecraft_e2e_replication';
const has = async (d, name, t) => (await local(d, name, `SELECT count(*) FROM ${TABLE} WHERE token = '${t}'`)) === '1';
const waitReady = (d, name, timeoutMs = 300_000) => eventually(`${d.ns}/${name} Ready`, async () => isReady(await pod(d, name)), { timeoutMs, intervalMs: 1000 });

for (const d of databases.length ? databases : [{ ns: '-', primary: { metadata: { name: '-' } } }]) {
  const name = `${d.ns}/${d.primary.metadata.name}`;

  test(`${name}: a row written through the read-write Service is read through the read-only Service within seconds`, { skip }, async (t) => {
    await rolloutStatus(d.primary, '300s');
    await rolloutStatus(d.replicas, '300s');
    // the Services: read-write = the primary only, read-only = the replicas only
    assert.deepEqual((await readyEndpoints(d.ns, d.rw.metadata.name)).map((e) => e.pod).sort(), [primaryPod(d)]);
    const n = d.replicas.spec.replicas;
    assert.deepEqual((await readyEndpoints(d.ns, d.ro.metadata.name)).map((e) => e.pod).sort(), Array.from({ length: n }, (_, i) => replicaPod(d, i)).sort());
    assert.equal(await viaServiceOk(d, replicaPod(d, 0), d.rw, 'SELECT pg_is_in_recovery()'), 'f', 'the read-write Service reached a standby');
    await viaServiceOk(d, replicaPod(d, 0), d.rw, `CREATE TABLE IF NOT EXISTS ${TABLE} (id serial primary key, token text not null, at timestamptz default now())`);
    const tk = token();
    const t0 = Date.now();
    await viaServiceOk(d, replicaPod(d, 0), d.rw, `INSERT INTO ${TABLE} (token) VALUES ('${tk}')`);
    // every replica serves it through the read-only Service (several reads: kube-proxy spreads them)
    await eventually('the row through the read-only Service', async () => (await viaServiceOk(d, primaryPod(d), d.ro, `SELECT count(*) FROM ${TABLE} WHERE token = '${tk}'`)) === '1', { timeoutMs: 10_000, intervalMs: 200 });
    const seen = Date.now() - t0;
    for (let i = 0; i < n; i++) await eventually(`${replicaPod(d, i)} has the row`, () => has(d, replicaPod(d, i), tk), { timeoutMs: 10_000, intervalMs: 200 });
    assert.equal(await viaServiceOk(d, primaryPod(d), d.ro, 'SELECT pg_is_in_recovery()'), 't', 'the read-only Service reached the primary');
    const streaming = await local(d, primaryPod(d), "SELECT string_agg(application_name || ':' || state || ':' || sync_state, ' ' ORDER BY application_name) FROM pg_stat_replication");
    t.diagnostic(`row readable through ${d.ro.metadata.name} ${seen} ms after the commit through ${d.rw.metadata.name}; replication: ${streaming}`);
    assert.equal((streaming.match(/:streaming:/g) || []).length, n, `not every replica streams: ${streaming}`);
  });

  test(`${name}: a write through the read-only Service is refused`, { skip }, async () => {
    for (let i = 0; i < 3; i++) {
      const r = await viaService(d, primaryPod(d), d.ro, `INSERT INTO ${TABLE} (token) VALUES ('${token()}')`);
      assert.equal(r.ok, false, 'a write through the read-only Service succeeded');
      assert.match(r.err, /read-only transaction/);
    }
  });

  test(`${name}: a deleted replica comes back with its claim, caught up`, { skip }, async (t) => {
    const last = replicaPod(d, d.replicas.spec.replicas - 1);
    const before = await pod(d, last);
    const claim = before.spec.volumes.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName;
    const claimUid = (await getJson(['get', 'pvc', '-n', d.ns, claim])).metadata.uid;
    const tk = token();
    await kubectl(['delete', 'pod', '-n', d.ns, last, '--wait=true']);
    await viaServiceOk(d, replicaPod(d, 0), d.rw, `INSERT INTO ${TABLE} (token) VALUES ('${tk}')`); // while it is away
    await eventually('a new pod', async () => (await pod(d, last)).metadata.uid !== before.metadata.uid, { timeoutMs: 120_000 });
    await waitReady(d, last);
    assert.equal((await getJson(['get', 'pvc', '-n', d.ns, claim])).metadata.uid, claimUid, 'the claim was replaced');
    await eventually(`${last} caught up`, () => has(d, last, tk), { timeoutMs: 30_000, intervalMs: 500 });
    assert.equal(await local(d, last, 'SELECT pg_is_in_recovery()'), 't');
    const logs = await kubectl(['logs', '-n', d.ns, last, '-c', 'replication-init']);
    assert.match(logs, /data present: starting as a standby/, 'the returning replica cloned again instead of starting from its data');
    t.diagnostic(`${last} back on claim ${claim} and caught up`);
  });

  test(`${name}: one more replica catches up from an empty volume`, { skip }, async (t) => {
    const n = d.replicas.spec.replicas;
    const added = replicaPod(d, n);
    const claim = `${d.replicas.spec.volumeClaimTemplates[0].metadata.name}-${added}`;
    const tk = token();
    await viaServiceOk(d, replicaPod(d, 0), d.rw, `INSERT INTO ${TABLE} (token) VALUES ('${tk}')`);
    try {
      await kubectl(['scale', 'statefulset', d.replicas.metadata.name, '-n', d.ns, `--replicas=${n + 1}`]);
      await waitReady(d, added, 420_000);
      assert.equal(await local(d, added, 'SELECT pg_is_in_recovery()'), 't');
      assert.ok(await has(d, added, tk), 'the new replica lacks a row written before it existed');
      const tk2 = token();
      await viaServiceOk(d, replicaPod(d, 0), d.rw, `INSERT INTO ${TABLE} (token) VALUES ('${tk2}')`);
      await eventually(`${added} streams new rows`, () => has(d, added, tk2), { timeoutMs: 10_000, intervalMs: 200 });
      const logs = await kubectl(['logs', '-n', d.ns, added, '-c', 'replication-init']);
      assert.match(logs, /base backup from .* complete/, 'the new replica did not take a base backup');
      assert.ok((await readyEndpoints(d.ns, d.ro.metadata.name)).some((e) => e.pod === added), 'the read-only Service does not list the new replica');
      t.diagnostic(`${added} cloned the primary on ${claim} and streams`);
    } finally {
      // back to the manifests' count; the new claim (kept by the Retain policy) is deleted: the app as 01-apply left it
      await kubectl(['scale', 'statefulset', d.replicas.metadata.name, '-n', d.ns, `--replicas=${n}`]);
      await eventually(`${added} gone`, async () => !(await getJson(['get', 'pods', '-n', d.ns])).items.some((p) => p.metadata.name === added), { timeoutMs: 120_000, intervalMs: 1000 });
      await kubectl(['delete', 'pvc', '-n', d.ns, claim, '--ignore-not-found', '--wait=true']);
    }
  });

  test(`${name}: a deleted primary comes back as the primary with its data; meanwhile writes fail fast and reads go on`, { skip }, async (t) => {
    const p = primaryPod(d);
    const tk = token();
    await viaServiceOk(d, replicaPod(d, 0), d.rw, `INSERT INTO ${TABLE} (token) VALUES ('${tk}')`);
    for (let i = 0; i < d.replicas.spec.replicas; i++) await eventually(`${replicaPod(d, i)} has the row`, () => has(d, replicaPod(d, i), tk), { timeoutMs: 10_000, intervalMs: 200 });
    const before = await pod(d, p);
    await kubectl(['delete', 'pod', '-n', d.ns, p, '--wait=false']);
    // while it is away: the read-write Service has no ready endpoint, a write fails, the replicas still serve reads
    await eventually('the read-write Service without endpoints', async () => (await readyEndpoints(d.ns, d.rw.metadata.name)).length === 0, { timeoutMs: 60_000, intervalMs: 200 });
    const write = await viaService(d, replicaPod(d, 0), d.rw, `INSERT INTO ${TABLE} (token) VALUES ('${token()}')`);
    assert.equal(write.ok, false, 'a write succeeded while the primary was away');
    assert.ok(await has(d, replicaPod(d, 0), tk), 'a replica stopped serving reads while the primary was away');
    t.diagnostic(`while ${p} was away, a write through ${d.rw.metadata.name} failed: ${write.err.split('\n')[0]}`);
    await eventually('a new primary pod', async () => (await pod(d, p)).metadata.uid !== before.metadata.uid, { timeoutMs: 120_000 });
    await waitReady(d, p);
    await eventually('the read-write Service lists it again', async () => (await readyEndpoints(d.ns, d.rw.metadata.name)).length === 1, { timeoutMs: 60_000, intervalMs: 200 });
    assert.equal(await viaServiceOk(d, replicaPod(d, 0), d.rw, 'SELECT pg_is_in_recovery()'), 'f', 'the returning pod is not the primary');
    assert.equal(await viaServiceOk(d, replicaPod(d, 0), d.rw, `SELECT count(*) FROM ${TABLE} WHERE token = '${tk}'`), '1', 'the primary lost its data');
    const tk2 = token();
    await eventually('a write through the read-write Service', async () => (await viaService(d, replicaPod(d, 0), d.rw, `INSERT INTO ${TABLE} (token) VALUES ('${tk2}')`)).ok, { timeoutMs: 30_000, intervalMs: 500 });
    for (let i = 0; i < d.replicas.spec.replicas; i++) {
      await eventually(`${replicaPod(d, i)} follows the returned primary`, () => has(d, replicaPod(d, i), tk2), { timeoutMs: 30_000, intervalMs: 500 });
    }
    const logs = await kubectl(['logs', '-n', d.ns, p, '-c', 'replication-init']);
    assert.match(logs, /ensuring the replication role/, 'the returning primary did not start from its data');
    t.diagnostic(`${p} returned as the primary with its data; the replicas follow it`);
  });
}
