/**
 * WebApp: a stateless HTTP application — Deployment + Service + its own ServiceAccount — secure by default
 * (Pod Security "restricted", no service-account token, explicit resources) with optional
 * PodDisruptionBudget, HorizontalPodAutoscaler, topology spread and Ingress.
 *
 * Exposure and NetworkPolicy: every namespace is expected to carry a default-deny policy. A WebApp therefore
 * emits, besides the policies of `connectTo`, one NetworkPolicy that opens its target ports
 * - to every source (`<name>-from-external`, as `allowExternalIngress` builds it) when the Service is NodePort or
 *   LoadBalancer, because node and load-balancer traffic arrives from addresses outside the cluster;
 * - to the ingress controller's namespace (`<name>-from-ingress`, as `allowIngressController` builds it; namespace
 *   `ingressControllerNamespace`, default `ingress-nginx`) when an Ingress is configured.
 * A ClusterIP WebApp without Ingress is reachable only by workloads wired to it with `connectTo`.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import {
  ResolvedRollout, RolloutProps, ServiceBackedApp, WorkloadMetadata, addAppServicePort, addEnvVariable, addExtraServicePorts, applyObjectMetadata, checkShutdownDelay, defaultShutdownDelay,
  createAppDeployment, createExposurePolicy, createServiceAccount, createWorkloadService, disruptionBudgetOptions, isExternal, openToExternal,
  resolveAppPorts, resolveExtraSelector, resolveIdentity, resolveIngressControllerNamespace, resolveRollout, resolveWorkloadMetadata, validateAppPort,
} from './app-workload';
import {
  AppContainerOptions, ContainerRole, InitContainerOptions, ResolvedContainer, addContainer, resolveContainer,
} from './container';
import {
  ExtraServiceOptions, PodTemplateMetadataProps, RolloutStrategy, TargetPortStyle, WebAppPort, WorkloadMetadataProps, WorkloadServiceOptions,
} from './types';
import { DisruptionBudget, DisruptionBudgetOptions, validateDisruptionBudget } from './disruption-budget';
import { AppIngress, AppIngressOptions } from '../network/ingress';
import { AppIdentity, AppIdentityProps, versionFromImage } from '../core/labels';
import { PodSecurityOptions, ResolvedPodSecurity, resolvePodSecurity } from '../security/pod-security';
import { AppService, ServiceType } from '../network/service';
import { checkDnsLabel, checkInt, checkInt32, checkLabelKey, checkOneOf, checkUnique, fail, show } from '../internal/validate';

/** Autoscaling of a WebApp by a `autoscaling/v2` HorizontalPodAutoscaler. */
export interface WebAppAutoscalingOptions {
  /**
   * Fewest replicas.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU use, in percent of the CPU request.
   * @default 70 (unless only `memoryUtilizationPercent` is given)
   */
  readonly cpuUtilizationPercent?: number;
  /**
   * Target average memory use, in percent of the memory request.
   * @default - memory is not a scaling metric
   */
  readonly memoryUtilizationPercent?: number;
}

/** What to do with a pod that cannot be placed without breaking `maxSkew`. */
export enum WhenUnsatisfiable {
  /** Keep the pod pending (hard constraint). */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
  /** Place it anyway, preferring less skew (soft constraint). */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
}

/** A node label pods are spread across. */
export class TopologyKey {
  /** One domain per node. */
  public static readonly HOSTNAME = new TopologyKey('kubernetes.io/hostname');
  /** One domain per availability zone. */
  public static readonly ZONE = new TopologyKey('topology.kubernetes.io/zone');
  /** One domain per region. */
  public static readonly REGION = new TopologyKey('topology.kubernetes.io/region');
  /** Any other node label. */
  public static of(label: string): TopologyKey {
    return new TopologyKey(label);
  }

  /** The node label key. */
  public readonly key: string;

  private constructor(key: string) {
    this.key = key;
  }
}

/** A topology spread constraint over the WebApp's own pods. */
export interface TopologySpreadOptions {
  /** The node label defining the domains. */
  readonly topologyKey: TopologyKey;
  /**
   * The largest allowed difference of pod counts between two domains.
   * @default 1
   */
  readonly maxSkew?: number;
  /**
   * Hard or soft.
   * @default WhenUnsatisfiable.SCHEDULE_ANYWAY
   */
  readonly whenUnsatisfiable?: WhenUnsatisfiable;
  /**
   * Minimum number of eligible domains (only with `DO_NOT_SCHEDULE`).
   * @default - not set
   */
  readonly minDomains?: number;
}

