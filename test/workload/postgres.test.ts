import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BundleSecret, ConfigBundle } from '../../lib/config/config-bundle';
import { SecretSource } from '../../lib/config/secret-source';
import { NetworkPeer, NetworkPolicy, NetworkPort } from '../../lib/network/network-policy';
import {
  DatabasePreset, INIT_CONTAINER, POSTGRES_ENV, PostgresPresetOptions, PostgresReplicationOptions, REPLICATION_CHECKSUM_ANNOTATION,
  REPLICATION_SECRET_DIR, ReplicationMode, SynchronousCommit,
} from '../../lib/workload/postgres';
import { SCRIPT_KEYS, configScript } from '../../lib/workload/postgres-scripts';
import {
  DatabaseReplication, POD_NAME_LABEL, REPLICATION_ROLE_ENV, REPLICATION_ROLE_LABEL, StatefulDatabase, StatefulDatabaseProps,
} from '../../lib/workload/stateful-database';
import { WebApp } from '../../lib/workload/web-app';
import { Manifest, allOf, find, podSpecOf, restrictedViolations, synthAll, testChart } from '../util';

// a replication password made at run time (never a literal in the repository)
const PASSWORD_VAR = 'KUBECRAFT_TEST_REPLICATION_PASSWORD';
beforeAll(() => {
  process.env[PASSWORD_VAR] = randomBytes(12).toString('hex');
});
afterAll(() => {
  delete process.env[PASSWORD_VAR];
});

const replication = (o: Partial<PostgresReplicationOptions> = {}): PostgresReplicationOptions => ({ password: SecretSource.fromEnv(PASSWORD_VAR), ...o });
const preset = (o: Partial<PostgresPresetOptions> = {}): StatefulDatabaseProps => DatabasePreset.postgres({
  version: '16.4',
  env: { [POSTGRES_ENV.PASSWORD_FILE]: '/etc/secrets/db/password' },
  replication: replication(),
  ...o,
});

/** Whether a Service/StatefulSet selector selects a pod with these labels. */
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The labels of every pod of the database as the controllers create them (template labels plus the pod-name label). */
function pods(out: Manifest[]): { name: string; labels: Record<string, string> }[] {
  return allOf(out, 'StatefulSet').flatMap((s) => Array.from({ length: s.spec.replicas }, (_, i) => {
    const name = `${s.metadata.name}-${i}`;
    return { name, labels: { ...s.spec.template.metadata.labels, [POD_NAME_LABEL]: name, 'apps.kubernetes.io/pod-index': String(i) } };
  }));
}

const selected = (out: Manifest[], selector: Record<string, string>) => pods(out).filter((p) => selects(selector, p.labels)).map((p) => p.name).sort();

function main(set: Manifest): Manifest {
  return podSpecOf(set).containers.find((c: Manifest) => c.name === 'db');
}

