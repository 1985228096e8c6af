/**
 * Internal building blocks of the app workloads (WebApp, BlueGreenDeployment, StatefulDatabase, AppPod), so that each
 * piece of logic lives once: identity labels, the ServiceAccount, rollout settings, the Deployment itself, Service
 * ports, the exposure NetworkPolicy and env vars. Not re-exported from index.ts: the public API stays on the
 * constructs.
 */
import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { dropPodAddressLabel } from '../internal/compat';
import * as k8s from '../../imports/k8s';
import { DisruptionBudgetOptions } from './disruption-budget';
import { AppIdentity, AppIdentityProps, selectorLabels, versionFromImage } from '../core/labels';
import {
  DEFAULT_INGRESS_CONTROLLER_NAMESPACE, NetworkPeer, NetworkPort, NetworkProtocol, allowExternalIngress, allowIngressController,
} from '../network/network-policy';
import { ResolvedPodSecurity, applyPodSecurity, podSecurityContextProps } from '../security/pod-security';
import { resolveSpreadAcrossHosts, spreadAcrossHosts } from '../internal/scheduling';
import { AppService, ServiceProtocol, ServiceType } from '../network/service';
import { checkDnsLabel, checkEnvName, checkInt, checkIntOrPercent, checkLabelValue, checkNodePort, checkPort, checkPortName, checkUnique, fail, show } from '../internal/validate';
import { RolloutStrategy, WebAppPort } from './types';
import { BackendPort, ConnectOptions, Connection, IBackend, IConsumer, ServiceEndpoint, connect, namespaceOf } from '../network/wiring';
import { IWorkloadPeer } from '../network/peer';

// ---- the IBackend / IConsumer members of an app behind one Service ----

/**
 * The wiring members of an app reached through one Service (WebApp, BlueGreenDeployment): its name, the selector
 * labels of its pods, and the Service's endpoint and ports.
 */
export abstract class ServiceBackedApp extends Construct implements IBackend, IConsumer {
  /** The name of the app: its Service, its ServiceAccount and `app.kubernetes.io/name`. */
  public abstract readonly name: string;
  /** The recommended-label identity of the pods. */
  public abstract readonly identity: AppIdentity;
  /** The Service clients use. */
  public abstract readonly service: AppService;

  /** The namespace of the chart (undefined: the chart has none). */
  public get namespace(): string | undefined {
    return namespaceOf(this);
  }

  /** Readable name used in generated object names (`<consumer>-to-<name>`). */
  public get peerName(): string {
    return this.name;
  }

  /**
   * The selector labels of the pods (`app.kubernetes.io/name` and `instance`). For a BlueGreenDeployment they
   * select every version's pods (no `version`): NetworkPolicies cover all versions, so a cut-over needs no policy change.
   */
  public get podSelector(): Record<string, string> {
    return selectorLabels(this.identity);
  }

  /** The Service's DNS names and URLs. */
  public get endpoint(): ServiceEndpoint {
    return this.service.endpoint;
  }

  /** The Service's ports (target ports as pod port numbers). */
  public get backendPorts(): BackendPort[] {
    return this.service.backendPorts;
  }

  /** Adds an env var (a literal or a `kplus.EnvValue`) to the app container of every pod template. */
  public abstract addEnv(name: string, value: string | kplus.EnvValue): void;

  /**
   * Wires this app to a backend: sets `options.env` to the backend's URL (FQDN by default) and emits the
   * NetworkPolicies allowing exactly that traffic.
   */
  public connectTo(backend: IBackend, options: ConnectOptions = {}): Connection {
    return connect(this, backend, options);
  }
}

// ---- identity ----

/**
 * Resolves and validates the recommended-label identity. `image` gives the default version; without it the
 * identity has no version (BlueGreenDeployment: each version slot has its own).
 */