/** Props of {@link WebApp}: the app container's options, the rollout, labels and selector, and the pod-level settings. */
export interface WebAppProps extends AppIdentityProps, AppContainerOptions, RolloutProps, WorkloadMetadataProps, PodTemplateMetadataProps {
  /**
   * Name of the Deployment, Service and ServiceAccount, and `app.kubernetes.io/name` (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default 'frontend'
   */
  readonly component?: string;
  /**
   * The name of the app container.
   * @default - the same as `name`
   */
  readonly containerName?: string;
  /**
   * Named container ports, each exposed by the Service (by name) unless `expose: false`. At least one.
   * @default [{ name: 'http', port: 8080 }]
   */
  readonly ports?: WebAppPort[];
  /**
   * Pods to run. Leave unset with `autoscaling` (the HPA owns the count).
   * @default 2 (none with `autoscaling`)
   */
  readonly replicas?: number;
  /**
   * Pod-level security (user, group, fsGroup, seccomp).
   * @default - restricted: non-root 10001:10001, RuntimeDefault seccomp
   */
  readonly podSecurity?: PodSecurityOptions;
  /**
   * How pods are replaced on a change.
   * @default RolloutStrategy.rollingUpdate() (maxSurge 25%, maxUnavailable 25%)
   */
  readonly strategy?: RolloutStrategy;
  /**
   * The app's own Service: its name, type (ClusterIP, NodePort, LoadBalancer), affinity, traffic policies,
   * annotations, and how it targets the pod ports; `false` for none (add Services with `addService`, or none at
   * all for a worker nothing connects to).
   * @default - a ClusterIP Service named after the app, targeting the container ports by name
   */
  readonly service?: WorkloadServiceOptions | false;
  /**
   * A PodDisruptionBudget; `true` for `maxUnavailable: 1`.
   * @default - none
   */
  readonly disruptionBudget?: DisruptionBudgetOptions | boolean;
  /**
   * A HorizontalPodAutoscaler (`autoscaling/v2`).
   * @default - fixed `replicas`
   */
  readonly autoscaling?: WebAppAutoscalingOptions;
  /**
   * Topology spread constraints over the app's pods.
   * @default - none
   */
  readonly topologySpread?: TopologySpreadOptions[];
  /**
   * Prefer distinct nodes for the replicas (a soft pod anti-affinity on `kubernetes.io/hostname`), so losing one
   * node never takes every replica with it. It never blocks scheduling.
   * @default - true when more than one pod may run (replicas or the autoscaler's maximum > 1)
   */
  readonly spreadAcrossHosts?: boolean;
  /**
   * An Ingress to the Service.
   * @default - none
   */
  readonly ingress?: AppIngressOptions;
  /**
   * The namespace of the ingress controller, allowed in by NetworkPolicy when `ingress` is set.
   * @default 'ingress-nginx'
   */
  readonly ingressControllerNamespace?: string;
}

/** The validated form of WebAppProps: what the constructor builds, every default applied. */
export interface WebAppPlan {
  /** The app's name. */
  readonly name: string;
  /** The recommended-label identity. */
  readonly identity: AppIdentity;
  /** Labels, selector and annotations. */
  readonly metadata: WorkloadMetadata;
  /** The replica count (undefined: owned by the HPA). */
  readonly replicas: number | undefined;
  /** The autoscaler's minimum, with `autoscaling`. */
  readonly minReplicas: number | undefined;
  /** The rollout settings. */
  readonly rollout: ResolvedRollout;
  /** The app ports. */
  readonly ports: WebAppPort[];
  /** The PodDisruptionBudget options, if any. */
  readonly budget: DisruptionBudgetOptions | undefined;
  /** Pod security. */
  readonly podSecurity: ResolvedPodSecurity;
  /** The app container. */
  readonly container: ResolvedContainer;
  /** The app's own Service (undefined with `service: false`). */
  readonly service: { readonly name: string; readonly options: WorkloadServiceOptions; readonly style: TargetPortStyle } | undefined;
  /** The rendered topology spread constraints, if any. */
  readonly topologySpread: Record<string, unknown>[] | undefined;
}

