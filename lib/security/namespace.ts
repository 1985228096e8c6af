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
import { DnsEgressOptions, NetworkPeer, NetworkPolicy, allowDnsEgress, denyAll } from '../network/network-policy';
import { installAdmissionChecks } from './admission';
import { checkDnsLabel, checkDnsSubdomain, checkInt, cpuCores, fail, show } from '../internal/validate';

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
   * Extra labels (merged over `app.kubernetes.io/managed-by: kubecraft`; the Pod Security labels win).
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
  const levels = Object.values(PodSecurityLevel) as string[];
  const enforce = opts.enforce ?? PodSecurityLevel.RESTRICTED;
  const warn = opts.warn ?? enforce;
  const audit = opts.audit ?? enforce;
  for (const [prop, v] of [['enforce', enforce], ['warn', warn], ['audit', audit]] as const) {
    if (!levels.includes(v)) fail(scope, `podSecurity.${prop}`, `must be ${levels.join(' or ')}, got ${show(v)}`);
  }
  for (const [prop, v] of [['warn', warn], ['audit', audit]] as const) {
    if (STRICTNESS[v] < STRICTNESS[enforce]) {
      fail(scope, `podSecurity.${prop}`, `must be at least as strict as enforce (${enforce}), got ${show(v)}`);
    }
  }
  if (opts.version !== undefined && !/^(latest|v1\.(0|[1-9][0-9]*))$/.test(opts.version)) {
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

/** A Size as a quantity in the largest exact binary unit: `10Gi`, `512Mi`, `100Ki`. */
export function sizeQuantity(size: Size): string {
  const ki = size.toKibibytes();
  for (const [unit, factor] of [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024]] as const) {
    if (ki % factor === 0) return `${ki / factor}${unit}`;
  }
  return `${ki}Ki`;
}

