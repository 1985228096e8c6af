/**
 * A Namespace that is secure by default: Pod Security "restricted" enforced (and warned and audited), a
 * default-deny NetworkPolicy for ingress and egress plus DNS egress to the cluster DNS, and optional
 * ResourceQuota and LimitRange.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
 * @see https://kubernetes.io/docs/concepts/policy/limit-range/
 */
import { ApiObject, JsonPatch, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { LABEL, MANAGED_BY } from '../core/labels';
import { DnsEgressOptions, NAMESPACE_NAME_LABEL, NetworkPeer, NetworkPolicy, allowDnsEgress, denyAll } from '../network/network-policy';
import { installAdmissionChecks } from './admission';
import {
  checkAnnotations, checkBoolean, checkCpu, checkDnsLabel, checkDnsSubdomain, checkInt32, checkKnownKeys, checkLabels, checkRecord, checkSize, fail, show,
  sizeToQuantity,
} from '../internal/validate';
import { Quantity } from '../internal/quantity';

/**
 * Removes the chart namespace cdk8s puts on every object from a cluster-scoped one (Namespace, ClusterRole...).
 */
export function clusterScoped(obj: ApiObject): void {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/**
 * A Pod Security Standard level a namespace can enforce, warn about or audit.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export enum PodSecurityLevel {
  /** Blocks known privilege escalations (host namespaces, privileged, hostPath...). */
  BASELINE = 'baseline',
  /** Baseline plus non-root, no escalation, drop ALL, seccomp RuntimeDefault: what this library's pods meet. */
  RESTRICTED = 'restricted',
}

const STRICTNESS: Record<PodSecurityLevel, number> = { [PodSecurityLevel.BASELINE]: 1, [PodSecurityLevel.RESTRICTED]: 2 };

/** The Pod Security admission labels of a namespace. */
export interface PodSecurityLabelsOptions {
  /**
   * Pods violating this level are rejected.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly enforce?: PodSecurityLevel;
  /**
   * Violations of this level are returned as warnings to the client (must be at least as strict as `enforce`).
   * @default - the same as `enforce`
   */
  readonly warn?: PodSecurityLevel;
  /**
   * Violations of this level are recorded in the audit log (must be at least as strict as `enforce`).
   * @default - the same as `enforce`
   */
  readonly audit?: PodSecurityLevel;
  /**
   * Pin the policy version (`v1.27`, or `latest`) with the `-version` labels.
   * @default - no version labels: the cluster's own version
   */
  readonly version?: string;
}

/** Resolved Pod Security settings. */
export interface ResolvedPodSecurityLabels {
  /** The level enforced (violating pods are rejected). */
  readonly enforce: PodSecurityLevel;
  /** The level warned about. */
  readonly warn: PodSecurityLevel;
  /** The level audited. */
  readonly audit: PodSecurityLevel;
  /** The pinned policy version (undefined: the cluster's own). */
  readonly version?: string;
}

/** Hard limits of a ResourceQuota (each one optional, at least one required). */
export interface ResourceQuotaOptions {
  /**
   * `metadata.name`.
   * @default 'default-quota'
   */
  readonly name?: string;
  /**
   * Sum of CPU requests of the namespace's pods (`requests.cpu`).
   * @default - no limit
   */
  readonly requestsCpu?: kplus.Cpu;
  /**
   * Sum of CPU limits (`limits.cpu`).
   * @default - no limit
   */
  readonly limitsCpu?: kplus.Cpu;
  /**
   * Sum of memory requests (`requests.memory`).
   * @default - no limit
   */
  readonly requestsMemory?: Size;
  /**
   * Sum of memory limits (`limits.memory`).
   * @default - no limit
   */
  readonly limitsMemory?: Size;
  /**
   * Sum of storage requested by PersistentVolumeClaims (`requests.storage`).
   * @default - no limit
   */
  readonly requestsStorage?: Size;
  /**
   * Number of pods.
   * @default - no limit
   */
  readonly pods?: number;
  /**
   * Number of Services.
   * @default - no limit
   */
  readonly services?: number;
  /**
   * Number of LoadBalancer Services (`services.loadbalancers`).
   * @default - no limit
   */
  readonly servicesLoadBalancers?: number;
  /**
   * Number of NodePort Services (`services.nodeports`).
   * @default - no limit
   */
  readonly servicesNodePorts?: number;
  /**
   * Number of PersistentVolumeClaims.
   * @default - no limit
   */
  readonly persistentVolumeClaims?: number;
  /**
   * Number of ConfigMaps.
   * @default - no limit
   */
  readonly configMaps?: number;
  /**
   * Number of Secrets.
   * @default - no limit
   */
  readonly secrets?: number;
}

/** CPU and memory amounts of a LimitRange entry. */
export interface ComputeAmounts {
  /**
   * CPU.
   * @default - not set
   */
  readonly cpu?: kplus.Cpu;
  /**
   * Memory.
   * @default - not set
   */
  readonly memory?: Size;
}

/** A LimitRange for the containers (and optionally claims) of the namespace. At least one field is required. */
export interface LimitRangeOptions {
  /**
   * `metadata.name`.
   * @default 'default-limits'
   */
  readonly name?: string;
  /**
   * Requests given to containers that set none.
   * @default - none
   */
  readonly defaultRequest?: ComputeAmounts;
  /**
   * Limits given to containers that set none.
   * @default - none
   */
  readonly defaultLimit?: ComputeAmounts;
  /**
   * Smallest request a container may ask for.
   * @default - none
   */
  readonly min?: ComputeAmounts;
  /**
   * Largest limit a container may ask for.
   * @default - none
   */
  readonly max?: ComputeAmounts;
  /**
   * Largest PersistentVolumeClaim.
   * @default - none
   */
  readonly maxClaimStorage?: Size;
  /**
   * Smallest PersistentVolumeClaim.
   * @default - none
   */
  readonly minClaimStorage?: Size;
}

/** Props of a Namespace. */
export interface NamespaceProps {
  /** `metadata.name`: explicit, no hash (a DNS-1123 label). */
  readonly name: string;
  /**
   * Extra labels (merged over `app.kubernetes.io/managed-by: kubecraft`). `pod-security.kubernetes.io/*` labels are
   * refused: they come from `podSecurity`.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Pod Security admission levels.
   * @default - restricted for enforce, warn and audit, unversioned
   */
  readonly podSecurity?: PodSecurityLabelsOptions;
  /**
   * A ResourceQuota.
   * @default - none
   */
  readonly resourceQuota?: ResourceQuotaOptions;
  /**
   * A LimitRange.
   * @default - none
   */
  readonly limitRange?: LimitRangeOptions;
  /**
   * Emit the default-deny NetworkPolicy (`default-deny`: every pod, ingress and egress). Turning it off lets
   * every pod talk to and be reached from anything, whatever the wiring says.
   * @default true
   */
  readonly defaultDeny?: boolean;
  /**
   * The DNS egress policy (`allow-dns`: every pod to kube-system's kube-dns on 53/UDP and 53/TCP), or `false`
   * for none (with the default-deny on, pods then cannot resolve names).
   * @default - kube-system's `k8s-app: kube-dns` pods on port 53
   */
  readonly dns?: Omit<DnsEgressOptions, 'namespace'> | false;
}

const PSA = 'pod-security.kubernetes.io';

/** Resolves and validates Pod Security labels options. */
export function resolvePodSecurityLabels(scope: Construct, opts: PodSecurityLabelsOptions = {}): ResolvedPodSecurityLabels {
  checkRecord(scope, 'podSecurity', opts as unknown);
  const enforce = opts.enforce ?? PodSecurityLevel.RESTRICTED;
  const warn = opts.warn ?? enforce;
  const audit = opts.audit ?? enforce;
  const levels = Object.values(PodSecurityLevel) as string[];
  for (const [prop, v] of [['enforce', enforce], ['warn', warn], ['audit', audit]] as const) {
    if (!levels.includes(v)) fail(scope, `podSecurity.${prop}`, `must be ${levels.join(' or ')}, got ${show(v)}`);
  }
  for (const [prop, v] of [['warn', warn], ['audit', audit]] as const) {
    if (STRICTNESS[v] < STRICTNESS[enforce]) {
      fail(scope, `podSecurity.${prop}`, `must be at least as strict as enforce (${enforce}), got ${show(v)}`);
    }
  }
  if (opts.version !== undefined && (typeof opts.version !== 'string' || !/^(latest|v1\.(0|[1-9][0-9]*))$/.test(opts.version))) {
    fail(scope, 'podSecurity.version', `must be "latest" or a Kubernetes minor version such as "v1.27", got ${show(opts.version)}`);
  }
  return { enforce, warn, audit, version: opts.version };
}

/** The `pod-security.kubernetes.io/*` labels for resolved settings. */
export function podSecurityLabels(ps: ResolvedPodSecurityLabels): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    labels[`${PSA}/${mode}`] = ps[mode];
    if (ps.version !== undefined) labels[`${PSA}/${mode}-version`] = ps.version;
  }
  return labels;
}