export function resolveIdentity(
  scope: IConstruct, name: string, props: AppIdentityProps & { readonly component?: string }, defaultComponent: string, image?: string,
): AppIdentity {
  const identity: AppIdentity = {
    name,
    instance: props.instance,
    ...(image === undefined ? {} : { version: props.version ?? versionFromImage(image) }),
    component: props.component ?? defaultComponent,
    partOf: props.partOf,
  };
  if (props.instance !== undefined) checkLabelValue(scope, 'instance', props.instance);
  if (image !== undefined && props.version !== undefined) checkLabelValue(scope, 'version', props.version);
  checkLabelValue(scope, 'component', identity.component as string);
  if (props.partOf !== undefined) checkLabelValue(scope, 'partOf', props.partOf);
  return identity;
}

/** The `disruptionBudget` prop as options (`true`: the defaults), or undefined for none. */
export function disruptionBudgetOptions(prop: DisruptionBudgetOptions | boolean | undefined): DisruptionBudgetOptions | undefined {
  return prop === true ? {} : prop || undefined;
}

/** The workload's own ServiceAccount (`<name>`), whose token is never mounted. */
export function createServiceAccount(scope: Construct, name: string, labels: Record<string, string>): kplus.ServiceAccount {
  return new kplus.ServiceAccount(scope, 'ServiceAccount', {
    metadata: { name, labels: { ...labels } },
    automountToken: false,
  });
}

// ---- rollout and the Deployment ----

/** The rollout props of a Deployment-based app (those of WebAppProps). */
export interface RolloutProps {
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default 0
   */
  readonly minReadySeconds?: number;
  /**
   * Seconds before a stalled rollout is reported as failed.
   * @default 600
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * Old ReplicaSets kept for rollback.
   * @default 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Seconds a pod gets to shut down after SIGTERM.
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** Validated rollout settings, every default applied. */
export interface ResolvedRollout {
  /** How pods are replaced. */
  readonly strategy: RolloutStrategy;
  /** `spec.minReadySeconds`. */
  readonly minReadySeconds: number;
  /** `spec.progressDeadlineSeconds`. */
  readonly progressDeadlineSeconds: number;
  /** `spec.revisionHistoryLimit`. */
  readonly revisionHistoryLimit: number;
  /** The pod's `terminationGracePeriodSeconds`. */
  readonly terminationGracePeriodSeconds: number;
}

/** Validates the strategy and applies the defaults of the other rollout props (0, 600, 10 and 30 s). */
export function resolveRollout(scope: IConstruct, strategy: RolloutStrategy, props: RolloutProps): ResolvedRollout {
  if (strategy.type === 'RollingUpdate') {
    const surge = checkIntOrPercent(scope, 'strategy.maxSurge', strategy.maxSurge as number | string);
    const unavailable = checkIntOrPercent(scope, 'strategy.maxUnavailable', strategy.maxUnavailable as number | string);
    if (surge.value === 0 && unavailable.value === 0) {
      fail(scope, 'strategy.maxUnavailable', `must not be 0 when 'maxSurge' is 0 too (the rollout could never replace a pod), got ${show(strategy.maxUnavailable)}`);
    }
  }
  const minReady = props.minReadySeconds ?? 0;
  const progressDeadline = props.progressDeadlineSeconds ?? 600;
  const revisionHistoryLimit = props.revisionHistoryLimit ?? 10;
  const grace = props.terminationGracePeriodSeconds ?? 30;
  checkInt(scope, 'minReadySeconds', minReady, { min: 0 });
  checkInt(scope, 'progressDeadlineSeconds', progressDeadline, { min: 1 });
  if (progressDeadline <= minReady) {
    fail(scope, 'progressDeadlineSeconds', `must be greater than minReadySeconds (${minReady}), got ${progressDeadline}`);
  }
  checkInt(scope, 'revisionHistoryLimit', revisionHistoryLimit, { min: 0 });
  checkInt(scope, 'terminationGracePeriodSeconds', grace, { min: 0 });
  return {
    strategy,
    minReadySeconds: minReady,
    progressDeadlineSeconds: progressDeadline,
    revisionHistoryLimit,
    terminationGracePeriodSeconds: grace,
  };
}

/** What {@link createAppDeployment} builds a Deployment from. */
export interface AppDeploymentOptions {
  /** `metadata.name`. */
  readonly name: string;
  /** Labels of the Deployment and its pod template. */
  readonly labels: Record<string, string>;
  /** The (immutable) selector: a subset of `labels`. */
  readonly selector: Record<string, string>;
  /**
   * Annotations of the pod template.
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
  /** The replica count (undefined: owned by an autoscaler). */
  readonly replicas: number | undefined;
  /** The validated rollout settings. */
  readonly rollout: ResolvedRollout;
  /** The pods' ServiceAccount (its token is never mounted). */
  readonly serviceAccount: kplus.ServiceAccount;
  /** The pod security settings applied to the template. */
  readonly podSecurity: ResolvedPodSecurity;
  /** The `spreadAcrossHosts` prop (undefined: spread when `maxPods` > 1). */
  readonly spreadAcrossHosts: boolean | undefined;
  /** The most pods the Deployment may run (replicas, or the autoscaler's maximum). */
  readonly maxPods: number | undefined;
}

/**
 * A restricted Deployment selected by explicit app labels: no construct-path label on the pods, no mounted
 * ServiceAccount token, the rollout settings, and a soft host anti-affinity unless turned off. Containers are
 * added by the caller.
 */
export function createAppDeployment(scope: Construct, id: string, options: AppDeploymentOptions): kplus.Deployment {
  const { rollout } = options;
  const strategy = rollout.strategy;
  const deployment = new kplus.Deployment(scope, id, {
    metadata: { name: options.name, labels: { ...options.labels } },
    select: false,
    podMetadata: { labels: { ...options.labels }, annotations: options.podAnnotations ? { ...options.podAnnotations } : undefined },
    replicas: options.replicas,
    strategy: strategy.type === 'Recreate'
      ? kplus.DeploymentStrategy.recreate()
      : kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: percentOrAbsolute(strategy.maxSurge as number | string),
        maxUnavailable: percentOrAbsolute(strategy.maxUnavailable as number | string),
      }),
    minReady: Duration.seconds(rollout.minReadySeconds),
    progressDeadline: Duration.seconds(rollout.progressDeadlineSeconds),
    terminationGracePeriod: Duration.seconds(rollout.terminationGracePeriodSeconds),
    serviceAccount: options.serviceAccount,
    automountServiceAccountToken: false,
    securityContext: podSecurityContextProps(options.podSecurity),
  });
  deployment.select(kplus.LabelSelector.of({ labels: options.selector }));
  const obj = ApiObject.of(deployment);
  // kplus always adds its construct-path label to the pod template; no selector uses it, so drop it
  // (a moved construct must not change the pods' labels).
  dropPodAddressLabel(deployment);
  obj.addJsonPatch(JsonPatch.add('/spec/revisionHistoryLimit', rollout.revisionHistoryLimit));
  applyPodSecurity(deployment, options.podSecurity);
  if (resolveSpreadAcrossHosts(options.spreadAcrossHosts, options.maxPods)) spreadAcrossHosts(scope, deployment, options.selector);
  return deployment;
}

