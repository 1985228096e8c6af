/**
 * Random props for each construct (fast-check arbitraries), mixing valid values, values Kubernetes refuses and
 * values of the wrong JavaScript type, and a runner that builds each case in its own app and classifies it:
 * - `refused`: a clear error of the library's form (`<path>: '<prop>' must ..., got <value>`), at construction or synth;
 * - `accepted`: the manifests, for the strict schema check (`npm run test:property`) and a server-side dry-run
 *   on the real-cluster suite's API server (e2e/test/07-property-dry-run.test.mjs);
 * - `crashed`: anything else (a TypeError from inside a dependency, a message of another form): always a bug.
 *
 * Used by test/property/property.test.ts (npm test: few runs, the error form) and test/property/emit.ts (many
 * runs, the outputs written for the schema check).
 */
import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { BundleSecret, ConfigBundle } from '../../lib/config/config-bundle';
import { SecretSource } from '../../lib/config/secret-source';
import { AppIngress } from '../../lib/network/ingress';
import { NetworkPeer, NetworkPolicy, NetworkPort, PolicyType } from '../../lib/network/network-policy';
import { AppService } from '../../lib/network/service';
import { Namespace, PodSecurityLevel } from '../../lib/security/namespace';
import { SeccompProfile } from '../../lib/security/pod-security';
import { ApiGroup, ClusterRole, Role, RoleBinding, RoleReference, Subject, Verb } from '../../lib/security/rbac';
import { WorkloadIdentity } from '../../lib/security/service-account';
import { PersistentVolume, PersistentVolumeClaim, PersistentVolumeSource, StorageClass, VolumeBindingMode } from '../../lib/storage/storage';
import { DisruptionBudget, UnhealthyPodEvictionPolicy } from '../../lib/workload/disruption-budget';
import { AppPod } from '../../lib/workload/pods';
import { WebApp } from '../../lib/workload/web-app';
import { BlueGreenDeployment } from '../../lib/workload/blue-green';
import { StatefulDatabase } from '../../lib/workload/stateful-database';

/** A JSON manifest. */
export type Manifest = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The environment variable every generated secret source reads (set by the runner, never a real secret). */
export const PROPERTY_SECRET_ENV = 'KUBECRAFT_PROPERTY_SECRET';

