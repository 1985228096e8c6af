import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  ApiGroup,
  ClusterRole,
  ClusterRoleBinding,
  IClusterRoleReference,
  IRoleReference,
  PolicyRule,
  READ_VERBS,
  Rbac,
  Role,
  RoleBinding,
  RoleReference,
  Subject,
  Verb,
} from '../../lib/security/rbac';
import { find, synthAll, testChart } from '../util';

describe('Rbac.readOnly', () => {
  test("the book's read-deployments example is one line: get/watch/list deployments in one namespace for user sky", () => {
    const chart = testChart('demo');
    Rbac.readOnly(chart, 'read-deployments', { namespace: 'demo', resources: ['deployments'], apiGroups: ['apps'], users: ['sky'] });
    const out = Testing.synth(chart);
    const role = find(out, 'Role', 'read-deployments');
    expect(role.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(role.metadata.namespace).toBe('demo');
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'] }]);
    const binding = find(out, 'RoleBinding', 'read-deployments');
    expect(binding.metadata.namespace).toBe('demo');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-deployments' });
    expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'sky' }]);
    expect(out).toHaveLength(2);
  });

  test('names carry no hash and the Role is emitted before its binding', () => {
    const chart = testChart('demo');
    Rbac.readOnly(chart, 'read-pods', { resources: ['pods', 'pods/log'], groups: ['devs'] });
    const out = Testing.synth(chart);
    expect(out.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Role/read-pods', 'RoleBinding/read-pods']);
    expect(find(out, 'Role', 'read-pods').rules).toEqual([{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }]);
    expect(find(out, 'RoleBinding', 'read-pods').subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' }]);
  });

  test('binds ServiceAccounts in their namespace', () => {
    const chart = testChart('demo');
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'api' } });
    const other = kplus.ServiceAccount.fromServiceAccountName(chart, 'ci', 'ci', { namespaceName: 'tools' });
    Rbac.readOnly(chart, 'read-config', { resources: ['configmaps'], resourceNames: ['api-config'], serviceAccounts: [sa, other] });
    const out = Testing.synth(chart);
    expect(find(out, 'Role', 'read-config').rules[0].resourceNames).toEqual(['api-config']);
    expect(find(out, 'RoleBinding', 'read-config').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'api', namespace: 'demo' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
    ]);
  });

  test('without any subject it throws', () => {
    expect(() => Rbac.readOnly(testChart(), 'read-deployments', { resources: ['deployments'], apiGroups: ['apps'] }))
      .toThrow("test/read-deployments/Binding: 'subjects' must contain at least one subject (Subject.user(), Subject.group() or Subject.serviceAccount()), got []");
  });

  test('deployments listed under the core group throws (they are in apps)', () => {
    expect(() => Rbac.readOnly(testChart(), 'read-deployments', { resources: ['deployments'], users: ['sky'] }))
      .toThrow(`test/read-deployments/Role: 'rules[0].apiGroups' must include "apps" for resource "deployments", got [""]`);
  });
});

