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
import { DEFAULT_SHUTDOWN_DELAY, ResolvedContainer } from './container';
import { DisruptionBudgetOptions } from './disruption-budget';
import { AppIdentity, AppIdentityProps, LABEL, recommendedLabels, selectorLabels, versionFromImage } from '../core/labels';
import {
  DEFAULT_INGRESS_CONTROLLER_NAMESPACE, NetworkPeer, NetworkPort, NetworkProtocol, allowExternalIngress, allowIngressController,
} from '../network/network-policy';
import { ResolvedPodSecurity, applyPodSecurity, podSecurityContextProps } from '../security/pod-security';
import { resolveSpreadAcrossHosts, spreadAcrossHosts } from '../internal/scheduling';
import { AppService, AppServicePort, ServiceProtocol, ServiceType } from '../network/service';
import {
  checkAnnotations, checkArray, checkDnsLabel, checkEnvName, checkInt, checkIntOrPercent, checkLabels, checkLabelValue, checkNodePort, checkPort, checkPortName,
  checkRecord, checkUnique, fail, show,
} from '../internal/validate';
import { resolveSeconds } from '../internal/duration';
import {
  ExtraServiceOptions, PodTemplateMetadataProps, RolloutStrategy, TargetPortStyle, WebAppPort, WorkloadMetadataProps, WorkloadServiceOptions,
} from './types';
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
  /** The labels selecting every pod of the app (`selectorLabels`, default name and instance). */
  protected abstract readonly selector: Record<string, string>;

  /** The namespace of the chart (undefined: the chart has none). */
  public get namespace(): string | undefined {
    return namespaceOf(this);
  }

  /** Readable name used in generated object names (`<consumer>-to-<name>`). */
  public get peerName(): string {
    return this.name;
  }

  /**
   * The selector labels of the pods (`selectorLabels`, default `app.kubernetes.io/name` and `instance`). For a
   * BlueGreenDeployment they select every version's pods (no `version`): NetworkPolicies cover all versions, so a
   * cut-over needs no policy change.
   */
  public get podSelector(): Record<string, string> {
    return { ...this.selector };
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

// ---- labels, annotations and selectors of a workload ----

/** Labels that controllers set on each pod or revision: never in a selector of ours. */
const CONTROLLER_LABELS = ['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index'];

/** The resolved metadata of a workload: labels of its objects and pods, its selector, its annotations. */
export interface WorkloadMetadata {
  /** Labels of every object the construct emits: the user's `labels`, then the recommended labels of the identity. */
  readonly objectLabels: Record<string, string>;
  /** The user's `labels` alone (for objects whose constructs set the recommended labels themselves). */
  readonly extraLabels: Record<string, string>;
  /** Labels of the pods: `labels`, `podLabels`, the selector, then the recommended labels (with the version). */
  readonly podLabels: Record<string, string>;
  /** The pod labels of the user's own (`labels`, `podLabels`, the selector), without the recommended ones. */
  readonly userPodLabels: Record<string, string>;
  /** The labels selecting every pod of the workload. */
  readonly selector: Record<string, string>;
  /** Annotations of every object (undefined: none). */
  readonly annotations: Record<string, string> | undefined;
  /** Annotations of the pod template (undefined: none). */
  readonly podAnnotations: Record<string, string> | undefined;
}

/** What else {@link resolveWorkloadMetadata} must know. */
export interface WorkloadMetadataOptions {
  /** The pods' `app.kubernetes.io/version` (undefined: none, or per version as in a BlueGreenDeployment). */
  readonly podVersion?: string;
  /** Every value that changes with a release (versions, image tags): none may appear in `selectorLabels`. */
  readonly releaseValues?: (string | undefined)[];
  /** Label keys the construct sets itself on the pods, with the reason (e.g. `version` of a blue/green slot). */
  readonly reservedKeys?: Record<string, string>;
}

/** Validates extra labels (key syntax, value syntax) and forbids overriding the recommended ones. */
export function checkExtraLabels(scope: IConstruct, prop: string, labels: Record<string, string>, reserved: Record<string, string> = {}): void {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) fail(scope, prop, `must be a map of label keys to values, got ${show(labels)}`);
  checkLabels(scope, prop, labels);
  for (const k of Object.keys(labels)) {
    if (Object.values(LABEL).includes(k as (typeof LABEL)[keyof typeof LABEL])) {
      fail(scope, prop, `must not set the recommended label ${show(k)}: use the matching prop (name, instance, version, component, partOf)`);
    }
    if (reserved[k] !== undefined) fail(scope, prop, `must not set ${show(k)}: ${reserved[k]}`);
  }
}


