import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ApiGroup, READ_VERBS, Verb } from '../../lib/security/rbac';
import { DEFAULT_TOKEN_MOUNT_PATH, WorkloadIdentity, grantApiAccess } from '../../lib/security/service-account';
import { find, podSpecOf, testChart } from '../util';
import { StandInWorkload, assertRestricted } from '../util-security';

const READ_CONFIGMAPS = [{ verbs: READ_VERBS, apiGroups: [ApiGroup.CORE], resources: ['configmaps'] }];

describe('WorkloadIdentity', () => {
  test('emits the workload its own ServiceAccount with automountServiceAccountToken false', () => {
    const chart = testChart('demo');
    new WorkloadIdentity(chart, 'api', { name: 'api', identity: { name: 'api', partOf: 'shop' } });
    const sa = find(Testing.synth(chart), 'ServiceAccount', 'api');
    expect(sa.metadata.namespace).toBe('demo');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'kubecraft',
    });
  });

  test('a workload using it runs as that ServiceAccount, with no token, and passes restricted', () => {
    const chart = testChart('demo');
    new StandInWorkload(chart, 'web', { port: 8080 });
    const out = Testing.synth(chart);
    const spec = podSpecOf(find(out, 'Deployment', 'web'));
    expect(spec.serviceAccountName).toBe('web');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes.map((v: { name: string }) => v.name)).toEqual(['tmp']);
    expect(assertRestricted(out)).toBe(1);
  });

  test('automountToken is an explicit opt-out', () => {
    const chart = testChart('demo');
    const id = new WorkloadIdentity(chart, 'legacy', { name: 'legacy', automountToken: true });
    expect(id.automountToken).toBe(true);
    expect(find(Testing.synth(chart), 'ServiceAccount', 'legacy').automountServiceAccountToken).toBe(true);
  });

  test('an explicit namespace wins over the chart', () => {
    const chart = testChart('demo');
    const id = new WorkloadIdentity(chart, 'api', { name: 'api', namespace: 'prod' });
    expect(id.namespace).toBe('prod');
    expect(find(Testing.synth(chart), 'ServiceAccount', 'api').metadata.namespace).toBe('prod');
  });

  test('an invalid name throws', () => {
    expect(() => new WorkloadIdentity(testChart(), 'id', { name: 'API' })).toThrow(/test\/id: 'name' must be a DNS-1123 subdomain .*got "API"/);
  });
});

