/**
 * The restricted walker (`assertRestricted`) on a whole app built from the security constructs, and on
 * manifests that break each rule it checks (so a walker that passes everything would fail here).
 *
 * The reference app's charts (reference-app/, what main.ts synthesizes into dist/) are walked the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Namespace } from '../../lib/security/namespace';
import { NetworkPort, allowExternalIngress } from '../../lib/network/network-policy';
import { ApiGroup, READ_VERBS, Rbac } from '../../lib/security/rbac';
import { buildReferenceApp } from '../../reference-app';
import { grantApiAccess } from '../../lib/security/service-account';
import { connect, connectionsOf } from '../../lib/network/wiring';
import { REPLICATION_ROLE_LABEL } from '../../lib/workload/stateful-database';
import { Manifest, find, synthAll } from '../util';
import { PodSet, StandInWorkload, allowingPolicies, assertRestricted, podSpecIn, securityViolations } from '../util-security';

/** dev and prod namespaces with the same web -> api -> db app, RBAC and an API client. */
function app(): Manifest[] {
  const a = Testing.app();
  const base = new Chart(a, 'base');
  for (const env of ['dev', 'prod']) new Namespace(base, env, { name: env });
  for (const env of ['dev', 'prod']) {
    const chart = new Chart(a, env, { namespace: env, disableResourceNameHashes: true });
    chart.addDependency(base);
    const web = new StandInWorkload(chart, 'web', { port: 8080, serviceType: kplus.ServiceType.LOAD_BALANCER });
    const api = new StandInWorkload(chart, 'api', { port: 9000 });
    const db = new StandInWorkload(chart, 'db', { port: 5432, servicePort: 5432 });
    allowExternalIngress(web, { ports: [NetworkPort.tcp(8080)] });
    connect(web, api, { env: 'API_URL' });
    connect(api, db, { env: 'DB_URL' });
    grantApiAccess(api.deployment, { rules: [{ verbs: READ_VERBS, apiGroups: [ApiGroup.CORE], resources: ['configmaps'] }] });
    Rbac.readOnly(chart, 'read-deployments', { resources: ['deployments'], apiGroups: [ApiGroup.APPS], users: ['sky'] });
  }
  return synthAll(base);
}

/** A compliant Deployment manifest to break one field at a time. */
function compliant(): Manifest {
  const m = find(app(), 'Deployment', 'api', 'dev');
  return JSON.parse(JSON.stringify(m));
}

