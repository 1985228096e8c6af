/**
 * The reference app: the whole-app snapshot (drift detection), plus targeted behaviour tests for both
 * environments, apply order, determinism and the security bar.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { DEV, EnvironmentChart, PROD, buildReferenceApp } from './reference-app';
import { Manifest, allOf, find, podSpecOf, restrictedViolations } from './test/util';
import { assertRestricted } from './test/util-security';

// Deterministic placeholder credentials for the snapshot, made at run time (never a literal in the repo).
const PLACEHOLDER = Buffer.from('reference-app-snapshot').toString('hex');
let secretsDir: string;

beforeAll(() => {
  secretsDir = mkdtempSync(join(tmpdir(), 'kubecraft-secrets-'));
  process.env.DEV_DB_PASSWORD = PLACEHOLDER;
});
afterAll(() => {
  delete process.env.DEV_DB_PASSWORD;
  rmSync(secretsDir, { recursive: true, force: true });
});

function synthEnvs(activeVersion?: 'blue' | 'green'): Record<string, Manifest[]> {
  const app = Testing.app();
  const charts = buildReferenceApp(app, { secretsDir, activeVersion });
  return Object.fromEntries(Object.entries(charts).map(([name, chart]) => [name, Testing.synth(chart)]));
}

describe('reference app', () => {
  test('whole-app snapshot (drift detection; behaviour is asserted below)', () => {
    expect(synthEnvs()).toMatchSnapshot();
  });

  test('builds dev and prod, each in its own namespace with the same Service names (the database\'s by its mode)', () => {
    const envs = synthEnvs();
    expect(Object.keys(envs)).toEqual(['dev', 'prod']);
    // dev: one standalone database instance behind db-client; prod: a primary (db-rw) and replicas (db-ro)
    const dbServices: Record<string, string[]> = { dev: ['db', 'db-client'], prod: ['db', 'db-ro', 'db-rw'] };
    for (const [ns, objects] of Object.entries(envs)) {
      const services = allOf(objects, 'Service').map((s) => s.metadata.name).sort();
      expect(services).toEqual(['api', 'web', 'web-blue', 'web-green', ...dbServices[ns]].sort());
      for (const o of objects) {
        if (['Namespace', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) {
          expect(o.metadata.namespace).toBeUndefined();
        } else {
          expect(`${o.kind}/${o.metadata.name}: ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name}: ${ns}`);
        }
      }
    }
  });

  test('each environment is one ApplySet <env>/shop: every object carries it, so npm run deploy prunes what the chart drops', () => {
    const charts = buildReferenceApp(Testing.app(), { secretsDir });
    for (const [ns, chart] of Object.entries(charts)) {
      expect([chart.applySet.namespace, chart.applySet.name, chart.applySet.parentRef]).toEqual([ns, 'shop', 'configmaps/shop']);
      for (const o of Testing.synth(chart)) {
        expect(`${o.kind}/${o.metadata.name}: ${o.metadata.annotations?.['kubecraft.dev/applyset']}`).toBe(`${o.kind}/${o.metadata.name}: ${ns}/shop`);
      }
    }
  });

  test('recommended labels: every object is part of the shop and managed by kubecraft; pod templates carry all six', () => {
    for (const objects of Object.values(synthEnvs())) {
      for (const o of objects) {
        expect({ [`${o.kind}/${o.metadata.name}`]: o.metadata.labels }).toMatchObject({
          [`${o.kind}/${o.metadata.name}`]: { 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'kubecraft' },
        });
        const template = o.spec?.template?.metadata?.labels;
        if (template) {
          for (const key of ['name', 'instance', 'version', 'component', 'part-of', 'managed-by']) {
            expect(`${o.kind}/${o.metadata.name} ${key}: ${template[`app.kubernetes.io/${key}`] !== undefined}`).toMatch(/true$/);
          }
        }
      }
    }
  });

  test('dev and prod differ only where their settings do', () => {
    const envs = synthEnvs();
    const ids = (objects: Manifest[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    const dev = new Set(ids(envs.dev));
    const prod = new Set(ids(envs.prod));
    // prod: the api autoscales; its credentials are existing Secrets; the database replicates (a primary StatefulSet,
    // a replica StatefulSet, read-write and read-only Services, the replication scripts and policy);
    // dev: one standalone db instance behind db-client, so no db PDB
    expect([...dev].filter((x) => !prod.has(x)).sort()).toEqual([
      'Namespace/dev', 'NetworkPolicy/api-to-db-0', 'NetworkPolicy/db-0-from-api', 'Secret/api-secret', 'Service/db-client', 'StorageClass/dev-local',
    ]);
    expect([...prod].filter((x) => !dev.has(x)).sort()).toEqual([
      'ConfigMap/db-replication', 'HorizontalPodAutoscaler/api', 'Namespace/prod', 'NetworkPolicy/api-to-db', 'NetworkPolicy/api-to-db-ro',
      'NetworkPolicy/db-from-api', 'NetworkPolicy/db-replication', 'NetworkPolicy/db-ro-from-api', 'PodDisruptionBudget/db',
      'Service/db-ro', 'Service/db-rw', 'StatefulSet/db-replica', 'StorageClass/prod-ssd',
    ]);

    expect(find(envs.dev, 'StatefulSet', 'db').spec.replicas).toBe(DEV.db.replicas);
    expect(DEV.db.replication).toBeUndefined();
    expect(PROD.db.replication).toBeDefined();
    expect(find(envs.prod, 'StatefulSet', 'db').spec.replicas).toBe(1);
    expect(find(envs.prod, 'StatefulSet', 'db-replica').spec.replicas).toBe(PROD.db.replicas - 1);
    expect(find(envs.prod, 'Deployment', 'api').spec.replicas).toBeUndefined();
    expect(find(envs.prod, 'HorizontalPodAutoscaler', 'api').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(find(envs.dev, 'Ingress', 'web').spec.rules[0].host).toBe('shop.dev.example.com');
    expect(find(envs.prod, 'Ingress', 'web').spec.tls[0]).toEqual({ hosts: ['shop.example.com'], secretName: 'shop-tls' });
    expect(find(envs.prod, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'prod-ssd',
      resources: { requests: { storage: '20Gi' } },
    });
  });

  test('the web reaches the api by its FQDN, the api the db primary (dev: its per-pod DNS name; prod: the read-write Service)', () => {
    for (const [ns, objects] of Object.entries(synthEnvs())) {
      for (const slot of ['blue', 'green']) {
        const env = podSpecOf(find(objects, 'Deployment', `web-${slot}`)).containers[0].env;
        expect(env).toContainEqual({ name: 'API_URL', value: `http://api.${ns}.svc.cluster.local` });
      }
      const apiEnv = podSpecOf(find(objects, 'Deployment', 'api')).containers[0].env;
      const primary = ns === 'prod' ? `db-rw.${ns}.svc.cluster.local` : `db-0.db.${ns}.svc.cluster.local`;
      expect(apiEnv).toContainEqual({ name: 'DB_HOST', value: primary });
      expect(apiEnv).toContainEqual({ name: 'DATABASE_URL', value: `postgres://${primary}:5432` });
      if (ns === 'prod') expect(apiEnv).toContainEqual({ name: 'DATABASE_READ_URL', value: `postgres://db-ro.${ns}.svc.cluster.local:5432` });
      else expect(apiEnv.map((e: Manifest) => e.name)).not.toContain('DATABASE_READ_URL');
      // the password travels as a file of a read-only Secret volume, never as an env var
      const secretName = ns === 'prod' ? 'api-db-credentials' : 'api-secret';
      for (const w of [find(objects, 'Deployment', 'api'), ...allOf(objects, 'StatefulSet')]) {
        const spec = podSpecOf(w);
        const vol = spec.volumes.find((v: Manifest) => v.secret?.secretName === secretName);
        expect(vol?.secret.defaultMode).toBe(0o440);
        expect(spec.containers[0].volumeMounts).toContainEqual({ name: vol.name, mountPath: '/etc/secrets/db', readOnly: true });
        expect(JSON.stringify(spec.containers[0].env ?? [])).not.toContain('secretKeyRef');
        expect(JSON.stringify(spec.containers[0].envFrom ?? [])).not.toContain('secretRef');
      }
      expect(apiEnv).toContainEqual({ name: 'DB_PASSWORD_FILE', value: '/etc/secrets/db/DB_PASSWORD' });
      const dbEnv = podSpecOf(find(objects, 'StatefulSet', 'db')).containers[0].env;
      expect(dbEnv).toContainEqual({ name: 'POSTGRES_PASSWORD_FILE', value: '/etc/secrets/db/DB_PASSWORD' });
      expect(find(objects, 'StatefulSet', 'db').spec.serviceName).toBe('db');
      expect(find(objects, 'Service', 'db').spec.clusterIP).toBe('None');
    }
  });

  test('the stable web Service follows the active version; Deployments are identical across a cut-over', () => {
    const blue = synthEnvs('blue');
    const green = synthEnvs('green');
    for (const ns of ['dev', 'prod']) {
      expect(find(blue[ns], 'Service', 'web').spec.selector.version).toBe('blue');
      expect(find(green[ns], 'Service', 'web').spec.selector.version).toBe('green');
      for (const slot of ['blue', 'green']) {
        expect(find(green[ns], 'Deployment', `web-${slot}`)).toEqual(find(blue[ns], 'Deployment', `web-${slot}`));
      }
      const changed = green[ns].filter((o, i) => JSON.stringify(o) !== JSON.stringify(blue[ns][i]));
      expect(changed.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Service/web']);
    }
  });

  test('every pod passes Pod Security "restricted" and runs as its own ServiceAccount without a token', () => {
    for (const objects of Object.values(synthEnvs())) {
      const accounts = new Map(allOf(objects, 'ServiceAccount').map((sa) => [sa.metadata.name, sa]));
      const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod'].includes(o.kind));
      expect(workloads.length).toBeGreaterThanOrEqual(4);
      for (const w of workloads) {
        const spec = podSpecOf(w);
        expect({ [w.metadata.name]: restrictedViolations(spec) }).toEqual({ [w.metadata.name]: [] });
        expect(spec.serviceAccountName).toBeDefined();
        expect(spec.serviceAccountName).not.toBe('default');
        expect(accounts.get(spec.serviceAccountName)?.automountServiceAccountToken).toBe(false);
        expect(spec.automountServiceAccountToken).toBe(false);
      }
    }
  });

  test('each namespace is labelled Pod Security restricted and denies all traffic not wired', () => {
    for (const [ns, objects] of Object.entries(synthEnvs())) {
      expect(find(objects, 'Namespace', ns).metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      });
      const policies = allOf(objects, 'NetworkPolicy').map((p) => p.metadata.name).sort();
      const db = ns === 'prod' ? ['api-to-db', 'db-from-api', 'api-to-db-ro', 'db-ro-from-api', 'db-replication'] : ['api-to-db-0', 'db-0-from-api'];
      expect(policies).toEqual(expect.arrayContaining(['api-from-web', 'web-to-api', ...db]));
      const deny = allOf(objects, 'NetworkPolicy').find((p) => p.spec.podSelector && Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
      expect(deny?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
      // no allow rule between the web and the db: they are not wired
      for (const p of allOf(objects, 'NetworkPolicy')) {
        const sel = JSON.stringify(p.spec.podSelector);
        const peers = JSON.stringify([...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]);
        const webToDb = sel.includes('"web"') && peers.includes('"db"');
        const dbFromWeb = sel.includes('"db"') && peers.includes('"web"');
        expect({ [p.metadata.name]: webToDb || dbFromWeb }).toEqual({ [p.metadata.name]: false });
      }
    }
  });
});

describe('the README synth command', () => {
  const synth = (outdir: string, env: NodeJS.ProcessEnv = {}) =>
    execFileSync(process.execPath, ['scripts/synth.mjs', '--outdir', outdir], {
      cwd: __dirname,
      env: { ...process.env, DEV_DB_PASSWORD: PLACEHOLDER, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const load = (dir: string) =>
    Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

  test('is deterministic: two synths of the same input are byte-identical', () => {
    const a = mkdtempSync(join(tmpdir(), 'kubecraft-a-'));
    const b = mkdtempSync(join(tmpdir(), 'kubecraft-b-'));
    try {
      synth(join(a, 'dist'));
      synth(join(b, 'dist'));
      const filesA = load(join(a, 'dist'));
      expect(Object.keys(filesA)).toEqual(['.kubernetes-version', 'dev.k8s.yaml', 'prod.k8s.yaml']);
      // the target version the schema check validates against (the reference app targets 1.30: the preStop sleep action)
      expect(filesA['.kubernetes-version']).toBe('1.30\n');
      expect(load(join(b, 'dist'))).toEqual(filesA);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  test('writes dist/ in apply order (no object precedes its Namespace, StorageClass or config), every pod restricted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecraft-order-'));
    try {
      synth(join(dir, 'dist'));
      const files = readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.yaml')).sort();
      const docs = files.flatMap((file) => parseAllDocuments(readFileSync(join(dir, 'dist', file), 'utf8')).map((d) => d.toJS() as Manifest));
      const emitted = new Set(docs.map((o) => `${o.kind}/${o.metadata.name}`));
      const seen = new Set<string>();
      let checkedRefs = 0;
      {
        for (const o of docs) {
          const ns = o.metadata.namespace;
          if (ns) expect(`${o.kind}/${o.metadata.name} after Namespace/${ns}: ${seen.has(`Namespace/${ns}`)}`).toMatch(/true$/);
          for (const t of o.spec?.volumeClaimTemplates ?? []) {
            expect(`StorageClass/${t.spec.storageClassName} before ${o.metadata.name}: ${seen.has(`StorageClass/${t.spec.storageClassName}`)}`).toMatch(/true$/);
          }
          const spec = ['Deployment', 'StatefulSet'].includes(o.kind) ? podSpecOf(o) : undefined;
          const refs = [
            ...(spec?.containers ?? []).flatMap((c: Manifest) => (c.envFrom ?? []).map((r: Manifest) => (r.configMapRef ? `ConfigMap/${r.configMapRef.name}` : `Secret/${r.secretRef.name}`))),
            ...(spec?.volumes ?? []).flatMap((v: Manifest) => (v.configMap ? [`ConfigMap/${v.configMap.name}`] : v.secret ? [`Secret/${v.secret.secretName}`] : [])),
          ];
          for (const dep of refs) {
            checkedRefs++;
            if (!emitted.has(dep)) continue; // an existing Secret managed outside the app (prod)
            expect(`${dep} before ${o.metadata.name}: ${seen.has(dep)}`).toMatch(/true$/);
          }
          seen.add(`${o.kind}/${o.metadata.name}`);
        }
      }
      expect(seen.has('Namespace/dev') && seen.has('Namespace/prod')).toBe(true);
      expect(checkedRefs).toBeGreaterThanOrEqual(4);
      // every object of dist/: each pod passes Pod Security "restricted", as its own ServiceAccount without a token
      expect(assertRestricted(docs)).toBe(9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('honours WEB_ACTIVE_VERSION and rejects anything but blue or green', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecraft-cut-'));
    try {
      synth(join(dir, 'dist'), { WEB_ACTIVE_VERSION: 'green' });
      const dev = parseAllDocuments(readFileSync(join(dir, 'dist', 'dev.k8s.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
      expect(find(dev, 'Service', 'web').spec.selector.version).toBe('green');
      expect(() => synth(join(dir, 'dist'), { WEB_ACTIVE_VERSION: 'purple' })).toThrow(/WEB_ACTIVE_VERSION must be "blue" or "green", got "purple"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('EnvironmentChart', () => {
  test('is importable without synthesizing anything (no side effect on import)', () => {
    expect(typeof EnvironmentChart).toBe('function');
    expect(readdirSync(__dirname)).not.toContain('cdk8s.out');
  });
});
