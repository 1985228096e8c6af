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
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import {
  ServiceBackedApp, addAppServicePort, addEnvVariable, createAppDeployment, createExposurePolicy, createServiceAccount,
  disruptionBudgetOptions, resolveAppPorts, resolveIdentity, resolveRollout, validateAppPort,
} from './app-workload';
import { AppContainerOptions, InitContainerOptions, ResourceOptions, addContainer, resolveContainer } from './container';
import { RolloutStrategy, WebAppPort } from './types';
import { DisruptionBudget, DisruptionBudgetOptions, validateDisruptionBudget } from './disruption-budget';
import { AppIngress, AppIngressOptions } from '../network/ingress';
import { AppIdentity, AppIdentityProps, recommendedLabels, selectorLabels } from '../core/labels';
import { ContainerSecurityOptions, PodSecurityOptions, ResolvedPodSecurity, resolvePodSecurity } from '../security/pod-security';
import { AppService, AppServiceOptions } from '../network/service';
import { checkDnsLabel, checkInt, checkLabelKey, checkUnique, fail, show } from '../internal/validate';

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

/** Props of {@link WebApp}. */
export interface WebAppProps extends AppIdentityProps {
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

  /** Container image with an explicit tag or digest; no tag or `:latest` is rejected unless `allowLatest`. */
  readonly image: string;
  /**
   * Accept an image without a tag or with `:latest`.
   * @default false
   */
  readonly allowLatest?: boolean;
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
   * Resource requests and limits, merged over the documented defaults.
   * @default - cpu 100m request / 500m limit, memory 128Mi / 256Mi (`DEFAULT_RESOURCES`)
   */
  readonly resources?: ResourceOptions;
  /**
   * Readiness probe (`kplus.Probe.fromHttpGet('/healthz')` or `fromTcpSocket()`), or `false` for none.
   * HTTP and TCP probes without a `port` target the first port (not port 80 as in cdk8s-plus).
   * @default - TCP on the first port
   */
  readonly readiness?: kplus.Probe | false;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly liveness?: kplus.Probe;
  /**
   * Startup probe.
   * @default - none
   */
  readonly startup?: kplus.Probe;
  /**
   * Entrypoint override.
   * @default - the image's
   */
  readonly command?: string[];
  /**
   * Arguments (`$(VAR)` expands env vars).
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * Environment variables (literals or `kplus.EnvValue`s).
   * @default - none
   */
  readonly env?: Record<string, string | kplus.EnvValue>;
  /**
   * Whole ConfigMaps/Secrets as environment.
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];
  /**
   * Image pull policy.
   * @default kplus.ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * Paths the process writes to (each gets an emptyDir; the root filesystem is read-only).
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * Pod-level security (user, group, fsGroup, seccomp).
   * @default - restricted: non-root 10001:10001, RuntimeDefault seccomp
   */
  readonly podSecurity?: PodSecurityOptions;
  /**
   * Container-level security of the app container.
   * @default - restricted: drop ALL, no privilege escalation, read-only root filesystem
   */
  readonly securityContext?: ContainerSecurityOptions;
  /**
   * How pods are replaced on a change.
   * @default RolloutStrategy.rollingUpdate() (maxSurge 25%, maxUnavailable 25%)
   */
  readonly strategy?: RolloutStrategy;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default 0
   */
  readonly minReadySeconds?: number;
  /**
   * Old ReplicaSets kept for `kubectl rollout undo`.
   * @default 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Seconds before a stalled rollout is reported as failed (must exceed `minReadySeconds`).
   * @default 600
   */
  readonly progressDeadlineSeconds?: number;
  /**
   * Seconds a pod gets to shut down after SIGTERM.
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * The Service: type (ClusterIP, NodePort, LoadBalancer), affinity, traffic policies, annotations.
   * @default - a ClusterIP Service
   */
  readonly service?: AppServiceOptions;
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
  /**
   * Annotations on the pod template.
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
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
  /** The recommended labels on every object and pod. */
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
  /** The Service. */
  public readonly service: AppService;
  /** The ServiceAccount (token not mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The PodDisruptionBudget, if any. */
  public readonly disruptionBudget?: DisruptionBudget;
  /** The HorizontalPodAutoscaler, if any. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The Ingress, if any. */
  public readonly ingress?: AppIngress;
  /** The NetworkPolicy opening the app to external or ingress-controller traffic, if any. */
  public readonly exposurePolicy?: k8s.KubeNetworkPolicy;