describe('the reference app (main.ts)', () => {
  const variable = 'DEV_DB_PASSWORD';
  let secretsDir: string;
  let saved: string | undefined;
  beforeAll(() => {
    secretsDir = mkdtempSync(join(tmpdir(), 'kubecraft-security-'));
    saved = process.env[variable];
    process.env[variable] = Buffer.from('security-dist-test').toString('hex'); // made at run time, never a literal
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[variable];
    else process.env[variable] = saved;
    rmSync(secretsDir, { recursive: true, force: true });
  });

  function referenceApp(): Manifest[] {
    return referenceAppWithConnections().manifests;
  }

  function referenceAppWithConnections() {
    const a = Testing.app();
    buildReferenceApp(a, { secretsDir });
    return { manifests: a.charts.flatMap((c) => Testing.synth(c)), connections: connectionsOf(a) };
  }

  /** The pods the workloads will run: one set per Deployment, one per StatefulSet ordinal (with its pod-name label). */
  function podSets(manifests: Manifest[]): (PodSet & { id: string })[] {
    const out: (PodSet & { id: string })[] = [];
    for (const m of manifests) {
      const labels = m.spec?.template?.metadata?.labels;
      if (m.kind === 'Deployment') out.push({ id: `${m.metadata.namespace}/${m.metadata.name}`, namespace: m.metadata.namespace, labels });
      if (m.kind === 'StatefulSet') {
        for (let i = 0; i < (m.spec.replicas ?? 1); i++) {
          const pod = `${m.metadata.name}-${i}`;
          out.push({ id: `${m.metadata.namespace}/${pod}`, namespace: m.metadata.namespace, labels: { ...labels, 'statefulset.kubernetes.io/pod-name': pod } });
        }
      }
    }
    return out;
  }

  test('pods talk exactly along the wiring: every wired pair is allowed on both sides, no other pair is', () => {
    const { manifests, connections } = referenceAppWithConnections();
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const pods = podSets(manifests);
    const within = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    const allowed: string[] = [];
    const wired: string[] = [];
    for (const a of pods) {
      for (const b of pods) {
        if (a === b) continue;
        const r = allowingPolicies(policies, a, b);
        if (r.egress.length > 0 && r.ingress.length > 0) allowed.push(`${a.id} -> ${b.id}`);
        const edge = connections.find((c) => (c.from.namespace === a.namespace && within(c.from.podSelector, a.labels)
          && c.to.namespace === b.namespace && within(c.to.podSelector, b.labels)));
        // the pods of one replicated database stream to each other (its replication policy), on the database port only
        const replication = a.labels[REPLICATION_ROLE_LABEL] !== undefined && b.labels[REPLICATION_ROLE_LABEL] !== undefined
          && a.namespace === b.namespace && a.labels['app.kubernetes.io/instance'] === b.labels['app.kubernetes.io/instance'];
        if (replication) {
          wired.push(`${a.id} -> ${b.id}`);
          expect(allowingPolicies(policies, a, b, 5432).egress).not.toEqual([]);
          expect(allowingPolicies(policies, a, b, 1)).toEqual({ egress: [], ingress: [] });
        }
        if (edge) {
          wired.push(`${a.id} -> ${b.id}`);
          for (const p of edge.ports) expect(allowingPolicies(policies, a, b, p.port).egress).not.toEqual([]);
          expect(allowingPolicies(policies, a, b, 1)).toEqual({ egress: [], ingress: [] });
        }
      }
    }
    expect(wired.length).toBeGreaterThan(0);
    expect(allowed.sort()).toEqual(wired.sort());
    // and no pod's egress is opened beyond its wiring and DNS
    for (const p of policies) {
      for (const rule of p.spec.egress ?? []) expect(rule.to).toBeDefined();
    }
  });

  test('every pod of every environment passes restricted, as its own ServiceAccount without a token', () => {
    const manifests = referenceApp();
    // per environment: web blue and green, api, db
    expect(assertRestricted(manifests)).toBeGreaterThanOrEqual(8);
    expect(manifests.filter((m) => m.kind === 'ServiceAccount').every((m) => m.automountServiceAccountToken === false)).toBe(true);
  });

  test('every namespace enforces restricted and denies by default, with DNS egress only', () => {
    const manifests = referenceApp();
    const namespaces = manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name);
    expect(namespaces.sort()).toEqual(['dev', 'prod']);
    for (const ns of namespaces) {
      expect(find(manifests, 'NetworkPolicy', 'default-deny', ns).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(find(manifests, 'NetworkPolicy', 'allow-dns', ns).spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    }
  });
});

describe('assertRestricted', () => {
  test('passes every pod of an app built from the library, and counts them', () => {
    const manifests = app();
    expect(assertRestricted(manifests)).toBe(6);
    expect(manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.labels['pod-security.kubernetes.io/enforce'])).toEqual(['restricted', 'restricted']);
  });

  const cases: [string, (spec: Manifest, m: Manifest) => void, RegExp][] = [
    ['privileged', (s) => { s.containers[0].securityContext.privileged = true; }, /app: privileged/],
    ['allowPrivilegeEscalation', (s) => { delete s.containers[0].securityContext.allowPrivilegeEscalation; }, /allowPrivilegeEscalation not false/],
    ['runAsNonRoot', (s) => { s.containers[0].securityContext.runAsNonRoot = false; }, /runAsNonRoot not true/],
    ['root user', (s) => { s.containers[0].securityContext.runAsUser = 0; }, /runAsUser 0/],
    ['seccomp', (s) => { s.securityContext.seccompProfile = { type: 'Unconfined' }; }, /seccompProfile Unconfined/],
    ['capabilities', (s) => { s.containers[0].securityContext.capabilities = { add: ['NET_ADMIN'] }; }, /capabilities not dropping ALL.*\n.*adds NET_ADMIN/],
    ['hostNetwork', (s) => { s.hostNetwork = true; }, /host namespaces/],
    ['hostPath', (s) => { s.volumes.push({ name: 'h', hostPath: { path: '/' } }); }, /volume h type hostPath/],
    ['hostPort', (s) => { s.containers[0].ports[0].hostPort = 80; }, /hostPort/],
    ['sysctl', (s) => { s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }]; }, /unsafe sysctl kernel.msgmax/],
    ['SELinux', (s) => { s.containers[0].securityContext.seLinuxOptions = { type: 'spc_t' }; }, /seLinuxOptions/],
    ['procMount', (s) => { s.containers[0].securityContext.procMount = 'Unmasked'; }, /procMount Unmasked/],
    ['AppArmor annotation', (_s, m) => { m.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; }, /apparmor/],
    ['default ServiceAccount', (s) => { delete s.serviceAccountName; }, /runs as the default ServiceAccount/],
    ['automounted token', (s) => { s.automountServiceAccountToken = true; }, /automountServiceAccountToken not false/],
  ];
  test.each(cases)('fails on %s', (_what, breakIt, message) => {
    const m = compliant();
    breakIt(m.spec.template.spec, m);
    expect(() => assertRestricted([m])).toThrow(message);
  });

  test('walks CronJobs, Jobs, StatefulSets, DaemonSets and Pods', () => {
    const spec = compliant().spec.template.spec;
    const broken = { ...spec, hostPID: true };
    const objs: Manifest[] = [
      { kind: 'Pod', metadata: { name: 'p' }, spec: broken },
      { kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: broken } } } } },
      { kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: broken } } },
      { kind: 'StatefulSet', metadata: { name: 's' }, spec: { template: { spec: broken } } },
      { kind: 'DaemonSet', metadata: { name: 'd' }, spec: { template: { spec: broken } } },
    ];
    expect(objs.every((o) => podSpecIn(o) === broken)).toBe(true);
    expect(securityViolations(objs)).toEqual(['Pod/-/p', 'CronJob/-/c', 'Job/-/j', 'StatefulSet/-/s', 'DaemonSet/-/d'].map((id) => `${id}: host namespaces`));
  });

  test('fails on a ServiceAccount that automounts its token and a Namespace not enforcing restricted', () => {
    const objs: Manifest[] = [
      { kind: 'ServiceAccount', metadata: { name: 'legacy', namespace: 'dev' } },
      { kind: 'Namespace', metadata: { name: 'old', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } },
    ];
    expect(securityViolations(objs)).toEqual([
      'ServiceAccount/dev/legacy: automountServiceAccountToken not false',
      'Namespace/-/old: pod-security.kubernetes.io/enforce is baseline, not restricted',
    ]);
    expect(securityViolations(objs, { ownServiceAccount: false, namespacesEnforceRestricted: false })).toEqual([]);
  });
});
