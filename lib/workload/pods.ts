/**
 * Multi-container pods: sidecars, init containers and emptyDirs shared between containers, as helpers for any
 * cdk8s-plus workload, and `AppPod`, a standalone Pod with its own ServiceAccount.
 *
 * Every container added here gets the Pod Security "restricted" container context of `container.ts` (drop ALL,
 * no privilege escalation, read-only root, non-root user) and its own writable emptyDirs.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/#how-pods-manage-multiple-containers
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
 */
import { Duration, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { dropPodAddressLabel } from '../internal/compat';
import {
  WorkloadMetadata, addEnvVariable, addExtraServicePorts, createServiceAccount, createWorkloadService, isExternal, openToExternal,
  resolveExtraSelector, resolveWorkloadMetadata,
} from './app-workload';
import { AppContainerOptions, ContainerPortSpec, ContainerRole, InitContainerOptions, ResolvedContainer, addContainer, resolveContainer } from './container';
import { AppIdentity, AppIdentityProps, versionFromImage } from '../core/labels';
import { ExtraServiceOptions, TargetPortStyle, WorkloadMetadataProps } from './types';
import { AppService } from '../network/service';
import { resolveSeconds } from '../internal/duration';
import {
  DEFAULT_USER_ID,
  PodSecurityOptions,
  ResolvedPodSecurity,
  SeccompProfile,
  applyPodSecurity,
  podSecurityContextProps,
  resolvePodSecurity,
} from '../security/pod-security';
import { ConnectOptions, Connection, IBackend, IConsumer, connect, namespaceOf } from '../network/wiring';
import { checkDnsLabel, checkLabelValue, checkOneOf, checkUnique, fail, show } from '../internal/validate';

/** A container with its name: a sidecar or an extra container of a pod. */
export interface NamedContainerOptions extends AppContainerOptions {
  /** Container name (DNS-1123 label, unique in the pod across containers and init containers). */
  readonly name: string;
  /**
   * Run it as a native sidecar: an init container with `restartPolicy: Always` (Kubernetes 1.29 or newer: set the
   * app's target version). It starts before the app containers (and after the init containers added before it),
   * runs as long as the pod, is stopped after them, and may have probes (a startup probe holds the next
   * container back until it passes).
   * @default false (a second app container, started with the others)
   */
  readonly native?: boolean;
}

/** One mount of a shared volume. */
export interface SharedVolumeMount {
  /** The container, by name (a container or init container of the workload) or as the cdk8s-plus object. */
  readonly container: string | kplus.Container;
  /** Absolute path of the mount inside that container; each container may use a different path. */
  readonly path: string;
  /**
   * Mount read-only (e.g. a log shipper that only reads what the app writes).
   * @default false
   */
  readonly readOnly?: boolean;
}

/** An emptyDir shared by several containers of one pod. */
export interface SharedEmptyDirOptions {
  /** Volume name (DNS-1123 label, unique in the pod). */
  readonly name: string;
  /** Where each container mounts it (at least one). */
  readonly mounts: SharedVolumeMount[];
  /**
   * Maximum size; the pod is evicted when the volume grows beyond it.
   * @default Size.mebibytes(64)
   */
  readonly sizeLimit?: Size;
  /**
   * Backing medium: node disk, or `MEMORY` (tmpfs, counted against the containers' memory limits).
   * @default kplus.EmptyDirMedium.DEFAULT
   */
  readonly medium?: kplus.EmptyDirMedium;
}

/** The default size limit of a shared emptyDir. */
export const DEFAULT_SHARED_VOLUME_SIZE = Size.mebibytes(64);

/**
 * The pod security settings a workload already carries (user, group, fsGroup, non-root), so that a container
 * added later runs as the same user as the others. Pod-level `seccompProfile` is set by `applyPodSecurity`,
 * which every construct of this library calls; for a bare cdk8s-plus workload call it yourself.
 */
export function podSecurityOf(workload: kplus.AbstractPod): ResolvedPodSecurity {
  const sc = workload.securityContext;
  const runAsGroup = sc.group ?? DEFAULT_USER_ID;
  return {
    runAsNonRoot: sc.ensureNonRoot,
    runAsUser: sc.user ?? DEFAULT_USER_ID,
    runAsGroup,
    fsGroup: sc.fsGroup ?? runAsGroup,
    seccompProfile: SeccompProfile.RUNTIME_DEFAULT,
  };
}

function allContainers(workload: kplus.AbstractPod): kplus.Container[] {
  return [...workload.initContainers, ...workload.containers];
}

function checkNewContainerName(workload: kplus.AbstractPod, prop: string, name: string): void {
  checkDnsLabel(workload, prop, name);
  const existing = allContainers(workload).map((c) => c.name);
  if (existing.includes(name)) {
    fail(workload, prop, `must be unique in the pod (containers and init containers: ${existing.join(', ')}), got ${show(name)}`);
  }
}

/**
 * Adds a sidecar container to a workload: a second long-running container of the same pod (log shipper,
 * proxy, reloader), or with `native: true` a native sidecar (an init container with `restartPolicy: Always`). It
 * runs as the pod's user with the restricted container context; its writable paths get their own emptyDirs named
 * `<sidecar>-<path>` (e.g. `shipper-tmp`). Share data with `shareEmptyDir`.
 *
 * @example
 * const shipper = addSidecar(web.deployment, { name: 'shipper', image: 'busybox:1.36.1', command: ['sh', '-c', 'tail -F /logs/app.log'] });
 */
export function addSidecar(workload: kplus.AbstractPod, options: NamedContainerOptions): kplus.Container {
  const prop = `sidecars[${options.name}]`;
  checkNewContainerName(workload, `${prop}.name`, options.name);
  const resolved = resolveContainer(workload, options.name, options, podSecurityOf(workload), prop, sidecarRole(workload, prop, options));
  return addContainer(workload, workload, resolved, `${options.name}-`);
}

function sidecarRole(scope: IConstruct, prop: string, options: NamedContainerOptions): ContainerRole {
  if (options.native !== undefined && typeof options.native !== 'boolean') fail(scope, `${prop}.native`, `must be a boolean, got ${show(options.native)}`);
  return options.native ? ContainerRole.NATIVE_SIDECAR : ContainerRole.APP;
}

/**
 * Adds an init container to a workload: it runs to completion, in the order added, before the app containers
 * start (a DNS gate, a schema migration, a config render). Restricted like every container; its writable paths
 * get emptyDirs named `<name>-<path>`.
 */
export function addInitContainer(workload: kplus.AbstractPod, options: InitContainerOptions): kplus.Container {
  const prop = `initContainers[${options.name}]`;
  checkNewContainerName(workload, `${prop}.name`, options.name);
  const resolved = resolveContainer(workload, options.name, { ...options, readiness: false }, podSecurityOf(workload), prop);
  return addContainer(workload, workload, resolved, `${options.name}-`, true);
}

/**
 * Creates an emptyDir and mounts it into several containers of a workload, each at its own path: the classic
 * app + sidecar pattern (the app writes `/var/log/app`, the shipper reads `/logs`). Returns the volume.
 *
 * @example
 * shareEmptyDir(pod.pod, { name: 'logs', mounts: [{ container: 'app', path: '/var/log/app' }, { container: 'shipper', path: '/logs', readOnly: true }] });
 */
export function shareEmptyDir(workload: kplus.AbstractPod, options: SharedEmptyDirOptions): kplus.Volume {
  const prop = `sharedVolumes[${options.name}]`;
  checkDnsLabel(workload, `${prop}.name`, options.name);
  return attachVolume(workload, workload, prop, options.name, options.mounts, true, () => kplus.Volume.fromEmptyDir(workload, `SharedEmptyDir-${options.name}`, options.name, {
    sizeLimit: options.sizeLimit ?? DEFAULT_SHARED_VOLUME_SIZE,
    medium: options.medium,
  }));
}

/** One mount of a volume: a container (by name or object), a path, read-only and sub-path. */
interface VolumeMountSpec {
  readonly container: string | kplus.Container;
  readonly path: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

/**
 * Adds the volume `make()` creates (named `name`) to a workload and mounts it into its containers: the name is
 * unique in the pod, each container exists, each path is absolute and not yet a mount point of that container
 * (`oncePerContainer`: each container mounts it at most once). Validated before anything is added.
 */
function attachVolume(
  scope: IConstruct, workload: kplus.AbstractPod, prop: string, name: string, mounts: readonly VolumeMountSpec[], oncePerContainer: boolean,
  make: () => kplus.Volume,
): kplus.Volume {
  const volumeNames = new Set<string>([
    ...workload.volumes.map((v) => v.name),
    ...allContainers(workload).flatMap((c) => c.mounts.map((m) => m.volume.name)),
  ]);
  if (volumeNames.has(name)) {
    fail(scope, `${prop}.name`, `must be unique in the pod (volumes: ${[...volumeNames].join(', ')}), got ${show(name)}`);
  }
  if (!mounts || mounts.length === 0) fail(scope, `${prop}.mounts`, `must contain at least one mount, got ${show(mounts)}`);
  const containers = allContainers(workload);
  const targets = mounts.map((m, i) => {
    const container = typeof m.container === 'string' ? containers.find((c) => c.name === m.container) : m.container;
    if (!container || !containers.includes(container)) {
      const cname = typeof m.container === 'string' ? m.container : m.container?.name;
      fail(scope, `${prop}.mounts[${i}].container`, `must name a container of the pod (${containers.map((c) => c.name).join(', ') || 'none'}), got ${show(cname)}`);
    }
    if (typeof m.path !== 'string' || !m.path.startsWith('/') || m.path.includes(':')) {
      fail(scope, `${prop}.mounts[${i}].path`, `must be an absolute path without ':', got ${show(m.path)}`);
    }
    if (container.mounts.some((x) => x.path === m.path)) {
      fail(scope, `${prop}.mounts[${i}].path`, `is already a mount point of container ${show(container.name)}, got ${show(m.path)}`);
    }
    if (m.subPath !== undefined && (typeof m.subPath !== 'string' || m.subPath.startsWith('/') || m.subPath.split('/').includes('..'))) {
      fail(scope, `${prop}.mounts[${i}].subPath`, `must be a relative path without '..', got ${show(m.subPath)}`);
    }
    return { container, path: m.path, readOnly: m.readOnly ?? false, subPath: m.subPath };
  });
  const seen = new Map<kplus.Container, string>();
  targets.forEach((t, i) => {
    const other = seen.get(t.container);
    if (other !== undefined && oncePerContainer) fail(scope, `${prop}.mounts[${i}].container`, `must mount the volume once per container, got ${show(t.container.name)} twice`);
    if (other === t.path) fail(scope, `${prop}.mounts[${i}].path`, `must differ from the other mounts of container ${show(t.container.name)}, got ${show(t.path)} twice`);
    seen.set(t.container, t.path);
  });
  const volume = make();
  workload.addVolume(volume);
  for (const t of targets) t.container.mount(t.path, volume, { readOnly: t.readOnly, subPath: t.subPath });
  return volume;
}

/** Where a container of an AppPod mounts one of its volumes. */
export interface PodVolumeMount {
  /**
   * The container, by name (the app container, a sidecar or an init container).
   * @default - the app container
   */
  readonly container?: string;
  /** Absolute path of the mount inside the container. */
  readonly path: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * A path inside the volume to mount instead of its root.
   * @default - the volume's root
   */
  readonly subPath?: string;
}

/**
 * A volume of an AppPod and where its containers mount it. The volume comes from the library: a
 * PersistentVolumeClaim (`claim.toVolume({ name: 'data' })`), a ConfigBundle's ConfigMap or Secret
 * (`bundle.configVolume()`, `bundle.secretVolume()`), or any `kplus.Volume`. An emptyDir shared between containers
 * is a `sharedVolumes` entry.
 */
export interface PodVolumeOptions {
  /** The volume (its name must be unique in the pod). */
  readonly volume: kplus.Volume;
  /** Where it is mounted (at least one). */
  readonly mounts: PodVolumeMount[];
}

/** Props of `AppPod`: the app container's options plus pod-level settings. */
export interface AppPodProps extends AppContainerOptions, AppIdentityProps, WorkloadMetadataProps {
  /**
   * The Pod's name (and `app.kubernetes.io/name`). Also the name of its ServiceAccount.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default - none
   */
  readonly component?: string;
  /**
   * Name of the app container.
   * @default 'app'
   */
  readonly containerName?: string;
  /**
   * What the kubelet does when a container exits: `ALWAYS` (a server), `ON_FAILURE` or `NEVER` (a task).
   * @default kplus.RestartPolicy.ALWAYS
   */
  readonly restartPolicy?: kplus.RestartPolicy;
  /**
   * How long the containers get between SIGTERM and SIGKILL when the pod is deleted, in whole seconds.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Seconds between SIGTERM and SIGKILL when the pod is deleted.
   * @deprecated use `terminationGracePeriod`
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Pod-level security settings (each default passes Pod Security "restricted").
   * @default - restricted: non-root user 10001, seccomp RuntimeDefault
   */
  readonly podSecurity?: PodSecurityOptions;
  /**
   * Init containers, run in order before the app container starts.
   * @default - none
   */
  readonly initContainers?: InitContainerOptions[];
  /**
   * Sidecar containers running next to the app container; `native: true` ones are added to the init containers
   * (after `initContainers`), with `restartPolicy: Always`.
   * @default - none
   */
  readonly sidecars?: NamedContainerOptions[];
  /**
   * emptyDirs shared between containers (referenced by container name), added after all containers.
   * @default - none
   */
  readonly sharedVolumes?: SharedEmptyDirOptions[];
  /**
   * Volumes (a PersistentVolumeClaim, a ConfigMap or Secret of a ConfigBundle, ...) and where the containers mount
   * them, added after `sharedVolumes`.
   * @default - none
   */
  readonly volumes?: PodVolumeOptions[];
}

/** The validated form of AppPodProps, every default applied. */
export interface AppPodPlan {
  /** The Pod's name. */
  readonly name: string;
  /** The recommended-label identity. */
  readonly identity: AppIdentity;
  /** Labels, selector and annotations. */
  readonly metadata: WorkloadMetadata;
  /** The restart policy. */
  readonly restartPolicy: kplus.RestartPolicy;
  /** The termination grace period in seconds. */
  readonly terminationGracePeriodSeconds: number;
  /** Pod security. */
  readonly podSecurity: ResolvedPodSecurity;
  /** The init containers, in order. */
  readonly initContainers: ResolvedContainer[];
  /** The app container. */
  readonly container: ResolvedContainer;
  /** The sidecars (native ones run as init containers), in order. */
  readonly sidecars: ResolvedContainer[];
}

/** Validates AppPodProps and applies the defaults (creates no construct; volumes are checked as they are added). */
export function resolveAppPod(scope: IConstruct, props: AppPodProps): AppPodPlan {
  const name = props.name ?? scope.node.id;
  checkDnsLabel(scope, 'name', name);
  const restartPolicy = props.restartPolicy ?? kplus.RestartPolicy.ALWAYS;
  checkOneOf(scope, 'restartPolicy', restartPolicy, Object.values(kplus.RestartPolicy));
  const terminationGracePeriodSeconds = resolveSeconds(scope, {
    prop: 'terminationGracePeriod', value: props.terminationGracePeriod, secondsProp: 'terminationGracePeriodSeconds',
    seconds: props.terminationGracePeriodSeconds, default: Duration.seconds(30), min: 0,
  });
  const podSecurity = resolvePodSecurity(scope, props.podSecurity);

  const version = props.version ?? versionFromImage(props.image);
  const identityValues = { instance: props.instance, version, component: props.component, partOf: props.partOf };
  for (const [prop, value] of Object.entries(identityValues)) if (value !== undefined) checkLabelValue(scope, prop, value);
  const identity: AppIdentity = { name, ...identityValues };
  const metadata = resolveWorkloadMetadata(scope, props, identity, { releaseValues: [version] });

  const containerName = props.containerName ?? 'app';
  const names: string[] = [];
  const named = (prop: string, n: string) => {
    checkDnsLabel(scope, prop, n);
    if (names.includes(n)) fail(scope, prop, `must be unique in the pod (containers and init containers: ${names.join(', ')}), got ${show(n)}`);
    names.push(n);
  };
  const initContainers = (props.initContainers ?? []).map((init) => {
    const prop = `initContainers[${init.name}]`;
    named(`${prop}.name`, init.name);
    return resolveContainer(scope, init.name, { ...init, readiness: false }, podSecurity, prop);
  });
  named('containerName', containerName);
  const container = resolveContainer(scope, containerName, props, podSecurity);
  const sidecars = (props.sidecars ?? []).map((sc) => {
    const prop = `sidecars[${sc.name}]`;
    named(`${prop}.name`, sc.name);
    return resolveContainer(scope, sc.name, sc, podSecurity, prop, sidecarRole(scope, prop, sc));
  });
  return { name, identity, metadata, restartPolicy, terminationGracePeriodSeconds, podSecurity, initContainers, container, sidecars };
}

/**
 * A standalone Pod: the app container (restricted, explicit resources), optional sidecars (native ones too), init
 * containers, shared emptyDirs and volumes, its own ServiceAccount without a mounted token, and a stable name. Use
 * it for the book's single-pod examples and one-off tasks; long-running services belong in a Deployment (`WebApp`).
 *
 * It is a consumer (`connectTo` a backend: env var + NetworkPolicies), can wait for a backend's DNS name
 * (`addDnsWait` in `dns-wait.ts`), and can be reached through Services of its own (`addService`).
 *
 * @example
 * const pod = new AppPod(chart, 'writer', {
 *   image: 'busybox:1.36.1',
 *   command: ['sh', '-c', 'while true; do date >> /out/log; sleep 5; done'],
 *   sidecars: [{ name: 'reader', image: 'busybox:1.36.1', command: ['sh', '-c', 'tail -F /in/log'] }],
 *   sharedVolumes: [{ name: 'shared', mounts: [{ container: 'app', path: '/out' }, { container: 'reader', path: '/in', readOnly: true }] }],
 * });
 */
export class AppPod extends Construct implements IConsumer {
  /** The Pod's (and ServiceAccount's) name. */
  public readonly name: string;
  /** The cdk8s-plus Pod (escape hatch). */
  public readonly pod: kplus.Pod;
  /** The Pod's own ServiceAccount (token not mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The app container. */
  public readonly container: kplus.Container;
  /** Resolved pod security settings. */
  public readonly podSecurity: ResolvedPodSecurity;
  /** All labels on the Pod. */
  public readonly labels: Record<string, string>;
  /** Resolved restart policy. */
  public readonly restartPolicy: kplus.RestartPolicy;
  /** Resolved termination grace period, in seconds. */
  public readonly terminationGracePeriodSeconds: number;
  /** The Services added with `addService`. */
  public readonly services: AppService[] = [];

  private readonly metadata: WorkloadMetadata;
  private readonly identity: AppIdentity;
  private readonly appPorts: ContainerPortSpec[];
  private volumeCount = 0;

  constructor(scope: Construct, id: string, props: AppPodProps) {
    super(scope, id);
    const plan = resolveAppPod(this, props);
    this.name = plan.name;
    this.identity = plan.identity;
    this.metadata = plan.metadata;
    this.labels = plan.metadata.podLabels;
    this.restartPolicy = plan.restartPolicy;
    this.terminationGracePeriodSeconds = plan.terminationGracePeriodSeconds;
    this.podSecurity = plan.podSecurity;
    this.appPorts = plan.container.ports;
    const annotations = plan.metadata.annotations;

    this.serviceAccount = createServiceAccount(this, this.name, plan.metadata.objectLabels, annotations);
    this.pod = new kplus.Pod(this, 'Pod', {
      metadata: { name: this.name, labels: this.labels, annotations },
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      restartPolicy: this.restartPolicy,
      terminationGracePeriod: Duration.seconds(this.terminationGracePeriodSeconds),
      securityContext: podSecurityContextProps(this.podSecurity),
    });
    // the cdk8s-plus address label is derived from the construct path: drop it, our labels identify the pod
    dropPodAddressLabel(this.pod);
    applyPodSecurity(this.pod, this.podSecurity);

    for (const init of plan.initContainers) addContainer(this.pod, this.pod, init, `${init.props.name}-`, true);
    this.container = addContainer(this.pod, this.pod, plan.container);
    for (const sidecar of plan.sidecars) addContainer(this.pod, this.pod, sidecar, `${sidecar.props.name}-`);
    for (const shared of props.sharedVolumes ?? []) shareEmptyDir(this.pod, shared);
    for (const v of props.volumes ?? []) this.addVolume(v);
  }

  /** Readable name used in NetworkPolicy names. */
  public get peerName(): string {
    return this.name;
  }

  /** The labels selecting this pod (`selectorLabels`, default `app.kubernetes.io/name` + `instance`). */
  public get podSelector(): Record<string, string> {
    return { ...this.metadata.selector };
  }

  /** The namespace of the chart. */
  public get namespace(): string | undefined {
    return namespaceOf(this);
  }

  /** Adds a literal env var to the app container (a name it already has throws). */
  public addEnv(name: string, value: string): void {
    addEnvVariable(this, [this.container], name, value);
  }

  /** Adds a sidecar container (see `addSidecar`; `native: true` for a native sidecar). */
  public addSidecar(options: NamedContainerOptions): kplus.Container {
    return addSidecar(this.pod, options);
  }

  /** Adds an init container (see `addInitContainer`). */
  public addInitContainer(options: InitContainerOptions): kplus.Container {
    return addInitContainer(this.pod, options);
  }

  /** Shares an emptyDir between containers (see `shareEmptyDir`). */
  public shareEmptyDir(options: SharedEmptyDirOptions): kplus.Volume {
    return shareEmptyDir(this.pod, options);
  }

  /**
   * Adds a volume to the pod and mounts it where `options.mounts` say (the app container by default), e.g.
   * `pod.addVolume({ volume: claim.toVolume({ name: 'data' }), mounts: [{ path: '/data' }] })`.
   */
  public addVolume(options: PodVolumeOptions): kplus.Volume {
    const prop = `volumes[${this.volumeCount++}]`;
    const volume = options.volume;
    if (!(volume instanceof kplus.Volume)) {
      fail(this, `${prop}.volume`, `must be a kplus.Volume (claim.toVolume(), bundle.configVolume(), bundle.secretVolume()), got ${show(volume)}`);
    }
    const mounts = Array.isArray(options.mounts) ? options.mounts.map((m) => ({ ...m, container: m.container ?? this.container.name })) : options.mounts;
    return attachVolume(this, this.pod, prop, volume.name, mounts, false, () => volume);
  }

  /** Mounts a volume into the app container at `path` (shorthand for `addVolume` with one mount). */
  public mount(path: string, volume: kplus.Volume, options: Omit<PodVolumeMount, 'path'> = {}): kplus.Volume {
    return this.addVolume({ volume, mounts: [{ ...options, path }] });
  }

  /**
   * Adds a Service over this pod, e.g. the book's `svc-sidecar` or `k8sbook`: ports of its own (default: the app
   * container's ports, by name) and optionally a subset of the pod's labels as selector. A NodePort or
   * LoadBalancer Service also opens its target ports to external traffic by NetworkPolicy
   * (`<name>-from-external`).
   */
  public addService(id: string, options: ExtraServiceOptions = {}): AppService {
    const prop = `services.${id}`;
    const name = options.name ?? id;
    checkDnsLabel(this, `${prop}.name`, name);
    checkUnique(this, 'services[].name', [...this.services.map((s) => s.name), name]);
    checkOneOf(this, `${prop}.targetPortStyle`, options.targetPortStyle ?? TargetPortStyle.BY_NAME, Object.values(TargetPortStyle));
    const selector = resolveExtraSelector(this, `${prop}.selector`, options.selector, this.metadata.podLabels, this.metadata.selector);
    const service = createWorkloadService(this, {
      id: `Service-${id}`, name, options, selector, identity: this.identity, labels: this.metadata.extraLabels, annotations: this.metadata.annotations,
    });
    addExtraServicePorts(service, options, this.appPorts);
    this.services.push(service);
    if (isExternal(service)) openToExternal(this, () => this.services, this.metadata.objectLabels, this.metadata.annotations);
    return service;
  }

  /** Wires this pod to a backend: env var with its URL, NetworkPolicies (see `wiring.connect`). */
  public connectTo(backend: IBackend, options: ConnectOptions = {}): Connection {
    return connect(this, backend, options);
  }
}