function computeQuantities(c: ComputeAmounts | undefined): Record<string, k8s.Quantity> | undefined {
  if (!c) return undefined;
  const out: Record<string, k8s.Quantity> = {};
  if (c.cpu) out.cpu = k8s.Quantity.fromString(c.cpu.amount);
  if (c.memory) out.memory = k8s.Quantity.fromString(sizeQuantity(c.memory));
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A Namespace with Pod Security labels, a default-deny NetworkPolicy, DNS egress, and optional quota and limits.
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
    this.name = props.name;
    checkDnsLabel(this, 'name', this.name);
    this.podSecurity = resolvePodSecurityLabels(this, props.podSecurity);

    this.namespace = new kplus.Namespace(this, 'Namespace', {
      metadata: {
        name: this.name,
        labels: { [LABEL.MANAGED_BY]: MANAGED_BY, ...(props.labels ?? {}), ...podSecurityLabels(this.podSecurity) },
        annotations: props.annotations,
      },
    });
    clusterScoped(ApiObject.of(this.namespace));

    if (props.defaultDeny ?? true) {
      this.defaultDeny = denyAll(this, 'DefaultDeny', { namespace: this.name });
      this.inNamespace(this.defaultDeny);
    }
    if (props.dns !== false) {
      this.dnsEgress = allowDnsEgress(this, 'DnsEgress', { ...(props.dns ?? {}), namespace: this.name });
      this.inNamespace(this.dnsEgress);
    }
    if (props.resourceQuota) {
      this.resourceQuota = this.renderQuota(props.resourceQuota);
      this.inNamespace(this.resourceQuota);
    }
    if (props.limitRange) {
      this.limitRange = this.renderLimitRange(props.limitRange);
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

  private renderQuota(q: ResourceQuotaOptions): k8s.KubeResourceQuota {
    const hard: Record<string, k8s.Quantity> = {};
    const counts: [keyof ResourceQuotaOptions, string][] = [
      ['pods', 'pods'], ['services', 'services'], ['servicesLoadBalancers', 'services.loadbalancers'],
      ['servicesNodePorts', 'services.nodeports'], ['persistentVolumeClaims', 'persistentvolumeclaims'],
      ['configMaps', 'configmaps'], ['secrets', 'secrets'],
    ];
    if (q.requestsCpu) hard['requests.cpu'] = k8s.Quantity.fromString(q.requestsCpu.amount);
    if (q.limitsCpu) hard['limits.cpu'] = k8s.Quantity.fromString(q.limitsCpu.amount);
    if (q.requestsMemory) hard['requests.memory'] = k8s.Quantity.fromString(sizeQuantity(q.requestsMemory));
    if (q.limitsMemory) hard['limits.memory'] = k8s.Quantity.fromString(sizeQuantity(q.limitsMemory));
    if (q.requestsStorage) hard['requests.storage'] = k8s.Quantity.fromString(sizeQuantity(q.requestsStorage));
    for (const [prop, key] of counts) {
      const v = q[prop];
      if (v === undefined) continue;
      checkInt(this, `resourceQuota.${prop}`, v as number, { min: 0 });
      hard[key] = k8s.Quantity.fromNumber(v as number);
    }
    if (Object.keys(hard).length === 0) fail(this, 'resourceQuota', 'must set at least one limit (e.g. requestsCpu, limitsMemory, pods), got {}');
    if (q.requestsCpu && q.limitsCpu && cpuCores(q.limitsCpu) < cpuCores(q.requestsCpu)) {
      fail(this, 'resourceQuota.limitsCpu', `must be >= requestsCpu (${q.requestsCpu.amount}), got ${q.limitsCpu.amount}`);
    }
    if (q.requestsMemory && q.limitsMemory && q.limitsMemory.toKibibytes() < q.requestsMemory.toKibibytes()) {
      fail(this, 'resourceQuota.limitsMemory', `must be >= requestsMemory (${sizeQuantity(q.requestsMemory)}), got ${sizeQuantity(q.limitsMemory)}`);
    }
    const name = q.name ?? 'default-quota';
    checkDnsSubdomain(this, 'resourceQuota.name', name);
    return new k8s.KubeResourceQuota(this, 'ResourceQuota', {
      metadata: { name, namespace: this.name, labels: { [LABEL.MANAGED_BY]: MANAGED_BY } },
      spec: { hard },
    });
  }

  private renderLimitRange(l: LimitRangeOptions): k8s.KubeLimitRange {
    // min <= defaultRequest <= defaultLimit <= max, for each resource given
    const order: [string, ComputeAmounts | undefined][] = [['min', l.min], ['defaultRequest', l.defaultRequest], ['defaultLimit', l.defaultLimit], ['max', l.max]];
    for (const res of ['cpu', 'memory'] as const) {
      const given = order
        .filter(([, c]) => c?.[res] !== undefined)
        .map(([prop, c]) => ({ prop, value: res === 'cpu' ? cpuCores(c!.cpu!) : c!.memory!.toKibibytes(), text: res === 'cpu' ? c!.cpu!.amount : sizeQuantity(c!.memory!) }));
      for (let i = 1; i < given.length; i++) {
        if (given[i].value < given[i - 1].value) {
          fail(this, `limitRange.${given[i].prop}.${res}`, `must be >= ${given[i - 1].prop}.${res} (${given[i - 1].text}), got ${given[i].text}`);
        }
      }
    }
    if (l.minClaimStorage && l.maxClaimStorage && l.maxClaimStorage.toKibibytes() < l.minClaimStorage.toKibibytes()) {
      fail(this, 'limitRange.maxClaimStorage', `must be >= minClaimStorage (${sizeQuantity(l.minClaimStorage)}), got ${sizeQuantity(l.maxClaimStorage)}`);
    }
    const limits: k8s.LimitRangeItem[] = [];
    const container: k8s.LimitRangeItem = {
      type: 'Container',
      defaultRequest: computeQuantities(l.defaultRequest),
      default: computeQuantities(l.defaultLimit),
      min: computeQuantities(l.min),
      max: computeQuantities(l.max),
    };
    if (container.defaultRequest || container.default || container.min || container.max) limits.push(container);
    if (l.minClaimStorage || l.maxClaimStorage) {
      limits.push({
        type: 'PersistentVolumeClaim',
        min: l.minClaimStorage ? { storage: k8s.Quantity.fromString(sizeQuantity(l.minClaimStorage)) } : undefined,
        max: l.maxClaimStorage ? { storage: k8s.Quantity.fromString(sizeQuantity(l.maxClaimStorage)) } : undefined,
      });
    }
    if (limits.length === 0) fail(this, 'limitRange', 'must set at least one of defaultRequest, defaultLimit, min, max, minClaimStorage, maxClaimStorage, got {}');
    const name = l.name ?? 'default-limits';
    checkDnsSubdomain(this, 'limitRange.name', name);
    return new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name, namespace: this.name, labels: { [LABEL.MANAGED_BY]: MANAGED_BY } },
      spec: { limits },
    });
  }
}
