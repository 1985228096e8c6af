/**
 * Service discovery values and wiring between workloads.
 *
 * A backend (anything behind a Service) exposes its cluster-DNS names as values; a consumer is wired to it in
 * one call, which hands it the address (the FQDN URL by default) as an env var, records the edge, and emits the NetworkPolicies that allow
 * exactly that traffic (egress from the consumer, ingress to the backend, on the backend's pod ports).
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
 */
import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { labelsForSelector } from '../core/labels';
import { IWorkloadPeer } from './peer';
import { NetworkPeer, NetworkPolicy, NetworkPolicyRule, NetworkPort, NetworkProtocol, PolicyType } from './network-policy';
import { checkBoolean, checkDnsLabel, checkDnsSubdomain, checkEnvName, checkRecord, fail, show } from '../internal/validate';

/** The default cluster DNS domain. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/**
 * The construct-context key that sets the cluster DNS domain (kubelet `--cluster-domain`) for every Service
 * endpoint below the scope it is set on, e.g. `new App({ ... }).node.setContext(CLUSTER_DOMAIN_CONTEXT, 'k8s.example.com')`
 * before any chart is added.
 */
export const CLUSTER_DOMAIN_CONTEXT = 'kubecraft.dev/cluster-domain';

/** The cluster DNS domain in effect at `scope`: the `CLUSTER_DOMAIN_CONTEXT` value, else `cluster.local`. */
export function clusterDomainOf(scope: IConstruct): string {
  const value: unknown = scope.node.tryGetContext(CLUSTER_DOMAIN_CONTEXT);
  if (value === undefined) return DEFAULT_CLUSTER_DOMAIN;
  checkDnsSubdomain(scope, `context ${CLUSTER_DOMAIN_CONTEXT}`, value as string);
  return value as string;
}

/** A port a backend's Service exposes. */
export interface BackendPort {
  /** The port name (`http`). */
  readonly name: string;
  /** The Service port clients connect to. */
  readonly port: number;
  /** The pod (container) port the Service forwards to. */
  readonly targetPort: number;
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
}

/** A workload reachable through a Service by cluster DNS. */
export interface IBackend extends IWorkloadPeer {
  /** DNS names and URLs of the backend's Service. */
  readonly endpoint: ServiceEndpoint;
  /** The Service's ports. */
  readonly backendPorts: BackendPort[];
}

/** Something that can receive an env var and whose pods are a peer (a workload). */
export interface IConsumer extends IWorkloadPeer {
  /** Adds a literal env var to the workload's main container(s). */
  addEnv(name: string, value: string): void;
}

/**
 * The DNS names of a Service, as values.
 * - `shortName`: `api` (resolves only inside the same namespace)
 * - `namespacedName`: `api.demo`
 * - `fqdn`: `api.demo.svc.cluster.local`
 */
export class ServiceEndpoint {
  constructor(
    /** The Service name. */
    public readonly serviceName: string,
    /** The Service's namespace (`default` when none is set). */
    public readonly namespace: string,
    /** Ports by name. */
    public readonly ports: BackendPort[] = [],
    /** The cluster DNS domain. */
    public readonly clusterDomain: string = DEFAULT_CLUSTER_DOMAIN,
  ) {}

  /** `api`: resolves inside the Service's namespace only. */
  public get shortName(): string {
    return this.serviceName;
  }

  /** `api.demo`. */
  public get namespacedName(): string {
    return `${this.serviceName}.${this.namespace}`;
  }

  /** `api.demo.svc.cluster.local`. */
  public get fqdn(): string {
    return `${this.serviceName}.${this.namespace}.svc.${this.clusterDomain}`;
  }

  /** The name a client in namespace `fromNamespace` should use: short in the same namespace, else the FQDN. */
  public hostFor(fromNamespace: string | undefined): string {
    return (fromNamespace ?? 'default') === this.namespace ? this.shortName : this.fqdn;
  }

  /** The port named `name` (or the first port). Throws when there is no such port. */
  public port(name?: string): BackendPort {
    const p = name === undefined ? this.ports[0] : this.ports.find((x) => x.name === name);
    if (!p) {
      throw new Error(`service ${this.serviceName}: no port ${name === undefined ? '' : `named ${JSON.stringify(name)} `}(ports: ${this.ports.map((x) => x.name).join(', ') || 'none'})`);
    }
    return p;
  }

  /**
   * A URL to the Service: `http://api.demo.svc.cluster.local:8080`. Uses the FQDN unless `host` is given.
   */
  public url(options: { scheme?: string; portName?: string; path?: string; host?: string } = {}): string {
    const scheme = options.scheme ?? 'http';
    const port = this.port(options.portName).port;
    const defaultPort = (scheme === 'http' && port === 80) || (scheme === 'https' && port === 443);
    return `${scheme}://${options.host ?? this.fqdn}${defaultPort ? '' : `:${port}`}${options.path ?? ''}`;
  }