  private readonly ports: WebAppPort[] = [];

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    // 1. resolve and validate
    this.name = props.name ?? id;
    checkDnsLabel(this, 'name', this.name);
    this.identity = resolveIdentity(this, this.name, props, 'frontend', props.image);
    this.labels = recommendedLabels(this.identity);

    if (props.autoscaling && props.replicas !== undefined) {
      fail(this, 'replicas', `must not be set together with 'autoscaling' (the HorizontalPodAutoscaler owns the replica count), got ${props.replicas}`);
    }
    if (props.replicas !== undefined) checkInt(this, 'replicas', props.replicas, { min: 0 });
    this.replicas = props.autoscaling ? undefined : props.replicas ?? 2;
    const minReplicas = props.autoscaling ? this.validateAutoscaling(props.autoscaling) : undefined;

    this.strategy = props.strategy ?? RolloutStrategy.rollingUpdate();
    const rollout = resolveRollout(this, this.strategy, props);

    const ports = resolveAppPorts(this, props, 'a WebApp is reached through its Service');

    const budget = disruptionBudgetOptions(props.disruptionBudget);
    if (budget) validateDisruptionBudget(this, budget, minReplicas ?? this.replicas, 'disruptionBudget');

    this.podSecurity = resolvePodSecurity(this, props.podSecurity);
    const containerName = props.containerName ?? this.name;
    const resolved = resolveContainer(this, containerName, {
      image: props.image,
      allowLatest: props.allowLatest,
      ports: ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
      command: props.command,
      args: props.args,
      env: props.env,
      envFrom: props.envFrom,
      resources: props.resources,
      readiness: props.readiness,
      liveness: props.liveness,
      startup: props.startup,
      imagePullPolicy: props.imagePullPolicy,
      securityContext: props.securityContext,
      writablePaths: props.writablePaths,
    }, this.podSecurity);

    // 2. build
    this.serviceAccount = createServiceAccount(this, this.name, this.labels);
    this.deployment = createAppDeployment(this, 'Deployment', {
      name: this.name,
      labels: this.labels,
      selector: selectorLabels(this.identity),
      podAnnotations: props.podAnnotations,
      replicas: this.replicas,
      rollout,
      serviceAccount: this.serviceAccount,
      podSecurity: this.podSecurity,
      spreadAcrossHosts: props.spreadAcrossHosts,
      maxPods: props.autoscaling?.maxReplicas ?? this.replicas,
    });
    if (props.topologySpread && props.topologySpread.length > 0) {
      ApiObject.of(this.deployment).addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', this.topologySpread(props.topologySpread)));
    }

    this.container = addContainer(this, this.deployment, resolved);

    this.service = new AppService(this, 'Service', {
      ...(props.service ?? {}),
      name: this.name,
      selector: selectorLabels(this.identity),
      identity: this.identity,
    });
    ports.forEach((p) => this.registerPort(p));

    if (budget) {
      this.disruptionBudget = new DisruptionBudget(this, 'DisruptionBudget', {
        ...budget,
        name: this.name,
        selector: selectorLabels(this.identity),
        replicas: minReplicas ?? this.replicas,
        identity: this.identity,
      });
    }

    if (props.autoscaling) {
      this.deployment.markHasAutoscaler();
      this.autoscaler = this.createAutoscaler(props.autoscaling, minReplicas as number);
    }

    if (props.ingress) {
      this.ingress = new AppIngress(this, 'Ingress', { ...props.ingress, name: props.ingress.name ?? this.name, service: this.service, identity: this.identity });
    }