/**
 * Resolves and validates the labels, selector and annotations of a workload (`labels`, `annotations`,
 * `selectorLabels`, `podLabels`, `podAnnotations`) for the recommended-label identity `identity`.
 */
export function resolveWorkloadMetadata(
  scope: IConstruct, props: WorkloadMetadataProps & PodTemplateMetadataProps, identity: AppIdentity, options: WorkloadMetadataOptions = {},
): WorkloadMetadata {
  const reserved = options.reservedKeys ?? {};
  const labels = { ...(props.labels ?? {}) };
  const podOnly = { ...(props.podLabels ?? {}) };
  checkExtraLabels(scope, 'labels', labels, reserved);
  checkExtraLabels(scope, 'podLabels', podOnly, reserved);
  if (props.annotations !== undefined) checkAnnotations(scope, 'annotations', props.annotations);
  if (props.podAnnotations !== undefined) checkAnnotations(scope, 'podAnnotations', props.podAnnotations);
  for (const [k, v] of Object.entries(podOnly)) {
    if (labels[k] !== undefined && labels[k] !== v) {
      fail(scope, `podLabels[${show(k)}]`, `must not give the pods another value than 'labels' (${show(labels[k])}), got ${show(v)}`);
    }
  }

  const recommended = recommendedLabels(identity);
  const podRecommended = recommendedLabels({ ...identity, version: options.podVersion ?? identity.version });
  const selector = props.selectorLabels === undefined
    ? selectorLabels(identity)
    : checkSelectorLabels(scope, props.selectorLabels, podRecommended, reserved, options.releaseValues ?? []);
  for (const [k, v] of Object.entries(selector)) {
    for (const [prop, given] of [['labels', labels], ['podLabels', podOnly]] as const) {
      if (given[k] !== undefined && given[k] !== v) {
        fail(scope, `${prop}[${show(k)}]`, `must not give the pods another value than 'selectorLabels' (${show(v)}), got ${show(given[k])}`);
      }
    }
  }
  const nonEmpty = (m: Record<string, string> | undefined) => (m && Object.keys(m).length > 0 ? { ...m } : undefined);
  const userPodLabels = { ...labels, ...podOnly, ...selector };
  return {
    objectLabels: { ...labels, ...recommended },
    extraLabels: labels,
    podLabels: { ...userPodLabels, ...podRecommended },
    userPodLabels,
    selector,
    annotations: nonEmpty(props.annotations),
    podAnnotations: nonEmpty(props.podAnnotations),
  };
}

function checkSelectorLabels(
  scope: IConstruct, given: Record<string, string>, recommended: Record<string, string>, reserved: Record<string, string>, releaseValues: (string | undefined)[],
): Record<string, string> {
  const prop = 'selectorLabels';
  if (typeof given !== 'object' || given === null || Array.isArray(given) || Object.keys(given).length === 0) {
    fail(scope, prop, `must contain at least one label (leave it out for app.kubernetes.io/name and instance), got ${show(given)}`);
  }
  checkLabels(scope, prop, given);
  for (const [k, v] of Object.entries(given)) {
    if (k === LABEL.VERSION) {
      fail(scope, prop, `must not contain ${show(k)}: it changes with every release, and a workload's selector is immutable`);
    }
    if (CONTROLLER_LABELS.includes(k)) fail(scope, prop, `must not contain ${show(k)}: controllers set it per pod or revision, got ${show(v)}`);
    if (reserved[k] !== undefined) fail(scope, prop, `must not contain ${show(k)}: ${reserved[k]}`);
    if (Object.values(LABEL).includes(k as (typeof LABEL)[keyof typeof LABEL]) && recommended[k] !== v) {
      fail(scope, `${prop}[${show(k)}]`, `must equal the recommended label the construct sets (${show(recommended[k] ?? '(not set)')}), got ${show(v)}`);
    }
    if (releaseValues.some((r) => r !== undefined && r !== '' && r === v)) {
      fail(scope, `${prop}[${show(k)}]`, `must not be a version or image tag (it would change with a release, and a workload's selector is immutable), got ${show(v)}`);
    }
  }
  return { ...given };
}

/**
 * Adds labels and annotations to the metadata of an object built by another construct (an L1 object, or any
 * construct whose default child is one), e.g. the user's labels on a PodDisruptionBudget or an Ingress.
 */
