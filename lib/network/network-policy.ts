/**
 * NetworkPolicies: a typed helper for custom allow rules, the namespace default-deny and DNS allow, and the
 * ingress from outside the cluster for workloads exposed by a NodePort/LoadBalancer Service or an Ingress.
 *
 * Allow rules between workloads come from the wiring (`connect()` in `wiring.ts`), which emits one egress and
 * one ingress policy per consumer -> backend edge. Everything else is denied by the namespace's default-deny.
 *
 * Built on the L1 class: cdk8s-plus-27's NetworkPolicy selects pods by the construct-path label
 * (`cdk8s.io/metadata.addr`) and names its policies with a hash, where we need explicit app labels and names.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { LABEL, MANAGED_BY, labelsForSelector } from '../core/labels';
import { installAppChecks } from '../internal/app-checks';
import {
  checkArray, checkDnsLabel, checkDnsSubdomain, checkInstance, checkLabels, checkPort, checkPortName, checkRecord, checkStringArray, checkUnique, fail, show,
} from '../internal/validate';
import { Cidr, isStrictSubset, parseCidr } from '../internal/cidr';
import { IWorkloadPeer } from './peer';

/** The label every namespace carries with its own name (Kubernetes >= 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The direction a policy isolates. */
export enum PolicyType {
  /** Traffic into the selected pods. */
  INGRESS = 'Ingress',
  /** Traffic out of the selected pods. */
  EGRESS = 'Egress',
}

/** The protocol of a port: cdk8s-plus's `Protocol` (`TCP`, `UDP`, `SCTP`), the same as container and Service ports'. */
export const NetworkProtocol = kplus.Protocol;
/** See {@link NetworkProtocol}. */
export type NetworkProtocol = kplus.Protocol;

/** A port (or range) a rule allows. */
export class NetworkPort {
  /** A TCP port. */
  public static tcp(port: number): NetworkPort {
    return new NetworkPort(NetworkProtocol.TCP, port);
  }

  /** A UDP port. */
  public static udp(port: number): NetworkPort {
    return new NetworkPort(NetworkProtocol.UDP, port);
  }

  /** A port of any protocol. */
  public static of(port: number, protocol: NetworkProtocol = NetworkProtocol.TCP): NetworkPort {
    return new NetworkPort(protocol, port);
  }

  /** A TCP port range `from`-`to` (inclusive, `endPort`). */
  public static tcpRange(from: number, to: number): NetworkPort {
    return new NetworkPort(NetworkProtocol.TCP, from, to);
  }

  /** A named container port (`http`): matches whatever number the pods give that name. */
  public static named(name: string, protocol: NetworkProtocol = NetworkProtocol.TCP): NetworkPort {
    return new NetworkPort(protocol, name, undefined, true);
  }

  private constructor(
    /** The protocol. */
    public readonly protocol: NetworkProtocol,
    /** The port number or name. */
    public readonly port: number | string,
    /** The last port of a range. */
    public readonly endPort?: number,
    private readonly byName = false,
  ) {}

  /** @internal */
  public _toKube(scope: IConstruct, prop: string): k8s.NetworkPolicyPort {
    if (!Object.values(NetworkProtocol).includes(this.protocol)) fail(scope, `${prop}.protocol`, `must be TCP, UDP or SCTP, got ${show(this.protocol)}`);
    if (this.byName) {
      checkPortName(scope, `${prop}.port`, this.port as string);
      return { port: k8s.IntOrString.fromString(this.port as string), protocol: this.protocol };
    }
    const port = this.port as number;
    checkPort(scope, `${prop}.port`, port);
    if (this.endPort !== undefined) {
      checkPort(scope, `${prop}.endPort`, this.endPort);
      if (this.endPort < port) fail(scope, `${prop}.endPort`, `must be >= port (${port}), got ${this.endPort}`);
    }
    return { port: k8s.IntOrString.fromNumber(port), endPort: this.endPort, protocol: this.protocol };
  }
}