/** A Size as an exact quantity in the largest binary unit that divides it: `10Gi`, `1536Mi`, `100Ki`. */
export function sizeQuantity(size: Size): string {
  return sizeToQuantity(size);
}

/** Everything a {@link Namespace} emits, validated, every default applied (creates nothing). */
export interface NamespacePlan {
  /** `metadata.name`. */
  readonly name: string;
  /** The Namespace's labels (managed-by, the given ones, the Pod Security ones). */
  readonly labels: Record<string, string>;
  /** The Namespace's annotations. */
  readonly annotations: Record<string, string> | undefined;
  /** The Pod Security levels. */
  readonly podSecurity: ResolvedPodSecurityLabels;
  /** The ResourceQuota (`spec.hard` quantities as strings), if any. */
  readonly resourceQuota: { readonly name: string; readonly hard: Record<string, string | number> } | undefined;
  /** The LimitRange's items, if any. */
  readonly limitRange: { readonly name: string; readonly limits: k8s.LimitRangeItem[] } | undefined;
  /** Whether the default-deny policy is emitted. */
  readonly defaultDeny: boolean;
  /** The DNS egress options (undefined: none). */
  readonly dns: Omit<DnsEgressOptions, 'namespace'> | undefined;
}

const NAMESPACE_KEYS: readonly (keyof NamespaceProps)[] = ['name', 'labels', 'annotations', 'podSecurity', 'resourceQuota', 'limitRange', 'defaultDeny', 'dns'];