/** Validates WebAppProps and applies the defaults (creates no construct). */
export function resolveWebApp(scope: IConstruct, props: WebAppProps): WebAppPlan {
  const name = props.name ?? scope.node.id;
  checkDnsLabel(scope, 'name', name);
  const identity = resolveIdentity(scope, name, props, 'frontend', props.image);
  const metadata = resolveWorkloadMetadata(scope, props, identity, { releaseValues: [identity.version, versionFromImage(props.image)] });

  if (props.autoscaling && props.replicas !== undefined) {
    fail(scope, 'replicas', `must not be set together with 'autoscaling' (the HorizontalPodAutoscaler owns the replica count), got ${props.replicas}`);
  }
  if (props.replicas !== undefined) checkInt32(scope, 'replicas', props.replicas, { min: 0 });
  const replicas = props.autoscaling ? undefined : props.replicas ?? 2;
  const minReplicas = props.autoscaling ? resolveAutoscaling(scope, props.autoscaling) : undefined;

  const rollout = resolveRollout(scope, props.strategy ?? RolloutStrategy.rollingUpdate(), props);
  const ports = resolveAppPorts(scope, { ports: props.ports, service: props.service || undefined }, 'a WebApp is reached through its Service');

  const budget = disruptionBudgetOptions(props.disruptionBudget);
  if (budget) validateDisruptionBudget(scope, budget, minReplicas ?? replicas, 'disruptionBudget');

  let service: WebAppPlan['service'];
  if (props.service !== false) {
    const options = props.service ?? {};
    const style = options.targetPortStyle ?? TargetPortStyle.BY_NAME;
    checkOneOf(scope, 'service.targetPortStyle', style, Object.values(TargetPortStyle));
    const serviceName = options.name ?? name;
    checkDnsLabel(scope, 'service.name', serviceName);
    service = { name: serviceName, options, style };
  } else if (props.ingress) {
    fail(scope, 'ingress', 'needs the app\'s own Service, got service: false');
  }
  resolveIngressControllerNamespace(scope, props.ingressControllerNamespace, props.ingress !== undefined);

  const podSecurity = resolvePodSecurity(scope, props.podSecurity);
  const container = resolveContainer(scope, props.containerName ?? name, {
    ...props,
    ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    shutdownDelay: props.shutdownDelay ?? defaultShutdownDelay(rollout),
  }, podSecurity);
  checkShutdownDelay(scope, container, rollout);
  const topologySpread = props.topologySpread && props.topologySpread.length > 0
    ? resolveTopologySpread(scope, props.topologySpread, metadata.selector)
    : undefined;
  return { name, identity, metadata, replicas, minReplicas, rollout, ports, budget, podSecurity, container, service, topologySpread };
}

/**
 * A stateless web application: Deployment + Service + ServiceAccount, restricted and wired by NetworkPolicy.
 *
 * @example
 * const api = new WebApp(chart, 'api', {
 *   image: 'ghcr.io/acme/api:1.4.2',
 *   ports: [{ name: 'http', port: 8080, servicePort: 80 }],
 *   readiness: kplus.Probe.fromHttpGet('/healthz'),
 *   disruptionBudget: true,
 * });
 * web.connectTo(api, { env: 'API_URL' }); // API_URL=http://api.<ns>.svc.cluster.local
 */
export class WebApp extends ServiceBackedApp {
  /** The name of the Deployment, Service and ServiceAccount. */
  public readonly name: string;
  /** The recommended-label identity. */
  public readonly identity: AppIdentity;
  /** The labels on every object: the recommended labels and the `labels` prop. */
  public readonly labels: Record<string, string>;
  /** The replica count (undefined: owned by the HPA). */
  public readonly replicas: number | undefined;
  /** The resolved rollout strategy. */
  public readonly strategy: RolloutStrategy;
  /** The resolved pod security. */
  public readonly podSecurity: ResolvedPodSecurity;
  /** The Deployment (escape hatch). */
  public readonly deployment: kplus.Deployment;
  /** The app container. */
  public readonly container: kplus.Container;
  /** The ServiceAccount (token not mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The Services added with `addService` (the app's own one is `service`). */
  public readonly extraServices: AppService[] = [];
  /** The PodDisruptionBudget, if any. */
  public readonly disruptionBudget?: DisruptionBudget;
  /** The HorizontalPodAutoscaler, if any. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The Ingress, if any. */
  public readonly ingress?: AppIngress;
  /** The NetworkPolicy opening the app to external or ingress-controller traffic, if any. */
  public readonly exposurePolicy?: k8s.KubeNetworkPolicy;