function checkCidr(scope: IConstruct, prop: string, cidr: string): Cidr {
  const parsed = parseCidr(cidr);
  if (!parsed) fail(scope, prop, `must be an IPv4 or IPv6 CIDR such as "10.0.0.0/8", got ${show(cidr)}`);
  return parsed;
}

/** A copy of a record, or the value itself when it is not one (to be refused with the library's message at render). */
function copy<T>(value: T): T {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : value;
}

/** The other end of a rule: pods by labels, namespaces by labels, both, or an IP block. */
export class NetworkPeer {
  /** Pods with these labels, in the policy's own namespace. `{}` selects every pod of the namespace. */
  public static pods(labels: Record<string, string>): NetworkPeer {
    return new NetworkPeer({ podLabels: copy(labels) });
  }

  /** Every pod of the policy's own namespace. */
  public static allPodsInNamespace(): NetworkPeer {
    return new NetworkPeer({ podLabels: {} });
  }

  /** Every pod of the namespaces with these labels (at least one label: an empty selector means every namespace). */
  public static namespaces(labels: Record<string, string>): NetworkPeer {
    return new NetworkPeer({ namespaceLabels: copy(labels) });
  }

  /** Every pod of one namespace, by its `kubernetes.io/metadata.name` label. */
  public static namespaceNamed(name: string): NetworkPeer {
    return new NetworkPeer({ namespaceLabels: { [NAMESPACE_NAME_LABEL]: name } });
  }

  /** Pods with `podLabels` in the namespaces with `namespaceLabels` (at least one namespace label). */
  public static podsInNamespaces(podLabels: Record<string, string>, namespaceLabels: Record<string, string>): NetworkPeer {
    return new NetworkPeer({ podLabels: copy(podLabels), namespaceLabels: copy(namespaceLabels) });
  }

  /** The pods of a workload; across namespaces when `fromNamespace` differs from the workload's. */
  public static workload(peer: IWorkloadPeer, fromNamespace: string | undefined): NetworkPeer {
    if ((fromNamespace ?? 'default') === (peer.namespace ?? 'default')) return NetworkPeer.pods(peer.podSelector);
    return NetworkPeer.podsInNamespaces(peer.podSelector, { [NAMESPACE_NAME_LABEL]: peer.namespace ?? 'default' });
  }

  /**
   * Every pod of every namespace. Deliberately separate from `namespaces()`, which refuses an empty selector.
   */
  public static allNamespaces(): NetworkPeer {
    return new NetworkPeer({ namespaceLabels: {}, everyNamespace: true });
  }

  /**
   * Any source or destination: every pod of every namespace, the nodes and every IP address (the rule is emitted
   * without `from`/`to`). Must be the only peer of its rule.
   */
  public static anywhere(): NetworkPeer {
    return new NetworkPeer({ anywhere: true });
  }

  /** An IP range (usually outside the cluster), with optional holes. */
  public static ipBlock(cidr: string, except?: string[]): NetworkPeer {
    return new NetworkPeer({ cidr, except: Array.isArray(except) ? [...except] : except });
  }

  /** Any IPv4 address (`0.0.0.0/0`). */
  public static anyIpv4(): NetworkPeer {
    return NetworkPeer.ipBlock('0.0.0.0/0');
  }

  /** Any IPv6 address (`::/0`). */
  public static anyIpv6(): NetworkPeer {
    return NetworkPeer.ipBlock('::/0');
  }

  private constructor(private readonly spec: {
    anywhere?: boolean;
    podLabels?: Record<string, string>;
    namespaceLabels?: Record<string, string>;
    everyNamespace?: boolean;
    cidr?: string;
    except?: string[];
  }) {}

  /** Whether this is `NetworkPeer.anywhere()`. */
  public get isAnywhere(): boolean {
    return this.spec.anywhere === true;
  }