/** Validates the props of a {@link Namespace} and resolves its plan. */
export function resolveNamespace(scope: Construct, props: NamespaceProps): NamespacePlan {
  checkRecord(scope, 'props', props as unknown);
  checkKnownKeys(scope, '', props, NAMESPACE_KEYS);
  checkDnsLabel(scope, 'name', props.name);
  const given = props.labels ?? {};
  checkLabels(scope, 'labels', given);
  for (const k of Object.keys(given)) {
    if (k.startsWith(`${PSA}/`)) fail(scope, 'labels', `must not set ${show(k)}: the Pod Security labels come from 'podSecurity', got ${show(k)}`);
    if (k === NAMESPACE_NAME_LABEL && given[k] !== props.name) {
      fail(scope, `labels[${show(k)}]`, `must equal the namespace name ${show(props.name)} (the API server sets it), got ${show(given[k])}`);
    }
  }
  if (props.annotations !== undefined) checkAnnotations(scope, 'annotations', props.annotations);
  const podSecurity = resolvePodSecurityLabels(scope, props.podSecurity);
  const defaultDeny = props.defaultDeny ?? true;
  checkBoolean(scope, 'defaultDeny', defaultDeny);
  if (props.dns !== undefined && props.dns !== false) checkRecord(scope, 'dns', props.dns as unknown);
  return {
    name: props.name,
    labels: { [LABEL.MANAGED_BY]: MANAGED_BY, ...given, ...podSecurityLabels(podSecurity) },
    annotations: props.annotations === undefined ? undefined : { ...props.annotations },
    podSecurity,
    resourceQuota: props.resourceQuota === undefined ? undefined : resolveQuota(scope, props.resourceQuota),
    limitRange: props.limitRange === undefined ? undefined : resolveLimitRange(scope, props.limitRange),
    defaultDeny,
    dns: props.dns === false ? undefined : props.dns ?? {},
  };
}

const QUOTA_COUNTS: [keyof ResourceQuotaOptions, string][] = [
  ['pods', 'pods'], ['services', 'services'], ['servicesLoadBalancers', 'services.loadbalancers'],
  ['servicesNodePorts', 'services.nodeports'], ['persistentVolumeClaims', 'persistentvolumeclaims'],
  ['configMaps', 'configmaps'], ['secrets', 'secrets'],
];
const QUOTA_AMOUNTS: [keyof ResourceQuotaOptions, string, 'cpu' | 'size'][] = [
  ['requestsCpu', 'requests.cpu', 'cpu'], ['limitsCpu', 'limits.cpu', 'cpu'], ['requestsMemory', 'requests.memory', 'size'],
  ['limitsMemory', 'limits.memory', 'size'], ['requestsStorage', 'requests.storage', 'size'],
];
const QUOTA_KEYS = ['name', ...QUOTA_AMOUNTS.map(([p]) => p), ...QUOTA_COUNTS.map(([p]) => p)];