export function applyObjectMetadata(obj: IConstruct, labels: Record<string, string>, annotations: Record<string, string> | undefined): void {
  const meta = ApiObject.of(obj).metadata;
  for (const [k, v] of Object.entries(labels)) meta.addLabel(k, v);
  for (const [k, v] of Object.entries(annotations ?? {})) meta.addAnnotation(k, v);
}

/** The `disruptionBudget` prop as options (`true`: the defaults), or undefined for none. */
export function disruptionBudgetOptions(prop: DisruptionBudgetOptions | boolean | undefined): DisruptionBudgetOptions | undefined {
  return prop === true ? {} : prop || undefined;
}

/** The workload's own ServiceAccount (`<name>`), whose token is never mounted. */
export function createServiceAccount(
  scope: Construct, name: string, labels: Record<string, string>, annotations?: Record<string, string>,
): kplus.ServiceAccount {
  return new kplus.ServiceAccount(scope, 'ServiceAccount', {
    metadata: { name, labels: { ...labels }, annotations: annotations ? { ...annotations } : undefined },
    automountToken: false,
  });
}

// ---- rollout and the Deployment ----

/** The rollout props of a Deployment-based app (those of WebAppProps). */
export interface RolloutProps {
  /**
   * How long a new pod must be ready before it counts as available (`minReadySeconds`), in whole seconds.
   * @default Duration.seconds(0)
   */
  readonly minReady?: Duration;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @deprecated use `minReady`
   */
  readonly minReadySeconds?: number;
  /**
   * How long a rollout may make no progress before it is reported as failed (`progressDeadlineSeconds`); longer
   * than `minReady`.
   * @default Duration.minutes(10)
   */
  readonly progressDeadline?: Duration;
  /**
   * Seconds before a stalled rollout is reported as failed.
   * @deprecated use `progressDeadline`
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * Old ReplicaSets kept for rollback (`kubectl rollout undo`).
   * @default 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * How long a pod gets to shut down after SIGTERM before SIGKILL (`terminationGracePeriodSeconds`).
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Seconds a pod gets to shut down after SIGTERM.
   * @deprecated use `terminationGracePeriod`
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
  const minReady = resolveSeconds(scope, {
    prop: 'minReady', value: props.minReady, secondsProp: 'minReadySeconds', seconds: props.minReadySeconds, default: Duration.seconds(0), min: 0,
  });
  const progressDeadline = resolveSeconds(scope, {
    prop: 'progressDeadline', value: props.progressDeadline, secondsProp: 'progressDeadlineSeconds', seconds: props.progressDeadlineSeconds,
    default: Duration.seconds(600), min: 1,
  });
  if (progressDeadline <= minReady) {
    if (props.progressDeadline === undefined && props.minReady === undefined) {
      fail(scope, 'progressDeadlineSeconds', `must be greater than minReadySeconds (${minReady}), got ${progressDeadline}`);
    }
    fail(scope, props.progressDeadline !== undefined ? 'progressDeadline' : 'progressDeadlineSeconds', `must be longer than minReady (${minReady}s), got ${progressDeadline}s`);
  }
  const revisionHistoryLimit = props.revisionHistoryLimit ?? 10;
  checkInt(scope, 'revisionHistoryLimit', revisionHistoryLimit, { min: 0 });
  const grace = resolveSeconds(scope, {
    prop: 'terminationGracePeriod', value: props.terminationGracePeriod, secondsProp: 'terminationGracePeriodSeconds',
    seconds: props.terminationGracePeriodSeconds, default: Duration.seconds(30), min: 0,
  });
  return {
    strategy,
    minReadySeconds: minReady,
    progressDeadlineSeconds: progressDeadline,
    revisionHistoryLimit,
    terminationGracePeriodSeconds: grace,
  };
}

/** The default `shutdownDelay` of a Service-backed app container: 5 s, at most half the grace period. */
export function defaultShutdownDelay(rollout: ResolvedRollout): Duration {
  return Duration.seconds(Math.min(DEFAULT_SHUTDOWN_DELAY.toSeconds(), Math.floor(rollout.terminationGracePeriodSeconds / 2)));
}

/**
 * The app container's `shutdownDelay` must leave the process time to stop inside the pod's grace period:
 * `'<prop>' must be shorter than terminationGracePeriod (30s), got 30s`.
 */
export function checkShutdownDelay(scope: IConstruct, container: ResolvedContainer, rollout: ResolvedRollout, prop = 'shutdownDelay'): void {
  const delay = container.shutdownDelaySeconds;
  const grace = rollout.terminationGracePeriodSeconds;
  if (delay > 0 && delay >= grace) fail(scope, prop, `must be shorter than terminationGracePeriod (${grace}s), got ${delay}s`);
}

/** What {@link createAppDeployment} builds a Deployment from. */
export interface AppDeploymentOptions {
  /** `metadata.name`. */
  readonly name: string;
  /** Labels of the Deployment (and of its pod template, unless `podLabels`). */
  readonly labels: Record<string, string>;
  /**
   * Labels of the pod template.
   * @default - `labels`
   */
  readonly podLabels?: Record<string, string>;
  /** The (immutable) selector: a subset of the pod labels. */
  readonly selector: Record<string, string>;
  /**
   * Annotations of the Deployment.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
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
    metadata: { name: options.name, labels: { ...options.labels }, annotations: options.annotations ? { ...options.annotations } : undefined },
    select: false,
    podMetadata: {
      labels: { ...(options.podLabels ?? options.labels) },
      annotations: options.podAnnotations ? { ...options.podAnnotations } : undefined,
    },
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
  if (props.ports !== undefined) checkArray(scope, 'ports', props.ports); // null is refused, never defaulted
  const ports = props.ports ?? [{ name: 'http', port: 8080 }];
  ports.forEach((p, i) => checkRecord(scope, `ports[${i}]`, p as unknown));
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

/**
 * Declares an app port on a Service: the pod port, and the Service port (targeting the container port by name, or
 * by number with `TargetPortStyle.BY_NUMBER`) unless `expose: false`.
 */
export function addAppServicePort(service: AppService, p: WebAppPort, withNodePort = true, style = TargetPortStyle.BY_NAME): void {
  const protocol: ServiceProtocol = p.protocol ?? kplus.Protocol.TCP;
  service.addPodPort({ name: p.name, port: p.port, protocol });
  if (p.expose ?? true) {
    service.addPort({
      name: p.name,
      port: p.servicePort ?? p.port,
      targetPort: style === TargetPortStyle.BY_NUMBER ? p.port : p.name,
      nodePort: withNodePort ? p.nodePort : undefined,
      protocol,
      appProtocol: p.appProtocol,
    });
  }
}

/** What {@link createExposurePolicy} opens. */
export interface ExposureOptions {
  /** The workload's own Service, if any (its target ports are read at synth: ports added later are opened too). */
  readonly service: AppService | undefined;
  /**
   * Every Service of the workload (its own and extra ones), read at synth.
   * @default - the workload's own Service
   */
  readonly services?: () => readonly AppService[];
  /** Whether an Ingress routes to the Service. */
  readonly hasIngress: boolean;
  /** The `ingressControllerNamespace` prop (only with an Ingress). */
  readonly ingressControllerNamespace: string | undefined;
  /** Labels of the policy object. */
  readonly labels: Record<string, string>;
  /**
   * Annotations of the policy object.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** Validates the `ingressControllerNamespace` prop (only with an Ingress); returns it or the default. */
export function resolveIngressControllerNamespace(scope: IConstruct, given: string | undefined, hasIngress: boolean): string {
  const ns = given ?? DEFAULT_INGRESS_CONTROLLER_NAMESPACE;
  checkDnsLabel(scope, 'ingressControllerNamespace', ns);
  if (given !== undefined && !hasIngress) fail(scope, 'ingressControllerNamespace', `only applies with 'ingress', got ${show(given)} without an ingress`);
  return ns;
}

/** Whether a Service is reachable from outside the cluster (NodePort or LoadBalancer). */
export function isExternal(service: AppService): boolean {
  return service.type === ServiceType.NODE_PORT || service.type === ServiceType.LOAD_BALANCER;
}

/** The pod ports the Services target, once each (by number and protocol). */
function targetPortsOf(services: readonly AppService[]): NetworkPort[] {
  const seen = new Set<string>();
  const out: NetworkPort[] = [];
  for (const p of services.flatMap((s) => s.backendPorts)) {
    const key = `${p.targetPort}/${p.protocol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(NetworkPort.of(p.targetPort, p.protocol as NetworkProtocol));
  }
  return out;
}

/**
 * Validates `ingressControllerNamespace` and opens the pods' target ports by NetworkPolicy: to anywhere
 * (`<name>-from-external`) for a NodePort or LoadBalancer Service, else to the ingress controller's namespace
 * (`<name>-from-ingress`) when an Ingress routes to the Service. Returns the policy's L1 object, if any.
 */
export function createExposurePolicy(workload: IWorkloadPeer, options: ExposureOptions): k8s.KubeNetworkPolicy | undefined {
  const ingressNamespace = resolveIngressControllerNamespace(workload, options.ingressControllerNamespace, options.hasIngress);
  const main = options.service;
  if (main !== undefined && isExternal(main)) {
    return openToExternal(workload, options.services ?? (() => [main]), options.labels, options.annotations);
  }
  if (main === undefined || !options.hasIngress) return undefined;
  const policy = allowIngressController(workload, {
    ports: () => targetPortsOf([main]), from: [NetworkPeer.namespaceNamed(ingressNamespace)], labels: options.labels,
  });
  applyObjectMetadata(policy.apiObject, {}, options.annotations);
  return policy.apiObject;
}

const EXTERNAL_POLICIES = new WeakMap<IWorkloadPeer, k8s.KubeNetworkPolicy>();

/**
 * The NetworkPolicy opening the workload's pods to traffic from anywhere (`<name>-from-external`), on the target
 * ports of every NodePort or LoadBalancer Service among `services` (read at synth). Created once per workload.
 */
export function openToExternal(
  workload: IWorkloadPeer, services: () => readonly AppService[], labels: Record<string, string>, annotations?: Record<string, string>,
): k8s.KubeNetworkPolicy {
  const existing = EXTERNAL_POLICIES.get(workload);
  if (existing) return existing;
  const policy = allowExternalIngress(workload, { ports: () => targetPortsOf(services().filter(isExternal)), labels });
  applyObjectMetadata(policy.apiObject, {}, annotations);
  EXTERNAL_POLICIES.set(workload, policy.apiObject);
  return policy.apiObject;
}

// ---- Services over a workload's pods ----

/** What a workload passes to {@link createWorkloadService}. */
export interface WorkloadServiceSpec {
  /** The construct id of the Service. */
  readonly id: string;
  /** The Service name. */
  readonly name: string;
  /** The Service options as given. */
  readonly options: WorkloadServiceOptions;
  /** The selector. */
  readonly selector: Record<string, string>;
  /** The recommended-label identity of the Service. */
  readonly identity: AppIdentity;
  /** Labels over the recommended ones (the user's `labels` and the options' `labels`). */
  readonly labels: Record<string, string>;
  /** Annotations of the workload, under the options' own. */
  readonly annotations: Record<string, string> | undefined;
}

/** A Service over a workload's pods (the ports are added by the caller). */
export function createWorkloadService(scope: Construct, spec: WorkloadServiceSpec): AppService {
  const o = spec.options;
  const labels = { ...spec.labels, ...(o.labels ?? {}) };
  const annotations = { ...(spec.annotations ?? {}), ...(o.annotations ?? {}) };
  return new AppService(scope, spec.id, {
    ...o,
    ports: undefined, // added by the caller (ExtraServiceOptions.ports included)
    selector: spec.selector,
    name: spec.name,
    identity: spec.identity,
    labels: Object.keys(labels).length > 0 ? labels : undefined,
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
  });
}

/**
 * Validates an extra Service's selector: labels the workload's pods carry (so it selects a subset of them).
 */
export function resolveExtraSelector(
  scope: IConstruct, prop: string, selector: Record<string, string> | undefined, podLabels: Record<string, string>, fallback: Record<string, string>,
): Record<string, string> {
  if (selector === undefined) return { ...fallback };
  if (typeof selector !== 'object' || selector === null || Object.keys(selector).length === 0) {
    fail(scope, prop, `must contain at least one label of the pods, got ${show(selector)}`);
  }
  checkLabels(scope, prop, selector);
  for (const [k, v] of Object.entries(selector)) {
    if (podLabels[k] !== v) {
      fail(scope, `${prop}[${show(k)}]`, `must be a label the pods carry (${Object.entries(podLabels).map(([a, b]) => `${a}=${b}`).join(', ')}), got ${show(`${k}=${v}`)}`);
    }
  }
  return { ...selector };
}

/** The ports of an extra Service: explicit ones, or the app ports the workload exposes. */
export function addExtraServicePorts(
  service: AppService, options: ExtraServiceOptions, appPorts: readonly WebAppPort[],
): void {
  if (options.ports !== undefined) {
    for (const p of appPorts) service.addPodPort({ name: p.name, port: p.port, protocol: p.protocol ?? kplus.Protocol.TCP });
    options.ports.forEach((p: AppServicePort) => service.addPort(p));
    return;
  }
  const style = options.targetPortStyle ?? TargetPortStyle.BY_NAME;
  for (const p of appPorts) addAppServicePort(service, p, true, style);
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