  /** @internal */
  public _toKube(scope: IConstruct, prop: string): k8s.NetworkPolicyPeer {
    const s = this.spec;
    if (s.anywhere) fail(scope, prop, 'NetworkPeer.anywhere() must be the only peer of its rule');
    if (s.cidr !== undefined) {
      const block = checkCidr(scope, `${prop}.ipBlock.cidr`, s.cidr);
      const except = s.except ?? [];
      checkStringArray(scope, `${prop}.ipBlock.except`, except);
      except.forEach((e, i) => {
        if (!isStrictSubset(checkCidr(scope, `${prop}.ipBlock.except[${i}]`, e), block)) {
          fail(scope, `${prop}.ipBlock.except[${i}]`, `must be a strict subset of the block's cidr ${show(s.cidr)} (same IP family, inside it, a longer prefix), got ${show(e)}`);
        }
      });
      checkUnique(scope, `${prop}.ipBlock.except`, except);
      return { ipBlock: { cidr: s.cidr, except: except.length > 0 ? [...except] : undefined } };
    }
    const peer: { podSelector?: k8s.LabelSelector; namespaceSelector?: k8s.LabelSelector } = {};
    if (s.namespaceLabels !== undefined) {
      checkLabels(scope, `${prop}.namespaceSelector`, s.namespaceLabels);
      if (Object.keys(s.namespaceLabels).length === 0 && !s.everyNamespace) {
        fail(scope, `${prop}.namespaceSelector`, 'must have at least one label (an empty selector matches every namespace; use NetworkPeer.allNamespaces() to mean that), got {}');
      }
      peer.namespaceSelector = Object.keys(s.namespaceLabels).length > 0 ? { matchLabels: { ...s.namespaceLabels } } : {};
    }
    if (s.podLabels !== undefined) {
      checkLabels(scope, `${prop}.podSelector`, s.podLabels);
      peer.podSelector = Object.keys(s.podLabels).length > 0 ? { matchLabels: { ...s.podLabels } } : {};
    }
    return peer;
  }
}

/** One allow rule: traffic with any of `peers`, on any of `ports`. */
export interface NetworkPolicyRule {
  /** Where traffic may come from (ingress) or go to (egress): at least one peer. */
  readonly peers: readonly NetworkPeer[];
  /**
   * Ports allowed (of the selected pods for ingress, of the peers for egress). A function is called at synth, for
   * ports that are still being added after construction (its ports are validated then; an empty result allows
   * every port).
   * @default - every port
   */
  readonly ports?: readonly NetworkPort[] | (() => readonly NetworkPort[]);
}

/** Props of a NetworkPolicy. */
export interface NetworkPolicyProps {
  /**
   * `metadata.name`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace of the policy (and of the pods it selects).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Labels of the pods the policy applies to; `{}` selects every pod of the namespace. */
  readonly podSelector: Record<string, string>;
  /**
   * Ingress allow rules. More can be added with `addIngress()`.
   * @default - none
   */
  readonly ingress?: readonly NetworkPolicyRule[];
  /**
   * Egress allow rules. More can be added with `addEgress()`.
   * @default - none
   */
  readonly egress?: readonly NetworkPolicyRule[];
  /**
   * The directions isolated. A direction listed without rules denies all of its traffic.
   * @default - the directions that have rules
   */
  readonly policyTypes?: readonly PolicyType[];
  /**
   * Labels of the policy object (merged over `app.kubernetes.io/managed-by: kubecraft`).
   * @default - the managed-by label only
   */
  readonly labels?: Record<string, string>;
}

/**
 * A NetworkPolicy with typed peers and ports.
 *
 * @example
 * new NetworkPolicy(chart, 'api-from-monitoring', {
 *   podSelector: { 'app.kubernetes.io/name': 'api' },
 *   ingress: [{ peers: [NetworkPeer.podsInNamespaces({ app: 'prometheus' }, { team: 'monitoring' })], ports: [NetworkPort.tcp(9090)] }],
 * });
 */