function resolveQuota(scope: Construct, q: ResourceQuotaOptions): { name: string; hard: Record<string, string | number> } {
  checkRecord(scope, 'resourceQuota', q as unknown);
  checkKnownKeys(scope, 'resourceQuota', q, QUOTA_KEYS);
  const hard: Record<string, string | number> = {};
  const exact: Record<string, Quantity> = {};
  for (const [prop, key, kind] of QUOTA_AMOUNTS) {
    const v = q[prop];
    if (v === undefined) continue;
    exact[key] = kind === 'cpu' ? checkCpu(scope, `resourceQuota.${prop}`, v) : checkSize(scope, `resourceQuota.${prop}`, v);
    hard[key] = exact[key].text;
  }
  for (const [prop, key] of QUOTA_COUNTS) {
    const v = q[prop];
    if (v === undefined) continue;
    checkInt32(scope, `resourceQuota.${prop}`, v, { min: 0 });
    hard[key] = v;
  }
  if (Object.keys(hard).length === 0) fail(scope, 'resourceQuota', 'must set at least one limit (e.g. requestsCpu, limitsMemory, pods), got {}');
  for (const [res, limitProp, requestProp] of [['cpu', 'limitsCpu', 'requestsCpu'], ['memory', 'limitsMemory', 'requestsMemory']] as const) {
    const req = exact[`requests.${res}`];
    const lim = exact[`limits.${res}`];
    if (req && lim && lim.nanos < req.nanos) fail(scope, `resourceQuota.${limitProp}`, `must be >= ${requestProp} (${req.text}), got ${lim.text}`);
  }
  const name = q.name ?? 'default-quota';
  checkDnsSubdomain(scope, 'resourceQuota.name', name);
  return { name, hard };
}

const LIMIT_KEYS: readonly (keyof LimitRangeOptions)[] = ['name', 'defaultRequest', 'defaultLimit', 'min', 'max', 'maxClaimStorage', 'minClaimStorage'];

function resolveLimitRange(scope: Construct, l: LimitRangeOptions): { name: string; limits: k8s.LimitRangeItem[] } {
  checkRecord(scope, 'limitRange', l as unknown);
  checkKnownKeys(scope, 'limitRange', l, LIMIT_KEYS);
  // min <= defaultRequest <= defaultLimit <= max, for each resource given
  const order = ['min', 'defaultRequest', 'defaultLimit', 'max'] as const;
  const amounts: Record<string, Record<string, Quantity>> = {};
  for (const prop of order) {
    const c = l[prop];
    if (c === undefined) continue;
    checkRecord(scope, `limitRange.${prop}`, c as unknown);
    checkKnownKeys(scope, `limitRange.${prop}`, c, ['cpu', 'memory']);
    amounts[prop] = {};
    if (c.cpu !== undefined) amounts[prop].cpu = checkCpu(scope, `limitRange.${prop}.cpu`, c.cpu);
    if (c.memory !== undefined) amounts[prop].memory = checkSize(scope, `limitRange.${prop}.memory`, c.memory);
  }
  for (const res of ['cpu', 'memory'] as const) {
    const given = order.filter((p) => amounts[p]?.[res] !== undefined).map((p) => ({ prop: p, q: amounts[p][res] }));
    for (let i = 1; i < given.length; i++) {
      if (given[i].q.nanos < given[i - 1].q.nanos) {
        fail(scope, `limitRange.${given[i].prop}.${res}`, `must be >= ${given[i - 1].prop}.${res} (${given[i - 1].q.text}), got ${given[i].q.text}`);
      }
    }
  }
  const claimMin = l.minClaimStorage === undefined ? undefined : checkSize(scope, 'limitRange.minClaimStorage', l.minClaimStorage, { min: 'positive' });
  const claimMax = l.maxClaimStorage === undefined ? undefined : checkSize(scope, 'limitRange.maxClaimStorage', l.maxClaimStorage, { min: 'positive' });
  if (claimMin && claimMax && claimMax.nanos < claimMin.nanos) {
    fail(scope, 'limitRange.maxClaimStorage', `must be >= minClaimStorage (${claimMin.text}), got ${claimMax.text}`);
  }
  const quantities = (prop: (typeof order)[number]): Record<string, k8s.Quantity> | undefined => {
    const a = amounts[prop];
    if (!a || Object.keys(a).length === 0) return undefined;
    return Object.fromEntries(Object.entries(a).map(([k, q]) => [k, k8s.Quantity.fromString(q.text)]));
  };
  const limits: k8s.LimitRangeItem[] = [];
  const container: k8s.LimitRangeItem = {
    type: 'Container',
    defaultRequest: quantities('defaultRequest'),
    default: quantities('defaultLimit'),
    min: quantities('min'),
    max: quantities('max'),
  };
  if (container.defaultRequest || container.default || container.min || container.max) limits.push(container);
  if (claimMin || claimMax) {
    limits.push({
      type: 'PersistentVolumeClaim',
      min: claimMin ? { storage: k8s.Quantity.fromString(claimMin.text) } : undefined,
      max: claimMax ? { storage: k8s.Quantity.fromString(claimMax.text) } : undefined,
    });
  }
  if (limits.length === 0) fail(scope, 'limitRange', 'must set at least one of defaultRequest, defaultLimit, min, max, minClaimStorage, maxClaimStorage, got {}');
  const name = l.name ?? 'default-limits';
  checkDnsSubdomain(scope, 'limitRange.name', name);
  return { name, limits };
}

