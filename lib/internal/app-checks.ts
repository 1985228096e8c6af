/**
 * App-wide checks that run once per synth, over every API object of the app: what no single construct can see.
 *
 * `installAppChecks(scope)` adds one validation to the root of the construct tree (idempotent), so the checks run
 * on `KubecraftApp.synth()`, cdk8s `App.synth()`, `app.synthYaml()` and `Testing.synth(chart)` alike. Built in:
 * - no two objects share apiVersion group, kind, namespace and name (`kubectl apply` would keep only the last);
 * - every chart namespace and object namespace is a DNS-1123 label.
 * Areas add their own (`registerAppCheck`), e.g. the Namespace construct's admission checks.
 *
 * A failed check throws one Error listing every problem, each in the library's form
 * `<construct path>: '<prop>' must ..., got <value>`.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { show } from './validate';

/** One API object of the app, as the checks see it (rendering is memoized: `json()` renders once per check run). */
export interface AppObject {
  /** The object. */
  readonly object: ApiObject;
  /** Its construct path (what error messages name). */
  readonly path: string;
  /** `apiVersion`. */
  readonly apiVersion: string;
  /** The API group (`apps`, `''` for the core group). */
  readonly group: string;
  /** `kind`. */
  readonly kind: string;
  /** `metadata.name`. */
  readonly name: string;
  /** The namespace the object lands in (undefined: cluster-scoped, or none given). */
  readonly namespace: string | undefined;
  /** Whether the kind is cluster-scoped (its namespace, if any, is ignored by the API server). */
  readonly clusterScoped: boolean;
  /** The rendered manifest (`ApiObject.toJson()`), memoized. */
  json(): Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A check over every object of the app; returns its problems (empty: none). */
export type AppCheck = (objects: readonly AppObject[]) => string[];

/** Kinds the API server keeps outside any namespace (the built-in ones). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'IngressClass', 'PriorityClass', 'RuntimeClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'APIService',
  'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration', 'ClusterTrustBundle', 'IPAddress', 'ServiceCIDR',
  'DeviceClass', 'ResourceSlice', 'ComponentStatus',
]);

/** Whether a kind of the built-in API is cluster-scoped. */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

interface Registry {
  readonly checks: Map<string, AppCheck>;
}

const REGISTRY = Symbol.for('kubecraft.appChecks');

/** Installs the app-wide checks on the root of `scope`'s tree (once per app). */
export function installAppChecks(scope: IConstruct): void {
  registry(scope);
}

/** Adds a named app-wide check (once per name per app) and installs the checks. */
export function registerAppCheck(scope: IConstruct, name: string, check: AppCheck): void {
  const r = registry(scope);
  if (!r.checks.has(name)) r.checks.set(name, check);
}

function registry(scope: IConstruct): Registry {
  const root = scope.node.root as unknown as Record<symbol, Registry | undefined> & IConstruct;
  let r = root[REGISTRY];
  if (!r) {
    const created: Registry = { checks: new Map([['objects', checkObjects]]) };
    r = created;
    root[REGISTRY] = created;
    root.node.addValidation({ validate: () => run(root, created) });
  }
  return r;
}

function run(root: IConstruct, r: Registry): string[] {
  const objects = appObjects(root);
  const problems: string[] = [];
  for (const check of r.checks.values()) problems.push(...check(objects));
  // thrown rather than returned: the message is the library's own, not prefixed by cdk8s ("[path] ...")
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return [];
}

/** Every API object under `root`. */
export function appObjects(root: IConstruct): AppObject[] {
  const out: AppObject[] = [];
  for (const c of root.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const obj = c;
    const slash = obj.apiVersion.indexOf('/');
    const clusterScoped = isClusterScoped(obj.kind);
    let rendered: Record<string, unknown> | undefined;
    out.push({
      object: obj,
      path: obj.node.path,
      apiVersion: obj.apiVersion,
      group: slash >= 0 ? obj.apiVersion.slice(0, slash) : '',
      kind: obj.kind,
      name: obj.name,
      namespace: clusterScoped ? undefined : obj.metadata.namespace,
      clusterScoped,
      json: () => (rendered ??= obj.toJson() as Record<string, unknown>),
    });
  }
  return out;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const NAMESPACE_RULE = "must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most 63 characters)";

/** No duplicate object identity; every namespace a DNS label. */
function checkObjects(objects: readonly AppObject[]): string[] {
  const problems: string[] = [];
  const charts = new Set<Chart>();
  const seen = new Map<string, AppObject>();
  const badNamespaces = new Set<string>();
  for (const o of objects) {
    const chart = Chart.of(o.object);
    if (!charts.has(chart)) {
      charts.add(chart);
      const ns = chart.namespace;
      if (ns !== undefined && !(ns.length <= 63 && DNS_LABEL.test(ns))) {
        problems.push(`${chart.node.path || '<root>'}: 'namespace' ${NAMESPACE_RULE}, got ${show(ns)}`);
        badNamespaces.add(ns);
      }
    }
    const ns = o.namespace;
    if (ns !== undefined && !badNamespaces.has(ns) && !(typeof ns === 'string' && ns.length <= 63 && DNS_LABEL.test(ns))) {
      problems.push(`${o.path}: 'metadata.namespace' ${NAMESPACE_RULE}, got ${show(ns)}`);
      badNamespaces.add(ns);
    }
    const key = `${o.group}\0${o.kind}\0${ns ?? ''}\0${o.name}`;
    const first = seen.get(key);
    if (first) {
      const where = o.clusterScoped ? 'cluster-scoped' : ns === undefined ? 'without a namespace' : `in namespace ${show(ns)}`;
      problems.push(`${o.path}: 'metadata.name' must be unique per apiVersion group, kind and namespace (kubectl apply would keep only one of the two), got ${o.kind}${o.group ? `.${o.group}` : ''} ${show(o.name)} ${where}, also emitted by ${first.path}`);
    } else {
      seen.set(key, o);
    }
  }
  return problems;
}