  protected readonly selector: Record<string, string>;
  private readonly ownService: AppService | undefined;
  private readonly ports: WebAppPort[] = [];
  private readonly metadata: WorkloadMetadata;
  /** Extra Services that carry every app port (added with default ports), so `addPort` reaches them too. */
  private readonly followingServices: { service: AppService; style: TargetPortStyle }[] = [];

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const plan = resolveWebApp(this, props);
    this.name = plan.name;
    this.identity = plan.identity;
    this.metadata = plan.metadata;
    this.labels = plan.metadata.objectLabels;
    this.selector = plan.metadata.selector;
    this.replicas = plan.replicas;
    this.strategy = plan.rollout.strategy;
    this.podSecurity = plan.podSecurity;
    const { metadata } = plan;

    this.serviceAccount = createServiceAccount(this, this.name, this.labels, metadata.annotations);
    this.deployment = createAppDeployment(this, 'Deployment', {
      name: this.name,
      labels: this.labels,
      podLabels: metadata.podLabels,
      selector: metadata.selector,
      annotations: metadata.annotations,
      podAnnotations: metadata.podAnnotations,
      replicas: this.replicas,
      rollout: plan.rollout,
      serviceAccount: this.serviceAccount,
      podSecurity: this.podSecurity,
      spreadAcrossHosts: props.spreadAcrossHosts,
      maxPods: props.autoscaling?.maxReplicas ?? this.replicas,
    });
    if (plan.topologySpread) {
      ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', plan.topologySpread));
    }

    this.container = addContainer(this, this.deployment, plan.container);

    if (plan.service) {
      this.ownService = createWorkloadService(this, {
        id: 'Service', name: plan.service.name, options: plan.service.options, selector: metadata.selector, identity: this.identity,
        labels: metadata.extraLabels, annotations: metadata.annotations,
      });
      this.followingServices.push({ service: this.ownService, style: plan.service.style });
    }
    plan.ports.forEach((p) => this.registerPort(p));

    if (plan.budget) {
      this.disruptionBudget = new DisruptionBudget(this, 'DisruptionBudget', {
        ...plan.budget,
        name: this.name,
        selector: metadata.selector,
        replicas: plan.minReplicas ?? this.replicas,
        identity: this.identity,
      });
      applyObjectMetadata(this.disruptionBudget.apiObject, metadata.extraLabels, metadata.annotations);
    }

    if (props.autoscaling) {
      this.deployment.markHasAutoscaler();
      this.autoscaler = this.createAutoscaler(props.autoscaling, plan.minReplicas as number);
    }

    if (props.ingress && this.ownService) {
      this.ingress = new AppIngress(this, 'Ingress', { ...props.ingress, name: props.ingress.name ?? this.name, service: this.ownService, identity: this.identity });
      applyObjectMetadata(this.ingress.apiObject, metadata.extraLabels, metadata.annotations);
    }