describe('Role and ClusterRole', () => {
  test('a rule lists several verbs, groups, resources and names in one rule', () => {
    const chart = testChart('demo');
    const role = new Role(chart, 'deployer', {
      rules: [{ verbs: [Verb.GET, Verb.PATCH, Verb.UPDATE], apiGroups: [ApiGroup.APPS, ApiGroup.CORE], resources: ['deployments', 'services'], resourceNames: ['web', 'api'] }],
    });
    role.addRule({ verbs: [Verb.CREATE], apiGroups: [ApiGroup.BATCH], resources: ['jobs'] });
    const r = find(Testing.synth(chart), 'Role', 'deployer');
    expect(r.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'kubecraft' });
    expect(r.rules).toEqual([
      { apiGroups: ['apps', ''], resources: ['deployments', 'services'], resourceNames: ['web', 'api'], verbs: ['get', 'patch', 'update'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] },
    ]);
    expect(role.roleNamespace).toBe('demo');
  });

  test('a ClusterRole is cluster-scoped (no namespace) even in a namespaced chart', () => {
    const chart = testChart('demo');
    new ClusterRole(chart, 'node-reader', { rules: [{ verbs: [...READ_VERBS], apiGroups: [''], resources: ['nodes'] }] });
    const cr = find(Testing.synth(chart), 'ClusterRole', 'node-reader');
    expect(cr.metadata.namespace).toBeUndefined();
    expect(cr.rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
  });

  test('with allowWildcards, a wildcard must stand alone (next to it another entry means nothing)', () => {
    for (const rule of [
      { verbs: [Verb.GET, Verb.ALL], apiGroups: [''], resources: ['pods'] },
      { verbs: [Verb.GET], apiGroups: ['', '*'], resources: ['pods'] },
      { verbs: [Verb.GET], apiGroups: ['*'], resources: ['pods', '*'] },
    ]) {
      expect(() => new Role(testChart(), 'r', { allowWildcards: true, rules: [rule] })).toThrow(/^test\/r: 'rules\[0\]\.(verbs|apiGroups|resources)' must contain only "\*" when it contains the wildcard \(it already grants every entry\), got \[/);
    }
  });

  test('JavaScript callers: a non-boolean allowWildcards, a string rules, a binding to something that is not a role', () => {
    expect(() => new Role(testChart(), 'r', { allowWildcards: 'yes' as unknown as boolean })).toThrow(new Error('test/r: \'allowWildcards\' must be true or false, got "yes"'));
    expect(() => new Role(testChart(), 'r', { rules: 'get pods' as unknown as PolicyRule[] })).toThrow(new Error('test/r: \'rules\' must be an array, got "get pods"'));
    expect(() => new RoleBinding(testChart(), 'b', { role: 'view' as unknown as IRoleReference, subjects: [Subject.user('sky')] })).toThrow(new Error('test/b: \'role\' must be a Role, a ClusterRole or a RoleReference, got "view"'));
    expect(() => new RoleBinding(testChart(), 'b', { role: RoleReference.clusterRole('view'), subjects: ['sky'] as unknown as Subject[] })).toThrow(new Error('test/b: \'subjects[0]\' must be a Subject (Subject.user(), Subject.group() or Subject.serviceAccount()), got "sky"'));
    expect(() => new RoleBinding(testChart(), 'b', { role: RoleReference.clusterRole('a/b'), subjects: [Subject.user('sky')] })).toThrow(new Error('test/b: \'role.roleName\' must be a non-empty name without \'/\' or \'%\' (and not "." or ".."), got "a/b"'));
    expect(() => Rbac.readOnly(testChart(), 'ro', { resources: ['pods'], users: 'sky' as unknown as string[] })).toThrow(new Error('test/ro: \'users\' must be an array of strings, got "sky"'));
  });

  test('a ClusterRole name with a colon can be bound (system: roles exist)', () => {
    expect(() => new RoleBinding(testChart(), 'b', { role: RoleReference.clusterRole('system:auth-delegator'), subjects: [Subject.user('sky')] })).not.toThrow();
  });

  test('wildcards are accepted with allowWildcards', () => {
    const chart = testChart();
    new ClusterRole(chart, 'super', { allowWildcards: true, rules: [{ verbs: [Verb.ALL], apiGroups: [ApiGroup.ALL], resources: ['*'] }] });
    expect(find(Testing.synth(chart), 'ClusterRole', 'super').rules).toEqual([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
  });

  test.each([
    ['verbs', { verbs: [Verb.ALL], apiGroups: [''], resources: ['pods'] }, /'rules\[0\]\.verbs' must not contain the wildcard "\*" without 'allowWildcards: true'/],
    ['resources', { verbs: [Verb.GET], apiGroups: [''], resources: ['*'] }, /'rules\[0\]\.resources' must not contain the wildcard "\*" without 'allowWildcards: true' .*got \["\*"\]/],
    ['subresources', { verbs: [Verb.GET], apiGroups: [''], resources: ['pods/*'] }, /'rules\[0\]\.resources' must not contain a wildcard/],
    ['apiGroups', { verbs: [Verb.GET], apiGroups: ['*'], resources: ['pods'] }, /'rules\[0\]\.apiGroups' must not contain the wildcard "\*"/],
    ['a verb list that mixes one in', { verbs: [Verb.GET, Verb.ALL], apiGroups: [''], resources: ['pods'] }, /^test\/r: 'rules\[0\]\.verbs' must not contain the wildcard "\*" without 'allowWildcards: true' \(list the verbs needed, e.g. get, list, watch\), got \["get","\*"\]$/],
    ['a resource list that mixes one in', { verbs: [Verb.GET], apiGroups: [''], resources: ['pods', '*'] }, /^test\/r: 'rules\[0\]\.resources' must not contain the wildcard "\*" without 'allowWildcards: true' \(list the resources needed\), got \["pods","\*"\]$/],
  ])('a wildcard in %s without allowWildcards throws', (_what, rule, message) => {
    expect(() => new Role(testChart(), 'r', { rules: [rule] })).toThrow(message);
    expect(() => new ClusterRole(testChart(), 'r', { rules: [rule] })).toThrow(message);
  });

  test.each([
    ['no verbs', { verbs: [], apiGroups: [''], resources: ['pods'] }, /'rules\[0\]\.verbs' must contain at least one verb/],
    ['an unknown verb', { verbs: ['read' as Verb], apiGroups: [''], resources: ['pods'] }, /'rules\[0\]\.verbs' must contain only get, list, .*got "read"/],
    ['no apiGroups', { verbs: [Verb.GET], apiGroups: [], resources: ['pods'] }, /'rules\[0\]\.apiGroups' must contain at least one group/],
    ['no resources', { verbs: [Verb.GET], apiGroups: [''], resources: [] }, /'rules\[0\]\.resources' must contain at least one resource/],
    ['a capitalised resource', { verbs: [Verb.GET], apiGroups: ['apps'], resources: ['Deployment'] }, /'rules\[0\]\.resources' must contain lowercase plural resource names .*got "Deployment"/],
    ['an invalid group', { verbs: [Verb.GET], apiGroups: ['Apps'], resources: ['x'] }, /'rules\[0\]\.apiGroups' must be a DNS-1123 subdomain/],
    ['an empty resource name', { verbs: [Verb.GET], apiGroups: [''], resources: ['pods'], resourceNames: [''] }, /^test\/r: 'rules\[0\]\.resourceNames' must be a non-empty name without '\/' or '%' \(and not "." or ".."\), got ""$/],
    ['a string verbs list (JavaScript)', { verbs: 'get' as unknown as Verb[], apiGroups: [''], resources: ['pods'] }, /^test\/r: 'rules\[0\]\.verbs' must contain at least one verb .*got "get"$/],
    ['a string resources list (JavaScript)', { verbs: [Verb.GET], apiGroups: [''], resources: 'pods' as unknown as string[] }, /^test\/r: 'rules\[0\]\.resources' must contain at least one resource \(e.g. "deployments"\), got "pods"$/],
    ['a verb twice', { verbs: [Verb.GET, Verb.GET], apiGroups: [''], resources: ['pods'] }, /^test\/r: 'rules\[0\]\.verbs' must not contain duplicates, got "get" twice$/],
    ['a misspelt field', { verbs: [Verb.GET], apiGroups: [''], resources: ['pods'], resourceName: ['x'] } as PolicyRule, /^test\/r: 'rules\[0\]\.resourceName' is not a setting/],
  ])('a rule with %s throws', (_what, rule, message) => {
    expect(() => new Role(testChart(), 'r', { rules: [rule] })).toThrow(message);
  });

  test('an invalid name throws', () => {
    expect(() => new Role(testChart(), 'r', { name: 'Read_Pods' })).toThrow(/test\/r: 'name' must be a DNS-1123 subdomain .*got "Read_Pods"/);
  });

  test('addRule validates too, counting the rule index', () => {
    const role = new Role(testChart(), 'r', { rules: [{ verbs: [Verb.GET], apiGroups: [''], resources: ['pods'] }] });
    expect(() => role.addRule({ verbs: [Verb.ALL], apiGroups: [''], resources: ['pods'] })).toThrow(/'rules\[1\]\.verbs'/);
  });
});

describe('RoleBinding and ClusterRoleBinding', () => {
  test('a RoleBinding grants a ClusterRole in one namespace', () => {
    const chart = testChart('demo');
    new RoleBinding(chart, 'devs-view', { role: RoleReference.clusterRole('view'), subjects: [Subject.group('devs')] });
    const b = find(Testing.synth(chart), 'RoleBinding', 'devs-view');
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' });
    expect(b.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'devs' }]);
  });

  test('a RoleBinding binds Users, Groups and ServiceAccounts to a Role, and addSubjects appends', () => {
    const chart = testChart('demo');
    const role = new Role(chart, 'pod-reader', { rules: [{ verbs: [...READ_VERBS], apiGroups: [''], resources: ['pods'] }] });
    const b = new RoleBinding(chart, 'read-pods', { role, subjects: [Subject.user('jane')] });
    b.addSubjects(Subject.group('ops'), Subject.serviceAccount('monitor', 'tools'));
    const out = Testing.synth(chart);
    const rb = find(out, 'RoleBinding', 'read-pods');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' });
    expect(rb.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ops' },
      { kind: 'ServiceAccount', name: 'monitor', namespace: 'tools' },
    ]);
  });

  test('a ClusterRoleBinding grants a ClusterRole cluster-wide', () => {
    const chart = testChart('demo');
    const cr = new ClusterRole(chart, 'node-reader', { rules: [{ verbs: [...READ_VERBS], apiGroups: [''], resources: ['nodes'] }] });
    new ClusterRoleBinding(chart, 'ops-node-reader', { role: cr, subjects: [Subject.group('ops')] });
    const b = find(synthAll(chart), 'ClusterRoleBinding', 'ops-node-reader');
    expect(b.metadata.namespace).toBeUndefined();
    expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-reader' });
  });

  test('a binding without subjects throws', () => {
    expect(() => new RoleBinding(testChart(), 'b', { role: RoleReference.role('r'), subjects: [] })).toThrow("test/b: 'subjects' must contain at least one subject");
    expect(() => new ClusterRoleBinding(testChart(), 'b', { role: RoleReference.clusterRole('view'), subjects: [] })).toThrow("test/b: 'subjects' must contain at least one subject");
  });

  test('a ClusterRoleBinding to a Role throws', () => {
    const role = RoleReference.role('pod-reader') as unknown as IClusterRoleReference;
    expect(() => new ClusterRoleBinding(testChart(), 'b', { role, subjects: [Subject.user('a')] })).toThrow(/'role' must be a ClusterRole, got Role "pod-reader"/);
  });

  test("a RoleBinding to a Role of another namespace throws", () => {
    const chart = testChart('demo');
    const role = new Role(chart, 'pod-reader', { namespace: 'prod', rules: [{ verbs: [Verb.GET], apiGroups: [''], resources: ['pods'] }] });
    expect(() => new RoleBinding(chart, 'b', { role, subjects: [Subject.user('a')] }))
      .toThrow(`test/b: 'role' must be a Role of the binding's namespace "demo" (or a ClusterRole), got Role "pod-reader" of namespace "prod"`);
  });

  test('a ServiceAccount subject without a namespace throws', () => {
    const chart = new Chart(Testing.app(), 'test');
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'api' } });
    expect(() => new RoleBinding(chart, 'b', { role: RoleReference.clusterRole('view'), subjects: [Subject.fromServiceAccount(sa)] }))
      .toThrow(`test/b: 'subjects[0]' must have a namespace (give one, or put it in a chart with a namespace), got ServiceAccount "api" without one`);
  });

  test('an empty user name throws', () => {
    expect(() => new RoleBinding(testChart(), 'b', { role: RoleReference.clusterRole('view'), subjects: [Subject.user('')] }))
      .toThrow("test/b: 'subjects[0]' must name every subject");
  });
});

describe('defaults snapshot', () => {
  test('Role, RoleBinding, ClusterRole and ClusterRoleBinding', () => {
    const chart = testChart('demo');
    Rbac.readOnly(chart, 'read-deployments', { resources: ['deployments'], apiGroups: [ApiGroup.APPS], users: ['sky'] });
    const cr = new ClusterRole(chart, 'node-reader', { rules: [{ verbs: [...READ_VERBS], apiGroups: [ApiGroup.CORE], resources: ['nodes'] }] });
    new ClusterRoleBinding(chart, 'ops-node-reader', { role: cr, subjects: [Subject.group('ops')] });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });
});