describe('StatefulDatabase with PostgreSQL streaming replication', () => {
  test('a primary StatefulSet (1 pod) and a replica StatefulSet (replicas - 1), whose selectors claim only their own pods', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...preset(), replicas: 3 });
    const out = synthAll(chart);
    const primary = find(out, 'StatefulSet', 'db');
    const replicas = find(out, 'StatefulSet', 'db-replica');
    expect(primary.spec.replicas).toBe(1);
    expect(replicas.spec.replicas).toBe(2);
    expect(db.replicas).toBe(3);
    expect(db.podDnsNames).toEqual([
      'db-0.db.demo.svc.cluster.local', 'db-replica-0.db.demo.svc.cluster.local', 'db-replica-1.db.demo.svc.cluster.local',
    ]);
    expect(db.claimNames('data')).toEqual(['data-db-0', 'data-db-replica-0', 'data-db-replica-1']);
    for (const set of [primary, replicas]) {
      expect(set.spec.serviceName).toBe('db');
      expect(selects(set.spec.selector.matchLabels, set.spec.template.metadata.labels)).toBe(true);
      expect(set.spec.volumeClaimTemplates.map((t: Manifest) => t.metadata.name)).toEqual(['data']);
      expect(restrictedViolations(podSpecOf(set))).toEqual([]);
    }
    expect(primary.spec.template.metadata.labels[REPLICATION_ROLE_LABEL]).toBe('primary');
    expect(replicas.spec.template.metadata.labels[REPLICATION_ROLE_LABEL]).toBe('replica');
    // the primary keeps the standalone selector (a standalone database converts in place); the replicas' is narrower
    expect(primary.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' });
    expect(replicas.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', [REPLICATION_ROLE_LABEL]: 'replica' });
    expect(selected(out, replicas.spec.selector.matchLabels)).toEqual(['db-replica-0', 'db-replica-1']);
    // every container of a pod knows its role
    for (const [set, role] of [[primary, 'primary'], [replicas, 'replica']] as const) {
      for (const c of [...podSpecOf(set).containers, ...podSpecOf(set).initContainers]) {
        expect(c.env).toContainEqual({ name: REPLICATION_ROLE_ENV, value: role });
      }
    }
  });

  test('each Service selects exactly the intended pods: read-write the primary, read-only the replicas, the governing Service all', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...preset(), replicas: 3 });
    const out = synthAll(chart);
    const rw = find(out, 'Service', 'db-rw');
    const ro = find(out, 'Service', 'db-ro');
    const governing = find(out, 'Service', 'db');
    expect(selected(out, rw.spec.selector)).toEqual(['db-0']);
    expect(selected(out, ro.spec.selector)).toEqual(['db-replica-0', 'db-replica-1']);
    expect(selected(out, governing.spec.selector)).toEqual(['db-0', 'db-replica-0', 'db-replica-1']);
    expect(governing.spec.clusterIP).toBe('None');
    for (const svc of [rw, ro]) {
      expect(svc.spec.type).toBe('ClusterIP');
      expect(svc.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }]);
    }
    expect(allOf(out, 'Service').map((s) => s.metadata.name).sort()).toEqual(['db', 'db-ro', 'db-rw']);
    expect(db.readWriteService?.name).toBe('db-rw');
    expect(db.readOnlyService?.name).toBe('db-ro');
    expect(db.clientService).toBeUndefined();
    expect(db.endpoint.fqdn).toBe('db-rw.demo.svc.cluster.local');
    // the same with a scaled-up count and renamed Services
    const chart2 = testChart();
    new StatefulDatabase(chart2, 'pg', { ...preset(), replicas: 5, readWriteService: { name: 'pg-primary' }, readOnlyService: { name: 'pg-read' } });
    const out2 = synthAll(chart2);
    expect(selected(out2, find(out2, 'Service', 'pg-primary').spec.selector)).toEqual(['pg-0']);
    expect(selected(out2, find(out2, 'Service', 'pg-read').spec.selector)).toEqual(['pg-replica-0', 'pg-replica-1', 'pg-replica-2', 'pg-replica-3']);
  });

  test('connectTo / connectPrimary wire the read-write Service and the primary only; connectReadOnly the read-only Service and the replicas only', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...preset(), replicas: 3 });
    const api = new WebApp(chart, 'api', { image: 'nginx:1.27.3' });
    const worker = new WebApp(chart, 'worker', { image: 'nginx:1.27.3' });
    const report = new WebApp(chart, 'report', { image: 'nginx:1.27.3' });
    db.connectPrimary(api, { env: 'DATABASE_URL', scheme: 'postgres', hostEnv: 'DB_HOST' });
    db.connectReadOnly(api, { env: 'DATABASE_READ_URL', scheme: 'postgres', hostEnv: 'DB_READ_HOST' });
    worker.connectTo(db, { env: 'DATABASE_URL', scheme: 'postgres' });
    db.connectReadOnly(report, { env: 'DATABASE_URL', scheme: 'postgres' });
    const out = synthAll(chart);
    const env = (name: string) => podSpecOf(find(out, 'Deployment', name)).containers[0].env;
    expect(env('api')).toEqual(expect.arrayContaining([
      { name: 'DATABASE_URL', value: 'postgres://db-rw.demo.svc.cluster.local:5432' },
      { name: 'DB_HOST', value: 'db-rw.demo.svc.cluster.local' },
      { name: 'DATABASE_READ_URL', value: 'postgres://db-ro.demo.svc.cluster.local:5432' },
      { name: 'DB_READ_HOST', value: 'db-ro.demo.svc.cluster.local' },
    ]));
    expect(env('worker')).toContainEqual({ name: 'DATABASE_URL', value: 'postgres://db-rw.demo.svc.cluster.local:5432' });
    expect(env('report')).toContainEqual({ name: 'DATABASE_URL', value: 'postgres://db-ro.demo.svc.cluster.local:5432' });

    const policy = (name: string) => find(out, 'NetworkPolicy', name);
    // read-write: ingress on the primary only, egress from the consumer to the primary only
    for (const consumer of ['api', 'worker']) {
      const ingress = policy(`db-from-${consumer}`);
      expect(selected(out, ingress.spec.podSelector.matchLabels)).toEqual(['db-0']);
      expect(ingress.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': consumer, 'app.kubernetes.io/instance': consumer } } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
      const egress = policy(`${consumer}-to-db`);
      expect(selected(out, egress.spec.egress[0].to[0].podSelector.matchLabels)).toEqual(['db-0']);
      expect(egress.spec.egress[0].ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
    }
    // read-only: the replicas only
    for (const consumer of ['api', 'report']) {
      const ingress = policy(`db-ro-from-${consumer}`);
      expect(selected(out, ingress.spec.podSelector.matchLabels)).toEqual(['db-replica-0', 'db-replica-1']);
      const egress = policy(`${consumer}-to-db-ro`);
      expect(selected(out, egress.spec.egress[0].to[0].podSelector.matchLabels)).toEqual(['db-replica-0', 'db-replica-1']);
    }
    expect(db.podSelector).toEqual({ 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', [REPLICATION_ROLE_LABEL]: 'primary' });
  });

  test('the policy set lets replication through between the database pods and nothing else', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...preset(), replicas: 3 });
    const out = synthAll(chart);
    const policies = allOf(out, 'NetworkPolicy');
    // with no consumer wired, the only policy selecting database pods is the replication policy
    expect(policies.map((p) => p.metadata.name)).toEqual(['db-replication']);
    const [p] = policies;
    const dbPods = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' };
    expect(selected(out, p.spec.podSelector.matchLabels)).toEqual(['db-0', 'db-replica-0', 'db-replica-1']);
    expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(p.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: dbPods } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
    expect(p.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: dbPods } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
    // no peer outside the database, no namespace selector, no other port
    expect(JSON.stringify(p.spec)).not.toMatch(/namespaceSelector|ipBlock/);
  });

  test('a standalone database emits none of it: one StatefulSet, no replication policy, no init container, no role label', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...preset({ replication: undefined }), clientService: true });
    const out = synthAll(chart);
    expect(allOf(out, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['db']);
    expect(allOf(out, 'NetworkPolicy')).toEqual([]);
    expect(allOf(out, 'ConfigMap')).toEqual([]);
    const set = find(out, 'StatefulSet', 'db');
    expect(podSpecOf(set).initContainers).toBeUndefined();
    expect(set.spec.template.metadata.labels[REPLICATION_ROLE_LABEL]).toBeUndefined();
    expect(main(set).command).toBeUndefined();
    expect(db.isPrimaryReplica).toBe(false);
    expect(() => db.connectReadOnly(new WebApp(chart, 'api', { image: 'nginx:1.27.3' })))
      .toThrow("test/db: 'connectReadOnly' needs a primary/replica replication, got a standalone database");
  });

  test('the scripts ship in a ConfigMap mounted read-only; the main container runs run.sh, the init container init.sh', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...preset({ replication: replication({ user: 'streamer' }) }), replicas: 2, args: ['-c', 'max_connections=200'] });
    const out = synthAll(chart);
    const cm = find(out, 'ConfigMap', 'db-replication');
    expect(Object.keys(cm.data).sort()).toEqual(Object.values(SCRIPT_KEYS).sort());
    expect(cm.data[SCRIPT_KEYS.CONFIG]).toContain("KC_PRIMARY_HOST='db-0.db.demo.svc.cluster.local'");
    expect(cm.data[SCRIPT_KEYS.CONFIG]).toContain("KC_PEERS_HOST='db.demo.svc.cluster.local'");
    expect(cm.data[SCRIPT_KEYS.CONFIG]).toContain("KC_REPLICATION_USER='streamer'");
    expect(cm.data[SCRIPT_KEYS.CONFIG]).toContain("KC_SYNCHRONOUS_STANDBY_NAMES=''");
    for (const set of allOf(out, 'StatefulSet')) {
      const spec = podSpecOf(set);
      const c = main(set);
      expect(c.command).toEqual(['bash', '/etc/kubecraft/postgres/run.sh']);
      expect(c.args).toEqual(['-c', 'max_connections=200']);
      expect(c.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'replication-scripts', mountPath: '/etc/kubecraft/postgres', readOnly: true },
        { name: 'replication-scripts', mountPath: '/docker-entrypoint-initdb.d/50-kubecraft-replication.sh', readOnly: true, subPath: SCRIPT_KEYS.INITDB },
        { name: 'replication-credentials', mountPath: REPLICATION_SECRET_DIR, readOnly: true },
        { name: 'data', mountPath: '/var/lib/postgresql/data' },
      ]));
      expect(c.env).toContainEqual({ name: 'KUBECRAFT_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
      const init = spec.initContainers.find((x: Manifest) => x.name === INIT_CONTAINER);
      expect(init.image).toBe('postgres:16.4');
      expect(init.command).toEqual(['bash', '/etc/kubecraft/postgres/init.sh']);
      expect(init.args).toEqual(['-c', 'max_connections=200']);
      expect(init.resources.requests).toEqual(c.resources.requests);
      // the main container's env (PGDATA, POSTGRES_*), then its own
      expect(init.env).toEqual(expect.arrayContaining([
        { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
        { name: 'POSTGRES_PASSWORD_FILE', value: '/etc/secrets/db/password' },
        { name: 'KUBECRAFT_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      ]));
      expect(init.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'data', mountPath: '/var/lib/postgresql/data' },
        { name: 'replication-scripts', mountPath: '/etc/kubecraft/postgres', readOnly: true },
        { name: 'replication-credentials', mountPath: REPLICATION_SECRET_DIR, readOnly: true },
        { name: 'replication-init-tmp', mountPath: '/tmp' },
      ]));
      const vol = (name: string) => spec.volumes.find((v: Manifest) => v.name === name);
      expect(vol('replication-scripts').configMap).toEqual({ name: 'db-replication', defaultMode: 0o555 });
      expect(vol('replication-credentials').secret).toEqual({ secretName: 'db-replication-credentials', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] });
      expect(set.spec.template.metadata.annotations[REPLICATION_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
      expect(restrictedViolations(spec)).toEqual([]);
    }
    // the ConfigMap and the Secret come before the StatefulSets
    const order = out.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const dep of ['ConfigMap/db-replication', 'Secret/db-replication-credentials']) {
      expect(order.indexOf(dep)).toBeLessThan(order.indexOf('StatefulSet/db'));
      expect(order.indexOf(dep)).toBeLessThan(order.indexOf('StatefulSet/db-replica'));
    }
  });

  test('the password from a SecretSource becomes the Secret <name>-replication-credentials; never in the pod spec', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...preset(), replicas: 2 });
    const out = synthAll(chart);
    const secret = find(out, 'Secret', 'db-replication-credentials');
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe(process.env[PASSWORD_VAR]);
    for (const set of allOf(out, 'StatefulSet')) expect(JSON.stringify(set)).not.toContain(process.env[PASSWORD_VAR]);
    expect(JSON.stringify(find(out, 'ConfigMap', 'db-replication'))).not.toContain(process.env[PASSWORD_VAR]);
  });

  test('the password from a key of an existing Secret: no Secret emitted, only that key mounted', () => {
    const chart = testChart();
    const creds = new ConfigBundle(chart, 'creds', { name: 'db-creds', secret: BundleSecret.existing('pg-credentials', { keys: ['superuser', 'replication'] }) });
    new StatefulDatabase(chart, 'db', { ...preset({ replication: { password: { bundle: creds, key: 'replication' } } }), replicas: 2 });
    const out = synthAll(chart);
    expect(allOf(out, 'Secret')).toEqual([]);
    const spec = podSpecOf(find(out, 'StatefulSet', 'db-replica'));
    expect(spec.volumes.find((v: Manifest) => v.name === 'replication-credentials').secret).toEqual({ secretName: 'pg-credentials', defaultMode: 0o440, items: [{ key: 'replication', path: 'replication' }] });
    expect(find(out, 'ConfigMap', 'db-replication').data[SCRIPT_KEYS.CONFIG]).toContain(`KC_REPLICATION_PASSWORD_FILE='${REPLICATION_SECRET_DIR}/replication'`);
  });

  test('synchronous replication: ANY n (*) with the chosen commit level; asynchronous has none', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', {
      ...preset({ replication: replication({ mode: ReplicationMode.SYNCHRONOUS, synchronousStandbys: 2, synchronousCommit: SynchronousCommit.REMOTE_APPLY, walKeepSize: Size.gibibytes(1) }) }),
      replicas: 4,
    });
    const config = find(synthAll(chart), 'ConfigMap', 'db-replication').data[SCRIPT_KEYS.CONFIG];
    expect(config).toContain("KC_SYNCHRONOUS_STANDBY_NAMES='ANY 2 (*)'");
    expect(config).toContain("KC_SYNCHRONOUS_COMMIT='remote_apply'");
    expect(config).toContain("KC_WAL_KEEP_SIZE='1024MB'");
  });

  test('PodDisruptionBudget over every pod (at most one down), soft host anti-affinity and zone spread over both roles', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...preset(), replicas: 3 });
    const out = synthAll(chart);
    const pdb = find(out, 'PodDisruptionBudget', 'db');
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(selected(out, pdb.spec.selector.matchLabels)).toEqual(['db-0', 'db-replica-0', 'db-replica-1']);
    expect(db.spreadAcrossHosts).toBe(true);
    for (const set of allOf(out, 'StatefulSet')) {
      const spec = podSpecOf(set);
      const term = spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
      expect(term.podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
      expect(selected(out, term.podAffinityTerm.labelSelector.matchLabels)).toEqual(['db-0', 'db-replica-0', 'db-replica-1']);
      expect(spec.topologySpreadConstraints).toEqual([{
        maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: pdb.spec.selector.matchLabels },
      }]);
    }
    // both can be turned off
    const chart2 = testChart();
    new StatefulDatabase(chart2, 'db', { ...preset(), replicas: 2, disruptionBudget: false, spreadAcrossZones: false, spreadAcrossHosts: false });
    const out2 = synthAll(chart2);
    expect(allOf(out2, 'PodDisruptionBudget')).toEqual([]);
    for (const set of allOf(out2, 'StatefulSet')) {
      expect(podSpecOf(set).affinity).toBeUndefined();
      expect(podSpecOf(set).topologySpreadConstraints).toBeUndefined();
    }
  });

  test('ConfigBundle and mounts added to the database reach the primary and the replicas alike', () => {
    const chart = testChart();
    const bundle = new ConfigBundle(chart, 'cfg', { name: 'pg', data: { 'postgresql.conf': 'max_connections = 50\n' } });
    const db = new StatefulDatabase(chart, 'db', { ...preset(), replicas: 2 });
    bundle.mountConfig(db.container, '/etc/postgresql');
    bundle.annotate(db);
    db.addEnv('TZ', 'UTC');
    const out = synthAll(chart);
    const [a, b] = ['db', 'db-replica'].map((n) => find(out, 'StatefulSet', n));
    expect(main(a).volumeMounts).toContainEqual({ name: 'pg-config', mountPath: '/etc/postgresql', readOnly: true });
    expect(main(b).volumeMounts).toEqual(main(a).volumeMounts);
    expect(main(b).env).toContainEqual({ name: 'TZ', value: 'UTC' });
    expect(b.spec.template.metadata.annotations).toEqual(a.spec.template.metadata.annotations);
    expect(a.spec.template.metadata.annotations['checksum/config']).toBe(bundle.checksum);
  });

  test('an escape-hatch patch of the primary StatefulSet reaches the replicas (their spec is the primary\'s as synthesized)', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...preset(), replicas: 2 });
    db.apiObject.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'database'));
    const out = synthAll(chart);
    for (const set of allOf(out, 'StatefulSet')) expect(podSpecOf(set).priorityClassName).toBe('database');
    expect(find(out, 'StatefulSet', 'db-replica').spec.replicas).toBe(1);
  });

  test('the replication scripts are valid bash, and the settings are shell-quoted', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...preset(), replicas: 2 });
    const cm = find(synthAll(chart), 'ConfigMap', 'db-replication');
    for (const [key, text] of Object.entries(cm.data as Record<string, string>)) {
      expect({ key, syntax: execFileSync('bash', ['-n'], { input: text, encoding: 'utf8' }) }).toEqual({ key, syntax: '' });
    }
    const quoted = configScript({
      primaryHost: "it's", peersHost: 'h', port: 5432, user: 'u', passwordFile: '/p', synchronousStandbyNames: 'ANY 1 (*)', synchronousCommit: 'on', walKeepSize: '1MB', maxWalSenders: 16,
    });
    expect(execFileSync('bash', ['-c', `${quoted}\nprintf '%s|%s' "$KC_PRIMARY_HOST" "$KC_SYNCHRONOUS_STANDBY_NAMES"`], { encoding: 'utf8' })).toBe("it's|ANY 1 (*)");
  });

  test('the database as a consumer: connectTo opens egress from every pod, primary and replicas', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { ...preset(), replicas: 2 });
    const metrics = new WebApp(chart, 'metrics', { image: 'nginx:1.27.3' });
    db.connectTo(metrics, { env: 'METRICS_URL' });
    const out = synthAll(chart);
    const egress = find(out, 'NetworkPolicy', 'db-to-metrics');
    expect(selected(out, egress.spec.podSelector.matchLabels)).toEqual(['db-0', 'db-replica-0']);
    expect(main(find(out, 'StatefulSet', 'db-replica')).env).toContainEqual({ name: 'METRICS_URL', value: 'http://metrics.demo.svc.cluster.local:8080' });
  });

  test('replicas > 1 without a replication mode is refused, naming the prop and the choices', () => {
    const chart = testChart();
    expect(() => new StatefulDatabase(chart, 'db', { ...preset({ replication: undefined }), replicas: 3 })).toThrow(
      "test/db: 'replicas' must be 1 without a 'replication' mode (3 pods of a database that does not replicate are 3 independent databases with different data behind one Service), got 3: "
      + 'choose replication: DatabasePreset.postgres({ ..., replication: { password } }) for a primary with streaming replicas, '
      + 'DatabaseReplication.independent() for pods that are meant to be independent or that the engine clusters itself, or replicas: 1',
    );
    // an explicit choice of independent pods is accepted
    expect(() => new StatefulDatabase(testChart(), 'db', { ...preset({ replication: undefined }), replicas: 3, replication: DatabaseReplication.independent() })).not.toThrow();
  });

  describe('bad combinations fail clearly', () => {
    const cases: [string, () => StatefulDatabaseProps, string][] = [
      ['replication with one replica', () => ({ ...preset(), replicas: 1 }),
        "test/db: 'replicas' must be at least 2 with replication (a primary and at least one replica), got 1: raise replicas or drop 'replication' for a standalone database"],
      ['replication with the default replica count', () => preset(),
        "test/db: 'replicas' must be at least 2 with replication (a primary and at least one replica), got 1: raise replicas or drop 'replication' for a standalone database"],
      ['synchronous with too few replicas', () => ({ ...preset({ replication: replication({ mode: ReplicationMode.SYNCHRONOUS }) }), replicas: 2 }),
        "test/db: 'replicas' must be at least 3 with synchronous replication to 1 replica(s): one replica more than must confirm each commit, so writes go on while one is down (a primary and 2 replicas), got 2; add replicas, lower synchronousStandbys or use ReplicationMode.ASYNCHRONOUS"],
      ['synchronous to 2 replicas with 3 replicas', () => ({ ...preset({ replication: replication({ mode: ReplicationMode.SYNCHRONOUS, synchronousStandbys: 2 }) }), replicas: 3 }),
        "test/db: 'replicas' must be at least 4 with synchronous replication to 2 replica(s)"],
      ['a missing replication secret', () => ({ ...preset({ replication: { password: undefined } as unknown as PostgresReplicationOptions }), replicas: 2 }),
        "test/db: 'replication.password' must be a SecretSource (SecretSource.fromEnv(...)) or { bundle, key } naming a key of a ConfigBundle's Secret (replication credentials never live in source), got undefined"],
      ['a literal password', () => ({ ...preset({ replication: { password: 'hunter2' } as unknown as PostgresReplicationOptions }), replicas: 2 }),
        "test/db: 'replication.password' must be a SecretSource (SecretSource.fromEnv(...)) or { bundle, key } naming a key of a ConfigBundle's Secret (replication credentials never live in source), got a string literal"],
      ['synchronousStandbys with asynchronous replication', () => ({ ...preset({ replication: replication({ synchronousStandbys: 1 }) }), replicas: 3 }),
        "test/db: 'replication.synchronousStandbys' only applies with mode ReplicationMode.SYNCHRONOUS, got 1 with asynchronous"],
      ['synchronousCommit with asynchronous replication', () => ({ ...preset({ replication: replication({ synchronousCommit: SynchronousCommit.ON }) }), replicas: 3 }),
        "test/db: 'replication.synchronousCommit' only applies with mode ReplicationMode.SYNCHRONOUS, got \"on\" with asynchronous"],
      ['unknown mode', () => ({ ...preset({ replication: replication({ mode: 'semi' as ReplicationMode }) }), replicas: 3 }),
        "test/db: 'replication.mode' must be one of asynchronous, synchronous, got \"semi\""],
      ['the superuser as replication role', () => ({ ...preset({ replication: replication({ user: 'postgres' }) }), replicas: 2 }),
        "test/db: 'replication.user' must be a role name other than \"postgres\" (lowercase letters, digits and '_', at most 63), got \"postgres\""],
      ['a bad role name', () => ({ ...preset({ replication: replication({ user: 'Repl-1' }) }), replicas: 2 }),
        "test/db: 'replication.user' must be a role name other than \"postgres\" (lowercase letters, digits and '_', at most 63), got \"Repl-1\""],
      ['a client Service over every pod', () => ({ ...preset(), replicas: 2, clientService: true }),
        "test/db: 'clientService' must not be set with a primary/replica replication (a Service over every pod would send writes to read-only replicas): use 'readWriteService' and 'readOnlyService', got true"],
      ['a command of its own', () => ({ ...preset(), replicas: 2, command: ['postgres'] }),
        "test/db: 'command' must not be set with replication (the replication scripts start docker-entrypoint.sh; pass server options as 'args', e.g. ['-c', 'max_connections=200']), got [\"postgres\"]"],
      ['too many pods for max_wal_senders', () => ({ ...preset(), replicas: 15 }),
        "test/db: 'replicas' must be at most 14 with replication (max_wal_senders 16: one per replica and two for a base backup), got 15"],
      ['a name too long for <name>-replica', () => ({ ...preset(), replicas: 2, name: 'a'.repeat(45) }),
        "test/db: 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most 44 characters)"],
      ['the read-only Service named like the read-write one', () => ({ ...preset(), replicas: 2, readOnlyService: { name: 'db-rw' } }),
        "test/db: 'readOnlyService.name' must differ from the database's other Service names (db, db-rw), got \"db-rw\""],
      ['a walKeepSize that is not a Size', () => ({ ...preset({ replication: replication({ walKeepSize: '512MB' as unknown as Size }) }), replicas: 2 }),
        "test/db: 'replication.walKeepSize' must be a cdk8s Size of at least 0 (e.g. Size.mebibytes(512)), got \"512MB\""],
    ];
    test.each(cases)('%s', (_label, props, message) => {
      expect(() => new StatefulDatabase(testChart(), 'db', props())).toThrow(message);
    });

    test('read-write/read-only Service options without replication', () => {
      expect(() => new StatefulDatabase(testChart(), 'db', { ...preset({ replication: undefined }), readOnlyService: {} }))
        .toThrow("test/db: 'readOnlyService' only applies with a primary/replica replication, got {} with a standalone database");
    });

    test('a bundle without a Secret, a key its Secret does not hold, a bundle of another namespace', () => {
      const chart = testChart();
      const noSecret = new ConfigBundle(chart, 'a', { name: 'a', data: { x: 'y' } });
      const keys = new ConfigBundle(chart, 'b', { name: 'b', secret: BundleSecret.existing('b', { keys: ['password'] }) });
      const other = new ConfigBundle(testChart('other'), 'c', { name: 'c', secret: BundleSecret.existing('c') });
      const db = (password: PostgresReplicationOptions['password']) => () => new StatefulDatabase(chart, `db${Math.random().toString(36).slice(2, 6)}`, {
        ...preset({ replication: { password } }), name: 'db', replicas: 2,
      });
      expect(db({ bundle: noSecret, key: 'x' })).toThrow("'replication.password' names bundle \"a\", which has no Secret: give it a 'secret' holding \"x\"");
      expect(db({ bundle: keys, key: 'replication' })).toThrow("'replication.password' names key \"replication\", which the Secret of bundle \"b\" does not hold (keys: \"password\")");
      expect(db({ bundle: other, key: 'k' })).toThrow("'replication.password' names bundle \"c\" of namespace \"other\": pods can only mount Secrets of their own namespace (\"demo\")");
    });

    test('a SecretSource whose variable is unset fails at construction, naming it', () => {
      const chart = testChart();
      expect(() => new StatefulDatabase(chart, 'db', { ...preset({ replication: { password: SecretSource.fromEnv('KUBECRAFT_TEST_UNSET_VARIABLE') } }), replicas: 2 }))
        .toThrow(/environment variable KUBECRAFT_TEST_UNSET_VARIABLE is not set/);
    });
  });

  test('NetworkPolicy/NetworkPeer/NetworkPort used here are the public ones (a user can write the same policy)', () => {
    const chart = testChart();
    const p = new NetworkPolicy(chart, 'x', { podSelector: { a: 'b' }, ingress: [{ peers: [NetworkPeer.pods({ a: 'b' })], ports: [NetworkPort.tcp(5432)] }] });
    expect(p.name).toBe('x');
  });

  test('time props: Durations, or the deprecated seconds, never both', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...preset(), replicas: 2, minReady: Duration.seconds(15), terminationGracePeriod: Duration.minutes(2) });
    for (const set of allOf(synthAll(chart), 'StatefulSet')) {
      expect(set.spec.minReadySeconds).toBe(15);
      expect(podSpecOf(set).terminationGracePeriodSeconds).toBe(120);
    }
    // the preset sets a Duration: the deprecated twin next to it is refused
    expect(() => new StatefulDatabase(testChart(), 'db', { ...preset(), replicas: 2, terminationGracePeriodSeconds: 10 }))
      .toThrow("test/db: 'terminationGracePeriod' must not be given together with the deprecated 'terminationGracePeriodSeconds', got both (\"1 minute\" and 10)");
  });

  test('a chart with kplus ConfigMap volumes on the pods still passes the restricted checks', () => {
    const chart = testChart();
    new StatefulDatabase(chart, 'db', { ...preset(), replicas: 2, imagePullPolicy: kplus.ImagePullPolicy.ALWAYS });
    const set = find(synthAll(chart), 'StatefulSet', 'db-replica');
    expect(podSpecOf(set).initContainers[0].imagePullPolicy).toBe('Always');
    expect(restrictedViolations(podSpecOf(set))).toEqual([]);
  });
});