    this.exposurePolicy = createExposurePolicy(this, {
      service: this.service, hasIngress: this.ingress !== undefined, ingressControllerNamespace: props.ingressControllerNamespace, labels: this.labels,
    });
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
   * Adds a container port (exposed by the Service by name unless `expose: false`). Subclasses use it to add
   * ports to the app container after construction.
   */
  public addPort(port: WebAppPort): void {
    const prop = `ports[${this.ports.length}]`;
    validateAppPort(this, port, prop, this.service.type);
    if (this.ports.some((p) => p.name === port.name)) fail(this, `${prop}.name`, `must not contain duplicates, got ${show(port.name)} twice`);
    if (this.ports.some((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'))) {
      fail(this, `${prop}.port`, `must not contain duplicates, got ${port.port} twice`);
    }
    this.container.addPort({ name: port.name, number: port.port, protocol: port.protocol ?? kplus.Protocol.TCP });
    this.registerPort(port);
  }

  /** Adds a sidecar container (restricted like the app container; its writable paths are `<name>-<path>` emptyDirs). */
  public addSidecar(name: string, options: AppContainerOptions): kplus.Container {
    return this.addExtraContainer(name, options, false);
  }

  /** Adds an init container (restricted; no probes, which Kubernetes rejects there), run to completion before the app starts. */
  public addInitContainer(name: string, options: Omit<InitContainerOptions, 'name'>): kplus.Container {
    return this.addExtraContainer(name, { ...options, readiness: false }, true);
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

  private addExtraContainer(name: string, options: AppContainerOptions, init: boolean): kplus.Container {
    const prop = init ? `initContainers.${name}` : `sidecars.${name}`;
    if ([...this.deployment.initContainers, ...this.deployment.containers].some((c) => c.name === name)) {
      fail(this, prop, `container name ${show(name)} is already used in this pod`);
    }
    const resolved = resolveContainer(this, name, options, this.podSecurity, prop);
    return addContainer(this, this.deployment, resolved, `${name}-`, init);
  }

  private registerPort(p: WebAppPort): void {
    this.ports.push(p);
    addAppServicePort(this.service, p);
  }

  private validateAutoscaling(a: WebAppAutoscalingOptions): number {
    const min = a.minReplicas ?? 2;
    checkInt(this, 'autoscaling.minReplicas', min, { min: 1 });
    checkInt(this, 'autoscaling.maxReplicas', a.maxReplicas, { min: 1 });
    if (a.maxReplicas < min) fail(this, 'autoscaling.maxReplicas', `must be >= minReplicas (${min}), got ${a.maxReplicas}`);
    if (a.cpuUtilizationPercent !== undefined) checkInt(this, 'autoscaling.cpuUtilizationPercent', a.cpuUtilizationPercent, { min: 1, max: 1000 });
    if (a.memoryUtilizationPercent !== undefined) checkInt(this, 'autoscaling.memoryUtilizationPercent', a.memoryUtilizationPercent, { min: 1, max: 1000 });
    return min;
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
      metadata: { name: this.name, labels: { ...this.labels } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas,
        maxReplicas: a.maxReplicas,
        metrics,
      },
    });
  }

  private topologySpread(list: TopologySpreadOptions[]): Record<string, unknown>[] {
    checkUnique(this, 'topologySpread[].topologyKey', list.map((t) => t.topologyKey.key));
    return list.map((t, i) => {
      const maxSkew = t.maxSkew ?? 1;
      checkInt(this, `topologySpread[${i}].maxSkew`, maxSkew, { min: 1 });
      const when = t.whenUnsatisfiable ?? WhenUnsatisfiable.SCHEDULE_ANYWAY;
      if (t.minDomains !== undefined) {
        if (when !== WhenUnsatisfiable.DO_NOT_SCHEDULE) fail(this, `topologySpread[${i}].minDomains`, `requires whenUnsatisfiable DoNotSchedule, got ${when}`);
        checkInt(this, `topologySpread[${i}].minDomains`, t.minDomains, { min: 1 });
      }
      checkLabelKey(this, `topologySpread[${i}].topologyKey`, t.topologyKey.key);
      const c: Record<string, unknown> = {
        maxSkew,
        topologyKey: t.topologyKey.key,
        whenUnsatisfiable: when,
        labelSelector: { matchLabels: selectorLabels(this.identity) },
      };
      if (t.minDomains !== undefined) c.minDomains = t.minDomains;
      return c;
    });
  }
}