describe('grantApiAccess', () => {
  test('emits a projected token volume (audience, expiry), a least-privilege Role and its RoleBinding', () => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'operator', { port: 8080 });
    const access = w.identity.grantApiAccess(w.deployment, { rules: READ_CONFIGMAPS, audience: 'https://kubernetes.default.svc', expirationSeconds: 1800 });
    expect(access.tokenPath).toBe(`${DEFAULT_TOKEN_MOUNT_PATH}/token`);
    const out = Testing.synth(chart);

    const spec = podSpecOf(find(out, 'Deployment', 'operator'));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('operator');
    expect(spec.volumes.find((v: { name: string }) => v.name === 'api-token')).toEqual({
      name: 'api-token',
      projected: {
        sources: [
          { serviceAccountToken: { audience: 'https://kubernetes.default.svc', expirationSeconds: 1800, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'api-token', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });

    const role = find(out, 'Role', 'operator-api-access');
    expect(role.metadata.namespace).toBe('demo');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]);
    const binding = find(out, 'RoleBinding', 'operator-api-access');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'operator-api-access' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'operator', namespace: 'demo' }]);
    expect(role.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'operator' });
    expect(assertRestricted(out)).toBe(1);
  });

  test('defaults: API server audience (field omitted) and a one-hour token', () => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'operator', { port: 8080 });
    const access = grantApiAccess(w.deployment, { rules: READ_CONFIGMAPS });
    expect(access.expirationSeconds).toBe(3600);
    const vol = podSpecOf(find(Testing.synth(chart), 'Deployment', 'operator')).volumes.find((v: { name: string }) => v.name === 'api-token');
    expect(vol.projected.sources[0]).toEqual({ serviceAccountToken: { expirationSeconds: 3600, path: 'token' } });
  });

  test('mounts only into the chosen containers, at the chosen path, under a chosen name', () => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'operator', { port: 8080 });
    const sidecar = w.deployment.addContainer({ name: 'sidecar', image: 'busybox:1.36' });
    grantApiAccess(w.deployment, { rules: READ_CONFIGMAPS, containers: [sidecar], mountPath: '/var/run/secrets/tokens', name: 'config-reader' });
    const out = Testing.synth(chart);
    const spec = podSpecOf(find(out, 'Deployment', 'operator'));
    const mounts = (name: string) => (spec.containers.find((c: { name: string }) => c.name === name).volumeMounts ?? []).map((m: { name: string; mountPath: string }) => `${m.name}:${m.mountPath}`);
    expect(mounts('sidecar')).toEqual(['api-token:/var/run/secrets/tokens']);
    expect(mounts('app')).not.toContain('api-token:/var/run/secrets/tokens');
    find(out, 'Role', 'config-reader');
    find(out, 'RoleBinding', 'config-reader');
  });

  test('a workload on the default ServiceAccount throws', () => {
    const chart = testChart('demo');
    const d = new kplus.Deployment(chart, 'd', { containers: [{ image: 'nginx:1.27.3' }] });
    expect(() => grantApiAccess(d, { rules: READ_CONFIGMAPS })).toThrow(`test/d: 'serviceAccount' must be the workload's own ServiceAccount (a WorkloadIdentity) before it is granted API access, got none (the "default" ServiceAccount, shared by every pod of the namespace)`);
    const e = new kplus.Deployment(chart, 'e', { containers: [{ image: 'nginx:1.27.3' }], serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'default') });
    expect(() => grantApiAccess(e, { rules: READ_CONFIGMAPS })).toThrow(`test/e: 'serviceAccount' must not be the shared "default" ServiceAccount when granting API access, got "default"`);
  });

  test.each([
    ['no rules', { rules: [] }, /'rules' must contain at least one rule/],
    ['a wildcard verb', { rules: [{ verbs: [Verb.ALL], apiGroups: [''], resources: ['pods'] }] }, /'rules\[0\]\.verbs' must not contain the wildcard/],
    ['a wildcard resource', { rules: [{ verbs: [Verb.GET], apiGroups: [''], resources: ['*'] }] }, /'rules\[0\]\.resources' must not contain the wildcard/],
    ['a token shorter than 10 minutes', { rules: READ_CONFIGMAPS, expirationSeconds: 300 }, /'expirationSeconds' must be between 600 and 4294967295, got 300/],
    ['an empty audience', { rules: READ_CONFIGMAPS, audience: ' ' }, /'audience' must not be empty/],
    ['a relative mount path', { rules: READ_CONFIGMAPS, mountPath: 'tokens' }, /'mountPath' must be an absolute path without ':', got "tokens"$/],
    ['a token Duration shorter than 10 minutes', { rules: READ_CONFIGMAPS, expiration: Duration.minutes(5) }, /^test\/operator\/Deployment: 'expiration' must be at least 600s, got 300s$/],
    ['a fraction of a second', { rules: READ_CONFIGMAPS, expiration: Duration.millis(600_500) }, /^test\/operator\/Deployment: 'expiration' must be a whole number of seconds, got /],
    ['both expiration and the deprecated expirationSeconds', { rules: READ_CONFIGMAPS, expiration: Duration.hours(1), expirationSeconds: 3600 }, /^test\/operator\/Deployment: 'expiration' must not be given together with the deprecated 'expirationSeconds'/],
    ['a number as expiration (JavaScript)', { rules: READ_CONFIGMAPS, expiration: 3600 as unknown as Duration }, /^test\/operator\/Deployment: 'expiration' must be a cdk8s Duration \(e.g. Duration.seconds\(30\)\), got 3600$/],
    ['a number as audience (JavaScript)', { rules: READ_CONFIGMAPS, audience: 42 as unknown as string }, /^test\/operator\/Deployment: 'audience' must be a string, got 42$/],
    ['a string rules (JavaScript)', { rules: 'read' as unknown as [] }, /^test\/operator\/Deployment: 'rules' must contain at least one rule \(the least privilege the workload needs\), got "read"$/],
    ['an invalid name', { rules: READ_CONFIGMAPS, name: 'Api Access' }, /^test\/operator\/Deployment: 'name' must be a DNS-1123 subdomain/],
  ])('%s throws', (_what, options, message) => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'operator', { port: 8080 });
    expect(() => grantApiAccess(w.deployment, options)).toThrow(message);
  });

  test('the token lifetime is a Duration (the deprecated expirationSeconds still works)', () => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'operator', { port: 8080 });
    expect(grantApiAccess(w.deployment, { rules: READ_CONFIGMAPS, expiration: Duration.minutes(30) }).expirationSeconds).toBe(1800);
  });

  test('WorkloadIdentity refuses invalid props from JavaScript callers', () => {
    expect(() => new WorkloadIdentity(testChart('demo'), 'id', { name: 'api', automountToken: 'no' as unknown as boolean })).toThrow(new Error('test/id: \'automountToken\' must be true or false, got "no"'));
    expect(() => new WorkloadIdentity(testChart('demo'), 'id', { name: 'api', identity: { name: 'a'.repeat(64) } })).toThrow(/^test\/id: 'identity.name' must be at most 63 characters/);
    expect(() => grantApiAccess({} as kplus.Deployment, { rules: READ_CONFIGMAPS })).toThrow(new Error("grantApiAccess: 'workload' must be a cdk8s-plus workload (Deployment, StatefulSet, Pod, ...), got {}"));
  });

  test('wildcards pass with allowWildcards', () => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'operator', { port: 8080 });
    grantApiAccess(w.deployment, { rules: [{ verbs: [Verb.ALL], apiGroups: [ApiGroup.APPS], resources: ['deployments'] }], allowWildcards: true });
    expect(find(Testing.synth(chart), 'Role', 'operator-api-access').rules[0].verbs).toEqual(['*']);
  });

  test('granting twice throws', () => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'operator', { port: 8080 });
    grantApiAccess(w.deployment, { rules: READ_CONFIGMAPS });
    expect(() => grantApiAccess(w.deployment, { rules: READ_CONFIGMAPS })).toThrow("test/operator/Deployment: 'grantApiAccess' must be called once per workload (add rules to the returned ApiAccess.role instead), got a second call");
  });

  test('a workload without containers throws', () => {
    const chart = testChart('demo');
    const id = new WorkloadIdentity(chart, 'id', { name: 'x' });
    const d = new kplus.Deployment(chart, 'd', { serviceAccount: id.serviceAccount });
    expect(() => grantApiAccess(d, { rules: READ_CONFIGMAPS })).toThrow("test/d: 'containers' must not be empty (add the containers before granting API access), got []");
  });

  test("the identity's method refuses a workload running as another ServiceAccount", () => {
    const chart = testChart('demo');
    const w = new StandInWorkload(chart, 'web', { port: 8080 });
    const other = new WorkloadIdentity(chart, 'other', { name: 'other' });
    expect(() => other.grantApiAccess(w.deployment, { rules: READ_CONFIGMAPS })).toThrow(/test\/other: 'grantApiAccess' workload test\/web\/Deployment must run as this ServiceAccount \("other"\), got "web"/);
  });

  test('a ServiceAccount of another namespace throws', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'demo' });
    const id = new WorkloadIdentity(chart, 'id', { name: 'x', namespace: 'prod' });
    const d = new kplus.Deployment(chart, 'd', { serviceAccount: id.serviceAccount, containers: [{ image: 'nginx:1.27.3' }] });
    expect(() => grantApiAccess(d, { rules: READ_CONFIGMAPS })).toThrow(`test/d: 'serviceAccount' must be in the workload's namespace "demo", got "prod"`);
  });
});

describe('defaults snapshot', () => {
  test('WorkloadIdentity and ApiAccess', () => {
    const chart = testChart('demo');
    const id = new WorkloadIdentity(chart, 'id', { name: 'operator' });
    const d = new kplus.Deployment(chart, 'd', { metadata: { name: 'operator' }, serviceAccount: id.serviceAccount, containers: [{ name: 'app', image: 'nginx:1.27.3' }] });
    id.grantApiAccess(d, { rules: READ_CONFIGMAPS });
    const out = Testing.synth(chart).filter((o) => o.kind !== 'Deployment');
    expect(out).toMatchSnapshot();
    expect(podSpecOf(find(Testing.synth(chart), 'Deployment', 'operator')).volumes).toMatchSnapshot();
  });
});