  /** The SRV record name of a named port: `_http._tcp.api.demo.svc.cluster.local`. */
  public srvName(portName: string): string {
    const p = this.port(portName);
    if (!p.name) throw new Error(`service ${this.serviceName}: port ${p.port} has no name, so it has no SRV record`);
    return `_${p.name}._${p.protocol.toLowerCase()}.${this.fqdn}`;
  }
}

/** The namespace of a construct's chart. */
export function namespaceOf(scope: IConstruct): string | undefined {
  return Chart.of(scope).namespace;
}

/** One recorded consumer -> backend edge. */
export interface Connection {
  /** The consumer. */
  readonly from: IWorkloadPeer;
  /** The backend. */
  readonly to: IWorkloadPeer;
  /** Pod ports allowed (the backend's target ports). */
  readonly ports: {
    /** The pod port number. */
    port: number;
    /** `TCP`, `UDP` or `SCTP`. */
    protocol: string;
  }[];
  /** The env var that carries the address, when one was set. */
  readonly env?: string;
}

const CONNECTIONS = Symbol.for('kubecraft.connections');

/** The connections recorded in the app that contains `scope`, in the order they were made. */
export function connectionsOf(scope: IConstruct): Connection[] {
  const root = scope.node.root as unknown as Record<symbol, Connection[] | undefined>;
  return root[CONNECTIONS] ?? [];
}

function record(scope: IConstruct, c: Connection): void {
  const root = scope.node.root as unknown as Record<symbol, Connection[] | undefined>;
  (root[CONNECTIONS] ??= []).push(c);
}

/** Options of `connect`. */
export interface ConnectOptions {
  /**
   * The env var that receives the backend's URL (`http://<host>:<port>`).
   * @default - no env var
   */
  readonly env?: string;
  /**
   * The URL scheme of the env var.
   * @default 'http'
   */
  readonly scheme?: string;
  /**
   * The backend port to connect to, by name.
   * @default - all of the backend's ports are allowed; the URL uses the first
   */
  readonly portName?: string;
  /**
   * Use the short name (`api`) when both are in the same namespace. The FQDN always resolves, whatever the
   * consumer's DNS search path, so it is the default.
   * @default false - the FQDN (`api.demo.svc.cluster.local`)
   */
  readonly preferShortName?: boolean;
  /**
   * Emit the NetworkPolicies that allow this traffic.
   * @default true
   */
  readonly networkPolicy?: boolean;
}

/** The NetworkPolicies emitted so far in an app, by `<namespace>/<name>`, with the ports each allows. */
interface EmittedPolicy {
  readonly from: IWorkloadPeer;
  readonly to: IWorkloadPeer;
  readonly ports: { port: number; protocol: string }[];
}

const POLICIES = Symbol.for('kubecraft.networkPolicies');

function policiesOf(scope: IConstruct): Map<string, EmittedPolicy> {
  const root = scope.node.root as unknown as Record<symbol, Map<string, EmittedPolicy> | undefined>;
  return (root[POLICIES] ??= new Map());
}

function sameNamespace(a: IWorkloadPeer, b: IWorkloadPeer): boolean {
  return (a.namespace ?? 'default') === (b.namespace ?? 'default');
}

/**
 * Emits (or extends) one side of a connection: the policy named `name`, owned by (and in the namespace of) the
 * consumer for egress, the backend for ingress. A second connection between the same two workloads adds its
 * ports to the existing policy instead of emitting another.
 */
function emitPolicy(
  direction: PolicyType,
  name: string,
  edge: { from: IWorkloadPeer; to: IWorkloadPeer },
  ports: { port: number; protocol: string }[],
): void {
  const [owner, peer] = direction === PolicyType.EGRESS ? [edge.from, edge.to] : [edge.to, edge.from];
  checkDnsLabel(owner, 'networkPolicy name', name, 253);
  const key = `${owner.namespace ?? 'default'}/${name}`;
  const policies = policiesOf(owner);
  const existing = policies.get(key);
  if (existing && (existing.from !== edge.from || existing.to !== edge.to)) {
    fail(edge.from, 'connectTo', `must not reuse NetworkPolicy ${key}, which already allows ${existing.from.node.path} -> ${existing.to.node.path} (rename one of the workloads' peerName so each edge gets its own policy), got ${edge.from.node.path} -> ${edge.to.node.path}`);
  }
  const entry: EmittedPolicy = existing ?? { ...edge, ports: [] };
  for (const p of ports) {
    if (!entry.ports.some((x) => x.port === p.port && x.protocol === p.protocol)) entry.ports.push(p);
  }
  if (existing) return;
  policies.set(key, entry);
  const rule: NetworkPolicyRule = {
    peers: [NetworkPeer.workload(peer, owner.namespace)],
    ports: () => entry.ports.map((p) => NetworkPort.of(p.port, p.protocol as NetworkProtocol)),
  };
  const egress = direction === PolicyType.EGRESS;
  new NetworkPolicy(owner as Construct, egress ? `NetworkPolicy-to-${edge.to.node.addr}` : `NetworkPolicy-from-${edge.from.node.addr}`, {
    name,
    namespace: owner.namespace,
    podSelector: owner.podSelector,
    labels: labelsForSelector(owner.podSelector, owner.peerName),
    ...(egress ? { egress: [rule] } : { ingress: [rule] }),
  });
}

