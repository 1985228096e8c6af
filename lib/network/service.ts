/**
 * AppService: a Kubernetes Service with everything cdk8s-plus-27's `Service` cannot express — named
 * `targetPort`s, headless Services without ports, sessionAffinity, externalTrafficPolicy, dual-stack, published
 * not-ready addresses — with a stable explicit name and its DNS names as typed values.
 *
 * It is built on the L1 `KubeService` through typed code (never JSON patches, whose int-or-string fields would
 * synthesize as `null`), and renders its spec lazily so ports added after construction (`addPort`) are emitted.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/
 */
import { Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { AppIdentity, recommendedLabels } from '../core/labels';
import { BackendPort, ServiceEndpoint, clusterDomainOf, namespaceOf } from './wiring';
import {
  checkAnnotations, checkArray, checkDnsLabel, checkLabels, checkNodePort, checkOneOf, checkPort, checkPortName, checkRecord, checkStringArray, fail, show,
} from '../internal/validate';
import { parseCidr } from '../internal/cidr';
import { resolveSeconds } from '../internal/duration';

/** How a Service is exposed. */
export enum ServiceType {
  /** A virtual IP reachable only inside the cluster (the Kubernetes default). */
  CLUSTER_IP = 'ClusterIP',
  /** ClusterIP plus a port (30000-32767) opened on every node. */
  NODE_PORT = 'NodePort',
  /** NodePort plus an external load balancer provisioned by the cloud provider. */
  LOAD_BALANCER = 'LoadBalancer',
}

/** The transport protocol of a Service port: cdk8s-plus's `Protocol` (`TCP`, `UDP`, `SCTP`), the same as container ports'. */
export const ServiceProtocol = kplus.Protocol;
/** See {@link ServiceProtocol}. */
export type ServiceProtocol = kplus.Protocol;

/** Whether connections from one client stick to one pod. */
export enum SessionAffinity {
  /** Every connection is balanced independently (the Kubernetes default). */
  NONE = 'None',
  /** Connections from the same client IP go to the same pod (for `sessionAffinityTimeout`). */
  CLIENT_IP = 'ClientIP',
}

/** Where external traffic (NodePort/LoadBalancer) is routed. */
export enum ExternalTrafficPolicy {
  /** Any node forwards to any ready pod (even spread, client source IP is lost). */
  CLUSTER = 'Cluster',
  /** Only to pods on the receiving node (preserves the client source IP; nodes without a pod fail health checks). */
  LOCAL = 'Local',
}

/** Where in-cluster traffic is routed. */
export enum InternalTrafficPolicy {
  /** To any ready pod (the Kubernetes default). */
  CLUSTER = 'Cluster',
  /** Only to pods on the client's node (dropped if there is none). */
  LOCAL = 'Local',
}

/** Single- or dual-stack. */
export enum IpFamilyPolicy {
  /** One IP family (the cluster's first). */
  SINGLE_STACK = 'SingleStack',
  /** Two families when the cluster is dual-stack, else one. */
  PREFER_DUAL_STACK = 'PreferDualStack',
  /** Two families; fails on a single-stack cluster. */
  REQUIRE_DUAL_STACK = 'RequireDualStack',
}

/** An IP family. */
export enum IpFamily {
  /** IPv4. */
  IPV4 = 'IPv4',
  /** IPv6. */
  IPV6 = 'IPv6',
}

/** One port of a Service. */
export interface AppServicePort {
  /**
   * Port name (IANA service name, e.g. `http`). Required when the Service has more than one port.
   * @default - unnamed (only allowed for a single-port Service)
   */
  readonly name?: string;
  /** The port clients connect to, 1-65535. */
  readonly port: number;
  /**
   * The pod port traffic goes to: a number, or the name of a container port (`'http'`), which lets the pods
   * change their port number without touching the Service.
   * @default - the same as `port`
   */
  readonly targetPort?: number | string;
  /**
   * The port opened on every node (30000-32767); only for NodePort and LoadBalancer Services.
   * @default - allocated by the cluster
   */
  readonly nodePort?: number;
  /**
   * The transport protocol.
   * @default ServiceProtocol.TCP
   */
  readonly protocol?: ServiceProtocol;
  /**
   * The application protocol (`http`, `kubernetes.io/h2c`, ...), a hint for proxies and gateways.
   * @default - none
   */
  readonly appProtocol?: string;
}

/** A container port of the selected pods, used to resolve named target ports (by name and protocol) to numbers. */
export interface PodPort {
  /** The container port's name. */
  readonly name: string;
  /** Its number. */
  readonly port: number;
  /**
   * Its protocol.
   * @default ServiceProtocol.TCP
   */
  readonly protocol?: ServiceProtocol | string;
}

/** The options of a Service that workloads (WebApp, ...) pass through unchanged. */
export interface AppServiceOptions {
  /**
   * How the Service is exposed.
   * @default ServiceType.CLUSTER_IP
   */
  readonly type?: ServiceType;
  /**
   * Session affinity.
   * @default - none set (Kubernetes default `None`)
   */
  readonly sessionAffinity?: SessionAffinity;
  /**
   * How long a ClientIP affinity lasts, 1 s to 1 day in whole seconds; only with `SessionAffinity.CLIENT_IP`.
   * @default - Kubernetes default (3 hours)
   */
  readonly sessionAffinityTimeout?: Duration;
  /**
   * How long a ClientIP affinity lasts, 1-86400 seconds.
   * @deprecated use `sessionAffinityTimeout`
   */
  readonly sessionAffinityTimeoutSeconds?: number;
  /**
   * External traffic policy; only for NodePort and LoadBalancer Services.
   * @default - none set (Kubernetes default `Cluster`)
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /**
   * Internal traffic policy.
   * @default - none set (Kubernetes default `Cluster`)
   */
  readonly internalTrafficPolicy?: InternalTrafficPolicy;
  /**
   * Dual-stack policy.
   * @default - none set (Kubernetes default `SingleStack`)
   */
  readonly ipFamilyPolicy?: IpFamilyPolicy;
  /**
   * IP families, in order (at most two, distinct; only one with `SINGLE_STACK`).
   * @default - chosen by the cluster
   */
  readonly ipFamilies?: IpFamily[];
  /**
   * Publish the addresses of pods that are not ready (used by StatefulSets for peer discovery).
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * CIDRs allowed to reach a LoadBalancer (only for `ServiceType.LOAD_BALANCER`).
   * @default - unrestricted
   */
  readonly loadBalancerSourceRanges?: string[];
  /**
   * Annotations on the Service (e.g. cloud load balancer settings).
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Extra labels on the Service, merged over the recommended labels.
   * @default - the recommended labels only
   */
  readonly labels?: Record<string, string>;
}

/** Props of {@link AppService}. */
export interface AppServiceProps extends AppServiceOptions {
  /**
   * The Service name (a DNS-1123 label: it becomes the DNS name `<name>.<namespace>.svc.cluster.local`).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The labels that select the pods (all must match). Without a selector, no Endpoints are managed
   * (you manage EndpointSlices yourself).
   * @default - no selector
   */
  readonly selector?: Record<string, string>;
  /**
   * The ports. At least one, unless `headless`.
   * @default - none (only valid for a headless Service; add ports with `addPort`)
   */
  readonly ports?: AppServicePort[];
  /**
   * A headless Service (`clusterIP: None`): DNS returns the pod IPs directly (StatefulSet governing Services).
   * Only with `ServiceType.CLUSTER_IP`; ports are optional.
   * @default false
   */
  readonly headless?: boolean;
  /**
   * The container ports of the selected pods. Named `targetPort`s must be one of them; they resolve the
   * numbers `backendPorts` (and the NetworkPolicies derived from them) need.
   * @default - none: every `targetPort` must then be a number
   */
  readonly podPorts?: PodPort[];
  /**
   * The identity whose recommended labels (`app.kubernetes.io/*`) go on the Service.
   * @default - `{ name: <service name> }`
   */
  readonly identity?: AppIdentity;
}

const MAX_AFFINITY_TIMEOUT = 86400;

/** The validated form of AppServiceProps, every default applied. */
export interface AppServicePlan {
  /** The Service name. */
  readonly name: string;
  /** The Service type. */
  readonly type: ServiceType;
  /** Whether it is headless. */
  readonly headless: boolean;
  /** The pod selector, if any. */
  readonly selector: Record<string, string> | undefined;
  /** Labels of the object: the recommended labels of the identity, then `labels`. */
  readonly labels: Record<string, string>;
  /** Annotations of the object (undefined: none). */
  readonly annotations: Record<string, string> | undefined;
  /** The container ports of the selected pods. */
  readonly podPorts: PodPort[];
  /** The initial ports, each with its resolved backend port. */
  readonly ports: { readonly port: AppServicePort; readonly backend: BackendPort }[];
  /** `sessionAffinityConfig.clientIP.timeoutSeconds`, if set. */
  readonly sessionAffinityTimeoutSeconds: number | undefined;
  /** The options rendered as given. */
  readonly options: AppServiceOptions;
}

/** Validates the props of an AppService and applies the defaults (creates nothing). */
export function resolveAppService(scope: IConstruct, id: string, props: AppServiceProps): AppServicePlan {
  checkRecord(scope, 'props', props as unknown);
  const name = props.name ?? id;
  checkDnsLabel(scope, 'name', name);
  const type = props.type ?? ServiceType.CLUSTER_IP;
  checkOneOf(scope, 'type', type, Object.values(ServiceType));
  const headless = props.headless ?? false;
  if (headless && type !== ServiceType.CLUSTER_IP) fail(scope, 'headless', `is only possible with type ClusterIP, got type ${type}`);
  if (props.selector !== undefined) checkLabels(scope, 'selector', props.selector);
  const selector = props.selector ? { ...props.selector } : undefined;
  if (props.labels !== undefined) checkLabels(scope, 'labels', props.labels);
  if (props.annotations !== undefined) checkAnnotations(scope, 'annotations', props.annotations);
  if (props.ports !== undefined) checkArray(scope, 'ports', props.ports); // null is refused, never taken for none
  const sessionAffinityTimeoutSeconds = resolveOptions(scope, type, props);
  if (!headless && props.ports !== undefined && props.ports.length === 0) {
    fail(scope, 'ports', 'must contain at least one port (only a headless Service may have none), got []');
  }
  const podPorts = [...(props.podPorts ?? [])];
  const ports: { port: AppServicePort; backend: BackendPort }[] = [];
  (props.ports ?? []).forEach((p, i) => {
    checkRecord(scope, `ports[${i}]`, p as unknown);
    ports.push({ port: p, backend: resolveServicePort(scope, p, `ports[${i}]`, type, ports.map((x) => x.port), podPorts) });
  });
  return {
    name,
    type,
    headless,
    selector,
    labels: { ...recommendedLabels(props.identity ?? { name }), ...(props.labels ?? {}) },
    annotations: props.annotations && Object.keys(props.annotations).length > 0 ? { ...props.annotations } : undefined,
    podPorts,
    ports,
    sessionAffinityTimeoutSeconds,
    options: props,
  };
}

/**
 * Validates one Service port against the Service type, the ports declared before it and the pods' ports; returns
 * it with its target port as a number (a named target resolves by name and protocol, as Kubernetes does).
 */
function resolveServicePort(
  scope: IConstruct, p: AppServicePort, prop: string, type: ServiceType, declared: readonly AppServicePort[], podPorts: readonly PodPort[],
): BackendPort {
  checkPort(scope, `${prop}.port`, p.port);
  if (p.name !== undefined) checkPortName(scope, `${prop}.name`, p.name);
  const protocol = p.protocol ?? ServiceProtocol.TCP;
  checkOneOf(scope, `${prop}.protocol`, protocol, Object.values(ServiceProtocol));
  if (p.nodePort !== undefined) {
    if (type === ServiceType.CLUSTER_IP) {
      fail(scope, `${prop}.nodePort`, `is only allowed for NodePort and LoadBalancer Services, got ${p.nodePort} on a ClusterIP Service`);
    }
    checkNodePort(scope, `${prop}.nodePort`, p.nodePort);
    const clash = declared.find((x) => x.nodePort === p.nodePort && (x.protocol ?? ServiceProtocol.TCP) === protocol);
    if (clash) fail(scope, `${prop}.nodePort`, `must be unique, got ${p.nodePort} twice`);
  }
  const all = [...declared, p];
  if (all.length > 1) {
    all.forEach((x) => {
      if (x.name === undefined) fail(scope, `${prop}.name`, `is required on every port of a multi-port Service (port ${x.port} has none)`);
    });
  }
  if (p.name !== undefined && declared.some((x) => x.name === p.name)) {
    fail(scope, `${prop}.name`, `must be unique within the Service, got ${show(p.name)} twice`);
  }
  if (declared.some((x) => x.port === p.port && (x.protocol ?? ServiceProtocol.TCP) === protocol)) {
    fail(scope, `${prop}.port`, `must be unique per protocol within the Service, got ${p.port}/${protocol} twice`);
  }
  let targetNumber: number;
  const target = p.targetPort ?? p.port;
  if (typeof target === 'number') {
    checkPort(scope, `${prop}.targetPort`, target);
    targetNumber = target;
  } else {
    checkPortName(scope, `${prop}.targetPort`, target);
    const named = podPorts.filter((x) => x.name === target);
    if (named.length === 0) {
      const known = podPorts.map((x) => x.name);
      fail(scope, `${prop}.targetPort`, `names container port ${show(target)}, but the selected pods declare ${known.length ? known.map((x) => show(x)).join(', ') : 'no named ports (pass podPorts)'}`);
    }
    // Kubernetes resolves a named targetPort by name and protocol: a port of another protocol gets no endpoints
    const hit = named.find((x) => (x.protocol ?? ServiceProtocol.TCP) === protocol);
    if (!hit) {
      fail(scope, `${prop}.targetPort`, `must name a container port of the Service port's protocol ${protocol}, got ${show(target)} (a ${named.map((x) => x.protocol ?? ServiceProtocol.TCP).join('/')} port)`);
    }
    targetNumber = hit.port;
  }
  return { name: p.name ?? '', port: p.port, targetPort: targetNumber, protocol };
}

/** Validates the Service options against the type; returns the session affinity timeout in seconds, if any. */
function resolveOptions(scope: IConstruct, type: ServiceType, o: AppServiceProps): number | undefined {
  const external = type === ServiceType.NODE_PORT || type === ServiceType.LOAD_BALANCER;
  if (o.externalTrafficPolicy !== undefined && !external) {
    fail(scope, 'externalTrafficPolicy', `is only allowed for NodePort and LoadBalancer Services, got ${show(o.externalTrafficPolicy)} on a ${type} Service`);
  }
  if (o.loadBalancerSourceRanges !== undefined && type !== ServiceType.LOAD_BALANCER) {
    fail(scope, 'loadBalancerSourceRanges', `is only allowed for LoadBalancer Services, got it on a ${type} Service`);
  }
  if (o.loadBalancerSourceRanges !== undefined) checkStringArray(scope, 'loadBalancerSourceRanges', o.loadBalancerSourceRanges);
  (o.loadBalancerSourceRanges ?? []).forEach((r, i) => {
    if (parseCidr(r) === undefined) fail(scope, `loadBalancerSourceRanges[${i}]`, `must be a CIDR such as "203.0.113.0/24", got ${show(r)}`);
  });
  const timeout = resolveSeconds(scope, {
    prop: 'sessionAffinityTimeout', value: o.sessionAffinityTimeout, secondsProp: 'sessionAffinityTimeoutSeconds',
    seconds: o.sessionAffinityTimeoutSeconds, min: 1, max: MAX_AFFINITY_TIMEOUT,
  });
  if (timeout !== undefined && o.sessionAffinity !== SessionAffinity.CLIENT_IP) {
    const prop = o.sessionAffinityTimeout !== undefined ? 'sessionAffinityTimeout' : 'sessionAffinityTimeoutSeconds';
    fail(scope, prop, `requires sessionAffinity ClientIP, got sessionAffinity ${show(o.sessionAffinity)}`);
  }
  const families = o.ipFamilies ?? [];
  if (families.length > 2) fail(scope, 'ipFamilies', `must contain at most two families, got ${show(families)}`);
  if (new Set(families).size !== families.length) fail(scope, 'ipFamilies', `must not repeat a family, got ${show(families)}`);
  if (families.length === 2 && o.ipFamilyPolicy === IpFamilyPolicy.SINGLE_STACK) {
    fail(scope, 'ipFamilies', `must contain one family with ipFamilyPolicy SingleStack, got ${show(families)}`);
  }
  if (families.length === 2 && o.ipFamilyPolicy === undefined) {
    fail(scope, 'ipFamilyPolicy', `must be PreferDualStack or RequireDualStack when two ipFamilies are given, got undefined`);
  }
  return timeout;
}

/**
 * A Service with a stable explicit name, typed ports (named `targetPort`s too), and its DNS names as values.
 *
 * @example
 * const svc = new AppService(this, 'api', {
 *   selector: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' },
 *   ports: [{ name: 'http', port: 80, targetPort: 'http' }],
 *   podPorts: [{ name: 'http', port: 8080 }],
 * });
 * svc.endpoint.fqdn; // api.<namespace>.svc.cluster.local
 */
export class AppService extends Construct {
  /** The Service name. */
  public readonly name: string;
  /** The resolved Service type. */
  public readonly type: ServiceType;
  /** Whether the Service is headless (`clusterIP: None`). */
  public readonly headless: boolean;
  /** The namespace (undefined: the chart has none, i.e. `default` at apply time). */
  public readonly namespace: string | undefined;
  /** DNS names and URLs of this Service (its `ports` follow `addPort`). */
  public readonly endpoint: ServiceEndpoint;
  /** The L1 object: the escape hatch for anything not covered. */
  public readonly apiObject: k8s.KubeService;
  /** The pod selector (a copy). */
  public readonly selector: Record<string, string> | undefined;

  private readonly plan: AppServicePlan;
  private readonly ports: AppServicePort[] = [];
  private readonly resolvedPorts: BackendPort[] = [];
  private readonly podPorts: PodPort[];

  constructor(scope: Construct, id: string, props: AppServiceProps = {}) {
    super(scope, id);
    const plan = resolveAppService(this, id, props);
    this.plan = plan;
    this.name = plan.name;
    this.type = plan.type;
    this.headless = plan.headless;
    this.selector = plan.selector;
    this.podPorts = plan.podPorts;
    this.namespace = namespaceOf(this);
    this.endpoint = new ServiceEndpoint(this.name, this.namespace ?? 'default', this.resolvedPorts, clusterDomainOf(this));
    this.apiObject = new k8s.KubeService(this, 'Resource', {
      metadata: { name: plan.name, labels: plan.labels, annotations: plan.annotations },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    for (const { port, backend } of plan.ports) {
      this.ports.push(port);
      this.resolvedPorts.push(backend);
    }
    this.node.addValidation({
      validate: () => (!this.headless && this.ports.length === 0 ? [`${this.node.path}: 'ports' must contain at least one port (only a headless Service may have none)`] : []),
    });
  }

  /** The Service's ports, with named target ports resolved to numbers (a copy). */
  public get backendPorts(): BackendPort[] {
    return [...this.resolvedPorts];
  }

  /** The ports as declared (a copy). */
  public get servicePorts(): AppServicePort[] {
    return [...this.ports];
  }

  /** Adds a port (validated like the `ports` prop). */
  public addPort(port: AppServicePort): void {
    const backend = resolveServicePort(this, port, `ports[${this.ports.length}]`, this.type, this.ports, this.podPorts);
    this.ports.push(port);
    this.resolvedPorts.push(backend);
  }

  /** Declares container ports of the selected pods, so named target ports can refer to them. */
  public addPodPort(port: PodPort): void {
    this.podPorts.push(port);
  }

  private renderSpec(): k8s.ServiceSpec {
    const o = this.plan.options;
    const ports: k8s.ServicePort[] = this.ports.map((p) => {
      const target = p.targetPort ?? p.port;
      return {
        name: p.name,
        port: p.port,
        targetPort: typeof target === 'number' ? k8s.IntOrString.fromNumber(target) : k8s.IntOrString.fromString(target),
        nodePort: p.nodePort,
        protocol: p.protocol ?? ServiceProtocol.TCP,
        appProtocol: p.appProtocol,
      };
    });
    return {
      type: this.type,
      clusterIp: this.headless ? 'None' : undefined,
      selector: this.selector,
      ports: ports.length > 0 ? ports : undefined,
      sessionAffinity: o.sessionAffinity,
      sessionAffinityConfig: this.plan.sessionAffinityTimeoutSeconds !== undefined
        ? { clientIp: { timeoutSeconds: this.plan.sessionAffinityTimeoutSeconds } }
        : undefined,
      externalTrafficPolicy: o.externalTrafficPolicy,
      internalTrafficPolicy: o.internalTrafficPolicy,
      ipFamilyPolicy: o.ipFamilyPolicy,
      ipFamilies: o.ipFamilies && o.ipFamilies.length > 0 ? [...o.ipFamilies] : undefined,
      publishNotReadyAddresses: o.publishNotReadyAddresses,
      loadBalancerSourceRanges: o.loadBalancerSourceRanges ? [...o.loadBalancerSourceRanges] : undefined,
    };
  }
}