export class NetworkPolicy extends Construct {
  /** The L1 object (escape hatch). */
  public readonly apiObject: k8s.KubeNetworkPolicy;
  /** `metadata.name`. */
  public readonly name: string;
  /** The labels of the selected pods. */
  public readonly podSelector: Record<string, string>;
  private readonly ingress: k8s.NetworkPolicyIngressRule[] = [];
  private readonly egress: k8s.NetworkPolicyEgressRule[] = [];
  private readonly policyTypes?: readonly PolicyType[];

  constructor(scope: Construct, id: string, props: NetworkPolicyProps) {
    super(scope, id);
    installAppChecks(this);
    checkRecord(this, 'props', props as unknown);
    this.name = props.name ?? id;
    checkDnsSubdomain(this, 'name', this.name);
    if (props.namespace !== undefined) checkDnsLabel(this, 'namespace', props.namespace);
    checkLabels(this, 'podSelector', props.podSelector);
    this.podSelector = { ...props.podSelector };
    const policyTypes = props.policyTypes === undefined ? [] : props.policyTypes;
    checkArray(this, 'policyTypes', policyTypes); // null included: it would mean "none given" to a reader, not "every"
    for (const t of policyTypes) {
      if (!Object.values(PolicyType).includes(t)) fail(this, 'policyTypes', `must contain only Ingress and Egress, got ${show(t)}`);
    }
    checkUnique(this, 'policyTypes', policyTypes);
    this.policyTypes = props.policyTypes;
    if (props.labels !== undefined) checkLabels(this, 'labels', props.labels);
    for (const dir of ['ingress', 'egress'] as const) if (props[dir] !== undefined) checkArray(this, dir, props[dir]);
    (props.ingress ?? []).forEach((r) => this.addIngress(r));
    (props.egress ?? []).forEach((r) => this.addEgress(r));
    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace, labels: { [LABEL.MANAGED_BY]: MANAGED_BY, ...(props.labels ?? {}) } },
      spec: {
        podSelector: { matchLabels: Object.keys(this.podSelector).length > 0 ? this.podSelector : undefined },
        policyTypes: Lazy.any({ produce: () => this.renderPolicyTypes() }),
        ingress: Lazy.any({ produce: () => (this.ingress.length > 0 ? [...this.ingress] : undefined) }),
        egress: Lazy.any({ produce: () => (this.egress.length > 0 ? [...this.egress] : undefined) }),
      },
    });
    this.node.addValidation({
      validate: () => (this.renderPolicyTypes().length === 0 ? [`${this.node.path}: 'policyTypes' must be given when the policy has no rules (it would isolate nothing), got none`] : []),
    });
  }

  /** Allows ingress from `rule.peers` on `rule.ports`. */
  public addIngress(rule: NetworkPolicyRule): void {
    const prop = `ingress[${this.ingress.length}]`;
    const r = this.renderRule(prop, rule);
    this.ingress.push({ from: r.peers, ports: r.ports });
  }

  /** Allows egress to `rule.peers` on `rule.ports`. */
  public addEgress(rule: NetworkPolicyRule): void {
    const prop = `egress[${this.egress.length}]`;
    const r = this.renderRule(prop, rule);
    this.egress.push({ to: r.peers, ports: r.ports });
  }

  private renderRule(prop: string, rule: NetworkPolicyRule): { peers?: k8s.NetworkPolicyPeer[]; ports?: k8s.NetworkPolicyPort[] } {
    checkRecord(this, prop, rule as unknown);
    if (!Array.isArray(rule.peers) || rule.peers.length === 0) {
      fail(this, `${prop}.peers`, `must contain at least one peer (an empty list allows everyone; use NetworkPeer.anywhere() to mean that), got ${show(rule.peers ?? [])}`);
    }
    rule.peers.forEach((p, i) => checkInstance(this, `${prop}.peers[${i}]`, p, NetworkPeer, 'a NetworkPeer (NetworkPeer.pods(), .namespaces(), .ipBlock(), ...)'));
    const toKube = (list: readonly NetworkPort[]): k8s.NetworkPolicyPort[] | undefined => {
      checkArray(this, `${prop}.ports`, list);
      list.forEach((p, i) => checkInstance(this, `${prop}.ports[${i}]`, p, NetworkPort, 'a NetworkPort (NetworkPort.tcp(), .udp(), .named(), ...)'));
      checkUnique(this, `${prop}.ports`, list.map((p) => `${p.port}${p.endPort === undefined ? '' : `-${p.endPort}`}/${p.protocol}`));
      return list.length > 0 ? list.map((p, i) => p._toKube(this, `${prop}.ports[${i}]`)) : undefined;
    };
    const given = rule.ports;
    const ports = typeof given === 'function'
      ? Lazy.any({ produce: () => toKube(given()) }) as unknown as k8s.NetworkPolicyPort[]
      : toKube(given ?? []);
    if (rule.peers.some((p) => p.isAnywhere)) {
      if (rule.peers.length > 1) fail(this, `${prop}.peers`, `must contain only NetworkPeer.anywhere() when it contains it, got ${rule.peers.length} peers`);
      return { peers: undefined, ports };
    }
    const peers = rule.peers.map((p, i) => p._toKube(this, `${prop}.peers[${i}]`));
    return { peers, ports };
  }

  private renderPolicyTypes(): string[] {
    if (this.policyTypes !== undefined) {
      const types = [...this.policyTypes];
      if (this.ingress.length > 0 && !types.includes(PolicyType.INGRESS)) types.push(PolicyType.INGRESS);
      if (this.egress.length > 0 && !types.includes(PolicyType.EGRESS)) types.push(PolicyType.EGRESS);
      return [PolicyType.INGRESS, PolicyType.EGRESS].filter((t) => types.includes(t));
    }
    const out: string[] = [];
    if (this.ingress.length > 0) out.push(PolicyType.INGRESS);
    if (this.egress.length > 0) out.push(PolicyType.EGRESS);
    return out;
  }
}