/**
 * Emits the two NetworkPolicies that allow `from` to reach `to` on `ports`: an egress policy selecting the
 * consumer's pods (`<from>-to-<to>`) and an ingress policy selecting the backend's pods (`<to>-from-<from>`).
 * Each lives in its workload's namespace (and scope), so a default-deny in either namespace is opened exactly.
 * Across namespaces the peer's namespace is appended (`web-to-api-prod`, `api-from-web-dev`), so one consumer
 * wired to `api` in its own namespace and in another gets two policies, not one overwritten by the other.
 * Connecting the same pair again adds the new ports to the existing policies.
 */
export function allowTraffic(from: IWorkloadPeer, to: IWorkloadPeer, ports: { port: number; protocol: string }[]): void {
  const cross = !sameNamespace(from, to);
  const egressName = `${from.peerName}-to-${to.peerName}${cross ? `-${to.namespace ?? 'default'}` : ''}`;
  const ingressName = `${to.peerName}-from-${from.peerName}${cross ? `-${from.namespace ?? 'default'}` : ''}`;
  emitPolicy(PolicyType.EGRESS, egressName, { from, to }, ports);
  emitPolicy(PolicyType.INGRESS, ingressName, { from, to }, ports);
}

/**
 * Wires `consumer` to `backend`: sets the env var to the backend's URL (the FQDN, or with `preferShortName` the
 * short name in the same namespace), records the edge, and allows the traffic by NetworkPolicy. Returns the recorded connection.
 */
export function connect(consumer: IConsumer, backend: IBackend, options: ConnectOptions = {}): Connection {
  if (typeof backend !== 'object' || backend === null || !(backend.endpoint instanceof ServiceEndpoint) || !Array.isArray(backend.backendPorts)) {
    fail(consumer, 'connectTo', `must name a backend (a WebApp, BlueGreenDeployment, StatefulDatabase or another IBackend), got ${show(backend)}`);
  }
  if (consumer === (backend as IWorkloadPeer)) fail(consumer, 'connectTo', `must name a backend other than the workload itself, got ${consumer.node.path}`);
  checkRecord(consumer, 'connectTo options', options as unknown);
  if (options.env !== undefined) checkEnvName(consumer, 'connectTo.env', options.env);
  if (options.scheme !== undefined && (typeof options.scheme !== 'string' || !/^[a-z][a-z0-9+.-]*$/.test(options.scheme))) {
    fail(consumer, 'connectTo.scheme', `must be a URL scheme such as "http" or "postgres" (lowercase letters, digits, '+', '-' and '.'), got ${show(options.scheme)}`);
  }
  for (const flag of ['preferShortName', 'networkPolicy'] as const) {
    if (options[flag] !== undefined) checkBoolean(consumer, `connectTo.${flag}`, options[flag]);
  }
  if (options.portName !== undefined && !backend.backendPorts.some((p) => p.name === options.portName)) {
    fail(consumer, 'connectTo.portName', `must name a port of ${backend.node.path} (${backend.backendPorts.map((p) => show(p.name)).join(', ') || 'none'}), got ${show(options.portName)}`);
  }
  const ports = options.portName === undefined ? backend.backendPorts : [backend.endpoint.port(options.portName)];
  if (ports.length === 0) fail(consumer, 'connectTo', `must name a backend with at least one port, got ${backend.node.path} (no ports)`);
  if (options.env !== undefined) {
    const host = options.preferShortName ? backend.endpoint.hostFor(consumer.namespace) : backend.endpoint.fqdn;
    consumer.addEnv(options.env, backend.endpoint.url({ scheme: options.scheme, portName: options.portName, host }));
  }
  const allowed = ports.map((p) => ({ port: p.targetPort, protocol: p.protocol }));
  if (options.networkPolicy ?? true) allowTraffic(consumer, backend, allowed);
  const c: Connection = { from: consumer, to: backend, ports: allowed, env: options.env };
  record(consumer, c);
  return c;
}