    this.exposurePolicy = createExposurePolicy(this, {
      service: this.ownService,
      services: () => this.services,
      hasIngress: this.ingress !== undefined,
      ingressControllerNamespace: props.ingressControllerNamespace,
      labels: this.labels,
      annotations: metadata.annotations,
    });
  }

  /**
   * The app's own Service (throws with `service: false`: use the ones `addService` returned).
   */
  public get service(): AppService {
    if (!this.ownService) {
      fail(this, 'service', 'is false: this WebApp has no Service of its own to connect to or route to (use the AppService addService returned)');
    }
    return this.ownService;
  }

  /** Every Service over the app's pods: its own (if any) and those of `addService`. */
  public get services(): AppService[] {
    return [...(this.ownService ? [this.ownService] : []), ...this.extraServices];
  }

  /**
   * Adds one more Service over the app's pods, e.g. the book's LoadBalancer `lb-svc` next to the app's ClusterIP
   * Service: another name and type, its own ports (default: the app's exposed ports), and optionally a subset of
   * the pods (`selector`: labels the pods carry). A NodePort or LoadBalancer Service also opens its target ports
   * to external traffic by NetworkPolicy (`<name>-from-external`).
   */
  public addService(id: string, options: ExtraServiceOptions = {}): AppService {
    const prop = `services.${id}`;
    const name = options.name ?? id;
    checkDnsLabel(this, `${prop}.name`, name);
    const taken = this.services.map((s) => s.name);
    if (taken.includes(name)) fail(this, `${prop}.name`, `must differ from the app's other Services (${taken.map((n) => show(n)).join(', ')}), got ${show(name)}`);
    const style = options.targetPortStyle ?? TargetPortStyle.BY_NAME;
    checkOneOf(this, `${prop}.targetPortStyle`, style, Object.values(TargetPortStyle));
    const selector = resolveExtraSelector(this, `${prop}.selector`, options.selector, this.metadata.podLabels, this.selector);
    const service = createWorkloadService(this, {
      id: `Service-${id}`, name, options, selector, identity: this.identity, labels: this.metadata.extraLabels, annotations: this.metadata.annotations,
    });
    addExtraServicePorts(service, options, this.ports);
    if (options.ports === undefined) this.followingServices.push({ service, style });
    this.extraServices.push(service);
    if (isExternal(service)) openToExternal(this, () => this.services, this.labels, this.metadata.annotations);
    return service;
  }

  // ---- IBackend / IConsumer (peerName, podSelector, endpoint, backendPorts, connectTo: ServiceBackedApp) ----

  /** The ports declared so far (a copy). */
  public get appPorts(): WebAppPort[] {
    return [...this.ports];
  }

  /** Adds an environment variable to the app container (a literal or a `kplus.EnvValue`). */
  public addEnv(name: string, value: string | kplus.EnvValue): void {
    addEnvVariable(this, [this.container], name, value);
  }

  /** Adds a whole ConfigMap or Secret as environment (`envFrom`) to the app container. */
  public addEnvFrom(source: kplus.EnvFrom): void {
    this.container.env.copyFrom(source);
  }

  // ---- pod extension points ----

  /** Adds an annotation to the pod template (e.g. `checksum/config`, which rolls the pods when it changes). */
  public addPodAnnotation(key: string, value: string): void {
    this.deployment.podMetadata.addAnnotation(key, value);
  }

  /** The pod template's annotations so far (a copy). */
  public get podAnnotations(): Record<string, string> {
    return { ...(this.deployment.podMetadata.toJson().annotations ?? {}) };
  }

  /**
   * Adds a container port (exposed by the app's Services by name unless `expose: false`). Subclasses use it to add
   * ports to the app container after construction.
   */
  public addPort(port: WebAppPort): void {
    const prop = `ports[${this.ports.length}]`;
    validateAppPort(this, port, prop, this.ownService?.type ?? ServiceType.CLUSTER_IP);
    if (this.ports.some((p) => p.name === port.name)) fail(this, `${prop}.name`, `must not contain duplicates, got ${show(port.name)} twice`);
    if (this.ports.some((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'))) {
      fail(this, `${prop}.port`, `must not contain duplicates, got ${port.port} twice`);
    }
    this.container.addPort({ name: port.name, number: port.port, protocol: port.protocol ?? kplus.Protocol.TCP });
    this.registerPort(port);
  }

  /**
   * Adds a sidecar container (restricted like the app container; its writable paths are `<name>-<path>` emptyDirs).
   * `native: true` makes it a native sidecar (an init container with `restartPolicy: Always`, Kubernetes >= 1.29):
   * it starts before the app container and runs as long as the pod.
   */
  public addSidecar(name: string, options: AppContainerOptions & { readonly native?: boolean }): kplus.Container {
    return this.addExtraContainer(name, options, options.native ? ContainerRole.NATIVE_SIDECAR : ContainerRole.APP);
  }

  /** Adds an init container (restricted; no probes, which Kubernetes rejects there), run to completion before the app starts. */
  public addInitContainer(name: string, options: Omit<InitContainerOptions, 'name'>): kplus.Container {
    return this.addExtraContainer(name, { ...options, readiness: false }, ContainerRole.INIT);
  }

  /** Adds a volume to the pod (mount it with `mount`). */
  public addVolume(volume: kplus.Volume): void {
    this.deployment.addVolume(volume);
  }

  /** Mounts a volume (or any kplus storage) into the app container; the volume is added to the pod. */
  public mount(path: string, storage: kplus.IStorage, options?: kplus.MountOptions): void {
    if (!path.startsWith('/')) fail(this, 'mount.path', `must be an absolute path, got ${show(path)}`);
    this.container.mount(path, storage, options);
  }

  // ---- internals ----

  private addExtraContainer(name: string, options: AppContainerOptions, role: ContainerRole): kplus.Container {
    const prop = role === ContainerRole.INIT ? `initContainers.${name}` : `sidecars.${name}`;
    if ([...this.deployment.initContainers, ...this.deployment.containers].some((c) => c.name === name)) {
      fail(this, prop, `container name ${show(name)} is already used in this pod`);
    }
    const resolved = resolveContainer(this, name, options, this.podSecurity, prop, role);
    return addContainer(this, this.deployment, resolved, `${name}-`, role === ContainerRole.INIT);
  }

  private registerPort(p: WebAppPort): void {
    this.ports.push(p);
    for (const { service, style } of this.followingServices) addAppServicePort(service, p, true, style);
  }

  private createAutoscaler(a: WebAppAutoscalingOptions, minReplicas: number): k8s.KubeHorizontalPodAutoscalerV2 {
    const metrics: k8s.MetricSpecV2[] = [];
    const cpu = a.cpuUtilizationPercent ?? (a.memoryUtilizationPercent === undefined ? 70 : undefined);
    if (cpu !== undefined) {
      metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } });
    }
    if (a.memoryUtilizationPercent !== undefined) {
      metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryUtilizationPercent } } });
    }
    return new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: this.name, labels: { ...this.labels }, annotations: this.metadata.annotations },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas,
        maxReplicas: a.maxReplicas,
        metrics,
      },
    });
  }
}