function percentOrAbsolute(v: number | string): kplus.PercentOrAbsolute {
  return typeof v === 'number' ? kplus.PercentOrAbsolute.absolute(v) : kplus.PercentOrAbsolute.percent(Number(v.replace('%', '')));
}

// ---- ports and exposure ----

/**
 * The app's ports (default `http` 8080), each validated against the Service type, with unique names and unique
 * Service ports (number and protocol, among the exposed ones); at least one, or
 * `'ports' must contain at least one port (<reachedThrough>), got []`.
 */
export function resolveAppPorts(
  scope: IConstruct, props: { readonly ports?: WebAppPort[]; readonly service?: { readonly type?: ServiceType } }, reachedThrough: string,
): WebAppPort[] {
  const ports = props.ports ?? [{ name: 'http', port: 8080 }];
  if (ports.length === 0) fail(scope, 'ports', `must contain at least one port (${reachedThrough}), got []`);
  const serviceType = props.service?.type ?? ServiceType.CLUSTER_IP;
  ports.forEach((p, i) => validateAppPort(scope, p, `ports[${i}]`, serviceType));
  checkUnique(scope, 'ports[].name', ports.map((p) => p.name));
  checkUnique(scope, 'ports[].servicePort', ports.filter((p) => p.expose ?? true).map((p) => `${p.servicePort ?? p.port}/${p.protocol ?? 'TCP'}`));
  return ports;
}