/**
 * A Namespace with Pod Security labels, a default-deny NetworkPolicy, DNS egress, and optional quota and limits.
 * At synth, every pod, container and claim of the app in this namespace is checked against its Pod Security
 * enforce level, its LimitRange and its ResourceQuota (see `admission.ts`).
 *
 * @example
 * new Namespace(chart, 'demo', { name: 'demo' });
 */
export class Namespace extends Construct {
  /** `metadata.name`. */
  public readonly name: string;
  /** The resolved Pod Security levels. */
  public readonly podSecurity: ResolvedPodSecurityLabels;
  /** The Namespace object (cdk8s-plus). */
  public readonly namespace: kplus.Namespace;
  /** The default-deny policy (undefined when `defaultDeny: false`). */
  public readonly defaultDeny?: NetworkPolicy;
  /** The DNS egress policy (undefined when `dns: false`). */
  public readonly dnsEgress?: NetworkPolicy;
  /** The ResourceQuota, when requested. */
  public readonly resourceQuota?: k8s.KubeResourceQuota;
  /** The LimitRange, when requested. */
  public readonly limitRange?: k8s.KubeLimitRange;

  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    installAdmissionChecks(this);
    const plan = resolveNamespace(this, props);
    this.name = plan.name;
    this.podSecurity = plan.podSecurity;

    this.namespace = new kplus.Namespace(this, 'Namespace', {
      metadata: { name: plan.name, labels: plan.labels, annotations: plan.annotations },
    });
    clusterScoped(ApiObject.of(this.namespace));

    if (plan.defaultDeny) {
      this.defaultDeny = denyAll(this, 'DefaultDeny', { namespace: plan.name });
      this.inNamespace(this.defaultDeny);
    }
    if (plan.dns) {
      this.dnsEgress = allowDnsEgress(this, 'DnsEgress', { ...plan.dns, namespace: plan.name });
      this.inNamespace(this.dnsEgress);
    }
    const meta = (name: string) => ({ name, namespace: plan.name, labels: { [LABEL.MANAGED_BY]: MANAGED_BY } });
    if (plan.resourceQuota) {
      const hard = Object.fromEntries(Object.entries(plan.resourceQuota.hard).map(([k, v]) => [k, typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(v)]));
      this.resourceQuota = new k8s.KubeResourceQuota(this, 'ResourceQuota', { metadata: meta(plan.resourceQuota.name), spec: { hard } });
      this.inNamespace(this.resourceQuota);
    }
    if (plan.limitRange) {
      this.limitRange = new k8s.KubeLimitRange(this, 'LimitRange', { metadata: meta(plan.limitRange.name), spec: { limits: plan.limitRange.limits } });
      this.inNamespace(this.limitRange);
    }
  }

  /** A NetworkPolicy peer selecting every pod of this namespace. */
  public peer(): NetworkPeer {
    return NetworkPeer.namespaceNamed(this.name);
  }

  /** Makes `child` apply after the Namespace object. */
  private inNamespace(child: Construct): void {
    child.node.addDependency(this.namespace);
  }
}