/** Options of `denyAll`. */
export interface DenyAllOptions {
  /**
   * `metadata.name`.
   * @default 'default-deny'
   */
  readonly name?: string;
  /**
   * The namespace.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Directions denied.
   * @default [PolicyType.INGRESS, PolicyType.EGRESS]
   */
  readonly policyTypes?: readonly PolicyType[];
}

/**
 * The namespace default-deny: selects every pod and allows nothing, so only traffic another policy allows flows.
 */
export function denyAll(scope: Construct, id: string, options: DenyAllOptions = {}): NetworkPolicy {
  return new NetworkPolicy(scope, id, {
    name: options.name ?? 'default-deny',
    namespace: options.namespace,
    podSelector: {},
    policyTypes: options.policyTypes ?? [PolicyType.INGRESS, PolicyType.EGRESS],
  });
}

/** Where the cluster DNS runs. */
export interface DnsEgressOptions {
  /**
   * `metadata.name`.
   * @default 'allow-dns'
   */
  readonly name?: string;
  /**
   * The namespace whose pods may query DNS.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Labels of the namespace the DNS pods run in.
   * @default { 'kubernetes.io/metadata.name': 'kube-system' }
   */
  readonly dnsNamespaceLabels?: Record<string, string>;
  /**
   * Labels of the DNS pods (CoreDNS keeps the historical `k8s-app: kube-dns`).
   * @default { 'k8s-app': 'kube-dns' }
   */
  readonly dnsPodLabels?: Record<string, string>;
  /**
   * The DNS port, allowed on UDP and TCP (large answers fall back to TCP).
   * @default 53
   */
  readonly port?: number;
}

/** The defaults of `allowDnsEgress`. */
export const DEFAULT_DNS = {
  namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' },
  podLabels: { 'k8s-app': 'kube-dns' },
  port: 53,
} as const;