// ---- value arbitraries: valid, refused by Kubernetes, and of the wrong JavaScript type ----

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,10}[a-z0-9])?$/);
const junk = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.integer(), fc.double(), fc.boolean(), fc.string({ maxLength: 12 }),
  fc.constant(''), fc.constant(NaN), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }), fc.constant({}),
);
/** Mostly valid, sometimes anything. */
const maybe = <T>(valid: fc.Arbitrary<T>, weight = 6): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: valid, weight }, { arbitrary: junk, weight: 1 });
const name = maybe(fc.oneof(
  { arbitrary: dnsLabel, weight: 8 },
  { arbitrary: fc.constant('a'.repeat(64)), weight: 1 },
  { arbitrary: fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}$/), weight: 1 },
  { arbitrary: fc.constantFrom('Api', 'web_1', '-x', '10.0.0.1', 'a b'), weight: 1 },
));
const labelKey = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z]([-a-z0-9.]{0,8}[a-z0-9])?$/), weight: 6 },
  { arbitrary: fc.stringMatching(/^[a-z]{1,6}\.example\.com\/[a-z]{1,8}$/), weight: 2 },
  { arbitrary: fc.constantFrom('bad key', '/x', 'a/b/c', 'x'.repeat(64), 'Example.com/x', '-a'), weight: 1 },
);
const labelValue = fc.oneof(
  { arbitrary: fc.stringMatching(/^([a-zA-Z0-9]([-a-zA-Z0-9_.]{0,10}[a-zA-Z0-9])?)?$/), weight: 6 },
  { arbitrary: fc.constantFrom('a b', 'x'.repeat(64), '-a', 'é'), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
);
const labels = maybe(fc.dictionary(labelKey, labelValue, { maxKeys: 3 }));
const annotations = maybe(fc.dictionary(fc.oneof(labelKey, fc.constant('Mixed.Case/Key')), fc.oneof(fc.string({ maxLength: 20 }), fc.integer()), { maxKeys: 3 }));
const port = maybe(fc.oneof({ arbitrary: fc.integer({ min: 1, max: 65535 }), weight: 6 }, { arbitrary: fc.constantFrom(0, -1, 70000, 80.5, 2 ** 31), weight: 1 }));
const count = maybe(fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20 }), weight: 6 }, { arbitrary: fc.constantFrom(-1, 1.5, 2 ** 31, 2 ** 40), weight: 1 }));
const quantity = maybe(fc.oneof(
  { arbitrary: fc.constantFrom('1Gi', '500Mi', '1536Ki', '1e3', '0.5Gi', '10G', '2Ti', '100'), weight: 6 },
  { arbitrary: fc.constantFrom('-1Gi', 'NaN', 'ten gigs', '1KB', '0', '1 Gi', '1e3Mi'), weight: 2 },
));
const size = maybe(fc.oneof(
  { arbitrary: fc.constantFrom(Size.mebibytes(512), Size.kibibytes(1536), Size.gibibytes(1), Size.gibibytes(20), Size.mebibytes(1.5)), weight: 6 },
  { arbitrary: fc.constantFrom(Size.gibibytes(NaN), Size.mebibytes(0)), weight: 1 },
  { arbitrary: fc.constantFrom('8Gi', 'ten gigs'), weight: 1 },
));
const cpu = maybe(fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 4000 }).map((m) => kplus.Cpu.millis(m)), weight: 6 },
  { arbitrary: fc.constantFrom(kplus.Cpu.millis(-100), kplus.Cpu.units(NaN), kplus.Cpu.units(0.5)), weight: 1 },
  { arbitrary: fc.constantFrom('2', { amount: '1e3' }), weight: 1 },
));
const bool = maybe(fc.boolean());
const image = maybe(fc.oneof({ arbitrary: fc.constantFrom('nginx:1.27.3', 'ghcr.io/acme/api:1.4.2', 'busybox:1.36.1'), weight: 6 }, { arbitrary: fc.constantFrom('nginx', 'nginx:latest', 'Bad Image'), weight: 1 }));
const enumOf = <T>(values: readonly T[]): fc.Arbitrary<unknown> => maybe(fc.oneof({ arbitrary: fc.constantFrom(...values), weight: 6 }, { arbitrary: fc.constantFrom('Unknown', 'filesystem'), weight: 1 }));
const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });
const cidr = fc.oneof(
  fc.constantFrom('10.0.0.0/8', '192.168.0.0/16', '0.0.0.0/0', '::/0', '2001:db8::/32', '10.1.0.0/16'),
  fc.constantFrom('10.0.0.300/8', '10.0.0.0/33', 'x', '10.0.0.0'),
);
const stringList = maybe(fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), fc.string({ maxLength: 10 })));

/** A record without the keys whose value is undefined (props as a caller writes them). */
function props(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(Object.entries(shape).map(([k, a]) => [k, opt(a)])), { noNullPrototype: true })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
}

// ---- one case per construct ----

/** A construct's random case: its props and how to build it in a chart. */
export interface ConstructCase {
  readonly construct: string;
  readonly props: unknown;
  build(chart: Chart): void;
}