/** Validates the autoscaling options; returns the minimum replica count. */
function resolveAutoscaling(scope: IConstruct, a: WebAppAutoscalingOptions): number {
  const min = a.minReplicas ?? 2;
  checkInt(scope, 'autoscaling.minReplicas', min, { min: 1 });
  checkInt(scope, 'autoscaling.maxReplicas', a.maxReplicas, { min: 1 });
  if (a.maxReplicas < min) fail(scope, 'autoscaling.maxReplicas', `must be >= minReplicas (${min}), got ${a.maxReplicas}`);
  if (a.cpuUtilizationPercent !== undefined) checkInt(scope, 'autoscaling.cpuUtilizationPercent', a.cpuUtilizationPercent, { min: 1, max: 1000 });
  if (a.memoryUtilizationPercent !== undefined) checkInt(scope, 'autoscaling.memoryUtilizationPercent', a.memoryUtilizationPercent, { min: 1, max: 1000 });
  return min;
}

/** Validates the topology spread constraints and renders them over the pods of `selector`. */
function resolveTopologySpread(scope: IConstruct, list: TopologySpreadOptions[], selector: Record<string, string>): Record<string, unknown>[] {
  checkUnique(scope, 'topologySpread[].topologyKey', list.map((t) => t.topologyKey.key));
  return list.map((t, i) => {
    const maxSkew = t.maxSkew ?? 1;
    checkInt(scope, `topologySpread[${i}].maxSkew`, maxSkew, { min: 1 });
    const when = t.whenUnsatisfiable ?? WhenUnsatisfiable.SCHEDULE_ANYWAY;
    if (t.minDomains !== undefined) {
      if (when !== WhenUnsatisfiable.DO_NOT_SCHEDULE) fail(scope, `topologySpread[${i}].minDomains`, `requires whenUnsatisfiable DoNotSchedule, got ${when}`);
      checkInt(scope, `topologySpread[${i}].minDomains`, t.minDomains, { min: 1 });
    }
    checkLabelKey(scope, `topologySpread[${i}].topologyKey`, t.topologyKey.key);
    const c: Record<string, unknown> = {
      maxSkew,
      topologyKey: t.topologyKey.key,
      whenUnsatisfiable: when,
      labelSelector: { matchLabels: { ...selector } },
    };
    if (t.minDomains !== undefined) c.minDomains = t.minDomains;
    return c;
  });
}