/** Validates one app port against the Service type (`nodePort` only for NodePort/LoadBalancer and exposed ports). */
export function validateAppPort(scope: IConstruct, p: WebAppPort, prop: string, type: ServiceType): void {
  checkPortName(scope, `${prop}.name`, p.name);
  checkPort(scope, `${prop}.port`, p.port);
  if (p.servicePort !== undefined) checkPort(scope, `${prop}.servicePort`, p.servicePort);
  if (p.nodePort !== undefined) {
    if (type !== ServiceType.NODE_PORT && type !== ServiceType.LOAD_BALANCER) {
      fail(scope, `${prop}.nodePort`, `is only allowed with service type NodePort or LoadBalancer, got ${p.nodePort} with ${type}`);
    }
    if (p.expose === false) fail(scope, `${prop}.nodePort`, 'requires the port to be exposed, got expose: false');
    checkNodePort(scope, `${prop}.nodePort`, p.nodePort);
  }
}

/** Declares an app port on a Service (the pod port, and the Service port by name unless `expose: false`). */
export function addAppServicePort(service: AppService, p: WebAppPort, withNodePort = true): void {
  const protocol: ServiceProtocol = p.protocol ?? kplus.Protocol.TCP;
  service.addPodPort({ name: p.name, port: p.port, protocol });
  if (p.expose ?? true) {
    service.addPort({
      name: p.name,
      port: p.servicePort ?? p.port,
      targetPort: p.name,
      nodePort: withNodePort ? p.nodePort : undefined,
      protocol,
      appProtocol: p.appProtocol,
    });
  }
}

/** What {@link createExposurePolicy} opens. */
export interface ExposureOptions {
  /** The Service whose target ports are opened (read at synth: ports added later are opened too). */
  readonly service: AppService;
  /** Whether an Ingress routes to the Service. */
  readonly hasIngress: boolean;
  /** The `ingressControllerNamespace` prop (only with an Ingress). */
  readonly ingressControllerNamespace: string | undefined;
  /** Labels of the policy object. */
  readonly labels: Record<string, string>;
}

/**
 * Validates `ingressControllerNamespace` and opens the pods' target ports by NetworkPolicy: to anywhere
 * (`<name>-from-external`) for a NodePort or LoadBalancer Service, else to the ingress controller's namespace
 * (`<name>-from-ingress`) when an Ingress routes to the Service. Returns the policy's L1 object, if any.
 */
export function createExposurePolicy(workload: IWorkloadPeer, options: ExposureOptions): k8s.KubeNetworkPolicy | undefined {
  const ingressNamespace = options.ingressControllerNamespace ?? DEFAULT_INGRESS_CONTROLLER_NAMESPACE;
  checkDnsLabel(workload, 'ingressControllerNamespace', ingressNamespace);
  if (options.ingressControllerNamespace !== undefined && !options.hasIngress) {
    fail(workload, 'ingressControllerNamespace', `only applies with 'ingress', got ${show(options.ingressControllerNamespace)} without an ingress`);
  }
  const type = options.service.type;
  const external = type === ServiceType.NODE_PORT || type === ServiceType.LOAD_BALANCER;
  if (!external && !options.hasIngress) return undefined;
  const ports = (): NetworkPort[] => options.service.backendPorts.map((p) => NetworkPort.of(p.targetPort, p.protocol as NetworkProtocol));
  const policy = external
    ? allowExternalIngress(workload, { ports, labels: options.labels })
    : allowIngressController(workload, { ports, from: [NetworkPeer.namespaceNamed(ingressNamespace)], labels: options.labels });
  return policy.apiObject;
}

// ---- env ----

/** Adds an env var to every container given (all or none: a name already used in one of them throws). */
export function addEnvVariable(scope: IConstruct, containers: kplus.Container[], name: string, value: string | kplus.EnvValue): void {
  checkEnvName(scope, 'env', name);
  for (const c of containers) {
    if (c.env.variables[name] !== undefined) fail(scope, 'env', `already has a variable ${show(name)}`);
  }
  for (const c of containers) c.env.addVariable(name, typeof value === 'string' ? kplus.EnvValue.fromValue(value) : value);
}