/** Allows every pod of the namespace to query the cluster DNS on 53/UDP and 53/TCP, and nothing else. */
export function allowDnsEgress(scope: Construct, id: string, options: DnsEgressOptions = {}): NetworkPolicy {
  const port = options.port ?? DEFAULT_DNS.port;
  checkPort(scope, 'dns.port', port);
  return new NetworkPolicy(scope, id, {
    name: options.name ?? 'allow-dns',
    namespace: options.namespace,
    podSelector: {},
    egress: [{
      peers: [NetworkPeer.podsInNamespaces(options.dnsPodLabels ?? DEFAULT_DNS.podLabels, options.dnsNamespaceLabels ?? DEFAULT_DNS.namespaceLabels)],
      ports: [NetworkPort.udp(port), NetworkPort.tcp(port)],
    }],
  });
}

/** Options of `allowExternalIngress` and `allowIngressController`. */
export interface ExternalIngressOptions {
  /**
   * The pod (target) ports exposed (at least one), or a function called at synth that lists them (for a workload
   * whose ports are still being added after construction).
   */
  readonly ports: readonly NetworkPort[] | (() => readonly NetworkPort[]);
  /**
   * Who may connect.
   * @default - `allowExternalIngress`: `NetworkPeer.anywhere()`; `allowIngressController`: the pods of the
   * `ingress-nginx` namespace
   */
  readonly from?: readonly NetworkPeer[];
  /**
   * `metadata.name`.
   * @default - `<workload>-from-external` / `<workload>-from-ingress`
   */
  readonly name?: string;
  /**
   * Labels of the policy object (e.g. the workload's full recommended labels).
   * @default - the recommended `name` and `instance` labels of the workload's pods
   */
  readonly labels?: Record<string, string>;
}

function workloadPolicy(workload: IWorkloadPeer, id: string, options: ExternalIngressOptions, defaultName: string, defaultFrom: NetworkPeer): NetworkPolicy {
  checkRecord(workload, 'options', options as unknown);
  const given = options.ports;
  if (typeof given !== 'function' && (!Array.isArray(given) || given.length === 0)) fail(workload, 'ports', `must list the exposed pod ports, got ${show(given ?? [])}`);
  const name = options.name ?? defaultName;
  if (workload.node.tryFindChild(id)) fail(workload, 'networkPolicy', `${show(name)} already exists for this workload`);
  // a lazy list is checked when it is produced (at synth): an empty list would allow every port
  const ports = typeof given !== 'function' ? given : (): readonly NetworkPort[] => {
    const list = given();
    if (list.length === 0) fail(workload, 'ports', 'must list the exposed pod ports, got []');
    return list;
  };
  return new NetworkPolicy(workload as unknown as Construct, id, {
    name,
    namespace: workload.namespace,
    podSelector: workload.podSelector,
    ingress: [{ peers: options.from ?? [defaultFrom], ports }],
    labels: options.labels ?? labelsForSelector(workload.podSelector, workload.peerName),
  });
}

/**
 * Allows traffic from outside the cluster to a workload exposed by a NodePort or LoadBalancer Service, on its pod
 * ports. The default source is anywhere: such a Service is reachable from anywhere anyway, and with
 * `externalTrafficPolicy: Cluster` the source is SNATed to a node address, which some CNIs (Cilium, Antrea) do
 * not match with an `ipBlock`. Pass `from: [NetworkPeer.ipBlock(...)]` to restrict it to client ranges.
 */
export function allowExternalIngress(workload: IWorkloadPeer, options: ExternalIngressOptions): NetworkPolicy {
  return workloadPolicy(workload, 'NetworkPolicy-from-external', options, `${workload.peerName}-from-external`, NetworkPeer.anywhere());
}

/** The namespace most ingress controllers are installed in. */
export const DEFAULT_INGRESS_CONTROLLER_NAMESPACE = 'ingress-nginx';

/** Allows the ingress controller's pods to reach a workload exposed by an Ingress, on its pod ports. */
export function allowIngressController(workload: IWorkloadPeer, options: ExternalIngressOptions): NetworkPolicy {
  return workloadPolicy(workload, 'NetworkPolicy-from-ingress', options, `${workload.peerName}-from-ingress`, NetworkPeer.namespaceNamed(DEFAULT_INGRESS_CONTROLLER_NAMESPACE));
}