type Build = (chart: Chart, p: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

const service = (chart: Construct): AppService => new AppService(chart, 'Svc', { name: 'web', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });

const peer = fc.oneof(
  labels.map((l) => NetworkPeer.pods(l as Record<string, string>)),
  labels.map((l) => NetworkPeer.namespaces(l as Record<string, string>)),
  fc.tuple(cidr, fc.array(cidr, { maxLength: 2 })).map(([c, e]) => NetworkPeer.ipBlock(c, e)),
  fc.constant(NetworkPeer.anywhere()),
  fc.constant(NetworkPeer.allNamespaces()),
  junk,
);
const netPort = fc.oneof(
  port.map((p) => NetworkPort.tcp(p as number)),
  fc.tuple(port, port).map(([a, b]) => NetworkPort.tcpRange(a as number, b as number)),
  fc.oneof(dnsLabel, fc.constantFrom('http', 'toolongportname12', 'HTTP')).map((n) => NetworkPort.named(n)),
  junk,
);
const rule = props({ peers: maybe(fc.array(peer, { minLength: 1, maxLength: 2 })), ports: maybe(fc.array(netPort, { maxLength: 2 })) });
const policyRule = props({
  verbs: maybe(fc.oneof(fc.subarray([Verb.GET, Verb.LIST, Verb.WATCH, Verb.CREATE, Verb.ALL], { minLength: 1 }), fc.constant(['read']))),
  apiGroups: maybe(fc.oneof(fc.constant([ApiGroup.CORE]), fc.constant([ApiGroup.APPS]), fc.constant(['*']), fc.constant(['Apps']))),
  resources: maybe(fc.oneof(fc.constant(['pods']), fc.constant(['deployments']), fc.constant(['pods', '*']), fc.constant(['Pods']))),
  resourceNames: stringList,
});

const CASES: Record<string, { arb: fc.Arbitrary<Record<string, unknown>>; build: Build }> = {
  Namespace: {
    arb: props({
      name, labels, annotations,
      podSecurity: maybe(props({ enforce: enumOf(Object.values(PodSecurityLevel)), warn: enumOf(Object.values(PodSecurityLevel)), version: maybe(fc.constantFrom('latest', 'v1.27', '1.27')) })),
      resourceQuota: maybe(props({ requestsCpu: cpu, limitsCpu: cpu, requestsMemory: size, limitsMemory: size, requestsStorage: size, pods: count, services: count, configMaps: count })),
      limitRange: maybe(props({ defaultRequest: maybe(props({ cpu, memory: size })), defaultLimit: maybe(props({ cpu, memory: size })), max: maybe(props({ cpu, memory: size })), maxClaimStorage: size })),
      defaultDeny: bool,
    }),
    build: (chart, p) => new Namespace(chart, 'Ns', p),
  },
  NetworkPolicy: {
    arb: props({ name, namespace: name, podSelector: labels, ingress: maybe(fc.array(rule, { maxLength: 2 })), egress: maybe(fc.array(rule, { maxLength: 2 })), policyTypes: maybe(fc.subarray([PolicyType.INGRESS, PolicyType.EGRESS])), labels }),
    build: (chart, p) => new NetworkPolicy(chart, 'Policy', { podSelector: {}, policyTypes: [PolicyType.INGRESS], ...p }),
  },
  AppIngress: {
    arb: props({
      name, className: name, annotations,
      host: maybe(fc.oneof(fc.constantFrom('shop.example.com', '*.example.com', '10.0.0.1', '::1', 'Shop.Example.com', 'a_b.example.com'), dnsLabel)),
      paths: maybe(fc.array(props({ path: maybe(fc.constantFrom('/', '/api', '/a//b', 'api', '/x/..')), pathType: enumOf(['Prefix', 'Exact', 'ImplementationSpecific']), portName: maybe(fc.constantFrom('http', 'grpc')) }), { minLength: 1, maxLength: 2 })),
    }),
    build: (chart, p) => new AppIngress(chart, 'Ingress', { service: service(chart), ...p }),
  },
  StorageClass: {
    arb: props({ name, provisioner: maybe(fc.constantFrom('ebs.csi.aws.com', 'rancher.io/local-path', 'bad provisioner')), parameters: maybe(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 2 })), reclaimPolicy: enumOf(['Retain', 'Delete']), volumeBindingMode: enumOf(Object.values(VolumeBindingMode)), allowVolumeExpansion: bool, mountOptions: stringList, isDefault: bool, labels }),
    build: (chart, p) => new StorageClass(chart, 'Class', { provisioner: 'ebs.csi.aws.com', ...p }),
  },
  PersistentVolume: {
    arb: props({ name, size: fc.oneof(quantity, size), accessModes: maybe(fc.subarray(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'])), reclaimPolicy: enumOf(['Retain', 'Delete']), volumeMode: enumOf(['Filesystem', 'Block']), mountOptions: stringList, labels, storageClass: maybe(fc.constantFrom('', 'fast', 'Bad Class')) }),
    build: (chart, p) => new PersistentVolume(chart, 'Volume', { size: '1Gi', source: PersistentVolumeSource.hostPath('/data'), ...p }),
  },
  PersistentVolumeClaim: {
    arb: props({ name, size: fc.oneof(quantity, size), accessModes: maybe(fc.subarray(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'])), volumeMode: enumOf(['Filesystem', 'Block']), selector: labels, labels, storageClass: maybe(fc.constantFrom('', 'fast', 'Bad Class')) }),
    build: (chart, p) => new PersistentVolumeClaim(chart, 'Claim', { size: '1Gi', ...p }),
  },
  ConfigBundle: {
    arb: props({ name, configMapName: name, secretName: name, data: maybe(fc.oneof(fc.dictionary(fc.oneof(dnsLabel, fc.constantFrom('a.b', 'bad key', '..')), fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxKeys: 3 }), fc.string({ maxLength: 8 }))), immutable: bool, secret: maybe(fc.constant(BundleSecret.opaque({ TOKEN: SecretSource.fromEnv(PROPERTY_SECRET_ENV) }))) }),
    build: (chart, p) => new ConfigBundle(chart, 'Bundle', { name: 'cfg', data: { a: '1' }, ...p }),
  },
  Role: {
    arb: props({ name, namespace: name, rules: maybe(fc.array(policyRule, { maxLength: 2 })), allowWildcards: bool, labels }),
    build: (chart, p) => new Role(chart, 'Role', p),
  },
  ClusterRole: {
    arb: props({ name, rules: maybe(fc.array(policyRule, { maxLength: 2 })), allowWildcards: bool, labels }),
    build: (chart, p) => new ClusterRole(chart, 'ClusterRole', p),
  },
  RoleBinding: {
    arb: props({ name, labels, subjects: maybe(fc.array(fc.oneof(name.map((n) => Subject.user(n as string)), name.map((n) => Subject.serviceAccount(n as string, 'demo')), junk), { maxLength: 2 })), role: maybe(fc.constantFrom(RoleReference.clusterRole('view'), RoleReference.clusterRole('system:auth-delegator'), RoleReference.role('x/y'))) }),
    build: (chart, p) => new RoleBinding(chart, 'Binding', { role: RoleReference.clusterRole('view'), subjects: [Subject.user('sky')], ...p }),
  },
  WorkloadIdentity: {
    arb: props({ name, namespace: name, automountToken: bool, identity: maybe(props({ name, instance: name, component: name })) }),
    build: (chart, p) => new WorkloadIdentity(chart, 'Identity', { name: 'api', ...p }),
  },
  DisruptionBudget: {
    arb: props({ name, selector: labels, replicas: count, minAvailable: maybe(fc.oneof(count, fc.constantFrom('50%', '100%', '150%', 'half'))), maxUnavailable: maybe(fc.oneof(count, fc.constantFrom('25%', '0%'))), unhealthyPodEvictionPolicy: enumOf(Object.values(UnhealthyPodEvictionPolicy)) }),
    build: (chart, p) => new DisruptionBudget(chart, 'Budget', { selector: { app: 'web' }, ...p }),
  },
  WebApp: {
    arb: props({
      name, image, replicas: count,
      ports: maybe(fc.array(props({ name: fc.oneof(dnsLabel, fc.constant('toolongportname12')), port }), { minLength: 1, maxLength: 2 })),
      command: stringList, env: maybe(fc.dictionary(fc.stringMatching(/^[A-Z_]{1,6}$/), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxKeys: 2 })),
      resources: maybe(props({ cpuRequest: cpu, cpuLimit: cpu, memoryRequest: size, memoryLimit: size })),
      readiness: maybe(fc.oneof(port.map((p) => kplus.Probe.fromTcpSocket({ port: p as number })), fc.constant(false))),
      podSecurity: maybe(props({ runAsNonRoot: bool, runAsUser: count, seccompProfile: enumOf(Object.values(SeccompProfile)), allowRunAsRoot: bool, allowUnconfinedSeccomp: bool })),
      securityContext: maybe(props({ allowPrivilegeEscalation: bool, allowEscalation: bool, addCapabilities: maybe(fc.subarray(['NET_BIND_SERVICE', 'NET_ADMIN', 'CAP_SYS_ADMIN'])), allowExtraCapabilities: bool, readOnlyRootFilesystem: bool })),
      podAnnotations: annotations, labels,
    }),
    build: (chart, p) => new WebApp(chart, 'App', { name: 'web', image: 'nginx:1.27.3', ...p }),
  },
  AppPod: {
    arb: props({ name, image, labels, annotations, restartPolicy: enumOf(['Always', 'OnFailure', 'Never']), command: stringList, podSecurity: maybe(props({ runAsNonRoot: bool, runAsUser: count, allowRunAsRoot: bool })) }),
    build: (chart, p) => new AppPod(chart, 'Pod', { name: 'task', image: 'busybox:1.36.1', ...p }),
  },
  BlueGreenDeployment: {
    arb: props({
      name, replicas: count, activeVersion: maybe(fc.constantFrom('blue', 'green', 'red')),
      versions: maybe(fc.array(props({ name: maybe(fc.constantFrom('blue', 'green', 'Blue', 'x'.repeat(60))), image, replicas: count }), { minLength: 1, maxLength: 2 })),
      ports: maybe(fc.array(props({ name: fc.oneof(dnsLabel, fc.constant('toolongportname12')), port }), { minLength: 1, maxLength: 2 })),
      podAnnotations: annotations,
    }),
    build: (chart, p) => new BlueGreenDeployment(chart, 'Web', { name: 'web', versions: [{ name: 'blue', image: 'nginx:1.27.3' }], activeVersion: 'blue', ...p }),
  },
  AppService: {
    arb: props({
      name, selector: labels, annotations, labels, type: enumOf(['ClusterIP', 'NodePort', 'LoadBalancer']),
      ports: maybe(fc.array(props({ name: fc.oneof(dnsLabel, fc.constant('toolongportname12')), port, targetPort: maybe(fc.oneof(port, dnsLabel)), nodePort: maybe(fc.integer({ min: 29990, max: 32800 })), protocol: enumOf(['TCP', 'UDP', 'SCTP']) }), { maxLength: 2 })),
      loadBalancerSourceRanges: maybe(fc.array(cidr, { maxLength: 2 })),
    }),
    build: (chart, p) => new AppService(chart, 'Service', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }], ...p }),
  },
  StatefulDatabase: {
    arb: props({
      name, image, replicas: count,
      ports: maybe(fc.array(props({ name: fc.oneof(dnsLabel, fc.constant('toolongportname12')), port }), { minLength: 1, maxLength: 2 })),
      volumeClaimTemplates: maybe(fc.array(props({ name: fc.oneof(dnsLabel, fc.constant('Data')), size: fc.oneof(quantity, size), mountPath: maybe(fc.constantFrom('/data', 'data')) }), { maxLength: 2 })),
    }),
    build: (chart, p) => new StatefulDatabase(chart, 'Db', { name: 'db', image: 'postgres:16.4', ports: [{ name: 'pg', port: 5432 }], ...p }),
  },
};

/** The constructs with random props. */
export const CONSTRUCTS = Object.keys(CASES);

/** The arbitrary of one construct's cases. */
export function caseOf(construct: string): fc.Arbitrary<ConstructCase> {
  const c = CASES[construct];
  return c.arb.map((p) => ({ construct, props: p, build: (chart: Chart) => c.build(chart, p) }));
}

// ---- the runner ----

/** What became of one case. */
export type Outcome =
  | { readonly kind: 'accepted'; readonly manifests: Manifest[] }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'crashed'; readonly error: string };

/** One line of the library's error form: `<construct path>: '<prop>' <lowercase message>`. */
const LINE = /^[^\s:][^:]*: '.+?' [a-z(].*$/s;
/** cdk8s's wrapper of a construct validation, whose lines are the library's form. */
const WRAPPED = /^Validation failed with the following errors:\n/;

/** Whether an error is of the library's form (every line, also for multi-problem app-wide checks). */
export function isLibraryError(e: unknown): e is Error {
  if (!(e instanceof Error) || e.constructor !== Error) return false;
  const body = WRAPPED.test(e.message) ? e.message.replace(WRAPPED, '').split('\n').map((l) => l.replace(/^ {2}\[[^\]]*\] /, '')) : e.message.split('\n');
  return body.length > 0 && body.every((l) => LINE.test(l));
}

/** Builds one case in its own app (chart `prop` in namespace `namespace`) and synthesizes it. */
export function runCase(c: ConstructCase, namespace = 'demo'): Outcome {
  process.env[PROPERTY_SECRET_ENV] ??= Buffer.from('property-test').toString('hex');
  try {
    const chart = new Chart(Testing.app(), 'prop', { namespace, disableResourceNameHashes: true });
    c.build(chart);
    return { kind: 'accepted', manifests: Testing.synth(chart) };
  } catch (e) {
    if (isLibraryError(e)) return { kind: 'refused', message: e.message };
    return { kind: 'crashed', error: e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e) };
  }
}
