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
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { dropPodAddressLabel } from '../internal/compat';
import { addEnvVariable, createServiceAccount } from './app-workload';
import { AppContainerOptions, InitContainerOptions, addContainer, resolveContainer } from './container';
import { LABEL, recommendedLabels, selectorLabels, versionFromImage } from '../core/labels';
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
import { checkDnsLabel, checkInt, checkLabels, checkLabelValue, fail, show } from '../internal/validate';

/** A container with its name: a sidecar or an extra container of a pod. */
export interface NamedContainerOptions extends AppContainerOptions {
  /** Container name (DNS-1123 label, unique in the pod across containers and init containers). */
  readonly name: string;
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
 * proxy, reloader). It runs as the pod's user with the restricted container context; its writable paths get
 * their own emptyDirs named `<sidecar>-<path>` (e.g. `shipper-tmp`). Share data with `shareEmptyDir`.
 *
 * @example
 * const shipper = addSidecar(web.deployment, { name: 'shipper', image: 'busybox:1.36.1', command: ['sh', '-c', 'tail -F /logs/app.log'] });
 */
export function addSidecar(workload: kplus.AbstractPod, options: NamedContainerOptions): kplus.Container {
  const prop = `sidecars[${options.name}]`;
  checkNewContainerName(workload, `${prop}.name`, options.name);
  const resolved = resolveContainer(workload, options.name, options, podSecurityOf(workload), prop);
  return addContainer(workload, workload, resolved, `${options.name}-`);
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
  const volumeNames = new Set<string>([
    ...workload.volumes.map((v) => v.name),
    ...allContainers(workload).flatMap((c) => c.mounts.map((m) => m.volume.name)),
  ]);
  if (volumeNames.has(options.name)) {
    fail(workload, `${prop}.name`, `must be unique in the pod (volumes: ${[...volumeNames].join(', ')}), got ${show(options.name)}`);
  }
  if (options.mounts.length === 0) fail(workload, `${prop}.mounts`, 'must contain at least one mount, got []');
  const containers = allContainers(workload);
  const targets = options.mounts.map((m, i) => {
    const container = typeof m.container === 'string' ? containers.find((c) => c.name === m.container) : m.container;
    if (!container || !containers.includes(container)) {
      const name = typeof m.container === 'string' ? m.container : m.container.name;
      fail(workload, `${prop}.mounts[${i}].container`, `must name a container of the pod (${containers.map((c) => c.name).join(', ') || 'none'}), got ${show(name)}`);
    }
    if (!m.path.startsWith('/') || m.path.includes(':')) {
      fail(workload, `${prop}.mounts[${i}].path`, `must be an absolute path without ':', got ${show(m.path)}`);
    }
    if (container.mounts.some((x) => x.path === m.path)) {
      fail(workload, `${prop}.mounts[${i}].path`, `is already a mount point of container ${show(container.name)}, got ${show(m.path)}`);
    }
    return { container, path: m.path, readOnly: m.readOnly ?? false };
  });
  const seen = new Set<kplus.Container>();
  targets.forEach((t, i) => {
    if (seen.has(t.container)) fail(workload, `${prop}.mounts[${i}].container`, `must mount the volume once per container, got ${show(t.container.name)} twice`);
    seen.add(t.container);
  });
  const volume = kplus.Volume.fromEmptyDir(workload, `SharedEmptyDir-${options.name}`, options.name, {
    sizeLimit: options.sizeLimit ?? DEFAULT_SHARED_VOLUME_SIZE,
    medium: options.medium,
  });
  workload.addVolume(volume);
  for (const t of targets) t.container.mount(t.path, volume, { readOnly: t.readOnly });
  return volume;
}

/** Props of `AppPod`: the app container's options plus pod-level settings. */
export interface AppPodProps extends AppContainerOptions {
  /**
   * The Pod's name (and `app.kubernetes.io/name`). Also the name of its ServiceAccount.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/instance`.
   * @default - the same as `name`
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag
   */
  readonly version?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default - none
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/part-of`.
   * @default - none
   */
  readonly partOf?: string;
  /**
   * Extra labels on the Pod (custom keys such as `tier: backend`), added to the recommended labels.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations on the Pod.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
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
   * Seconds between SIGTERM and SIGKILL when the pod is deleted.
   * @default 30
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
   * Sidecar containers running next to the app container.
   * @default - none
   */
  readonly sidecars?: NamedContainerOptions[];
  /**
   * emptyDirs shared between containers (referenced by container name), added after all containers.
   * @default - none
   */
  readonly sharedVolumes?: SharedEmptyDirOptions[];
}


/** Validates extra labels (key syntax, value syntax) and forbids overriding the recommended ones. */
export function checkExtraLabels(scope: Construct, prop: string, labels: Record<string, string>): void {
  checkLabels(scope, prop, labels);
  for (const k of Object.keys(labels)) {
    if (Object.values(LABEL).includes(k as (typeof LABEL)[keyof typeof LABEL])) {
      fail(scope, prop, `must not set the recommended label ${show(k)}: use the matching prop (name, instance, version, component, partOf)`);
    }
  }
}

/**
 * A standalone Pod: the app container (restricted, explicit resources), optional sidecars, init containers
 * and shared emptyDirs, its own ServiceAccount without a mounted token, and a stable name. Use it for the
 * book's single-pod examples and one-off tasks; long-running services belong in a Deployment (`WebApp`).
 *
 * It is a consumer (`connectTo` a backend: env var + NetworkPolicies) and can wait for a backend's DNS name
 * (`addDnsWait` in `dns-wait.ts`).
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
  /** Resolved termination grace period. */
  public readonly terminationGracePeriodSeconds: number;

  constructor(scope: Construct, id: string, props: AppPodProps) {
    super(scope, id);
    this.name = props.name ?? id;
    checkDnsLabel(this, 'name', this.name);
    const containerName = props.containerName ?? 'app';
    this.restartPolicy = props.restartPolicy ?? kplus.RestartPolicy.ALWAYS;
    this.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? 30;
    checkInt(this, 'terminationGracePeriodSeconds', this.terminationGracePeriodSeconds, { min: 0 });
    this.podSecurity = resolvePodSecurity(this, props.podSecurity);

    const version = props.version ?? versionFromImage(props.image);
    const identityValues = { instance: props.instance, version, component: props.component, partOf: props.partOf };
    for (const [prop, value] of Object.entries(identityValues)) if (value !== undefined) checkLabelValue(this, prop, value);
    checkExtraLabels(this, 'labels', props.labels ?? {});
    this.labels = { ...(props.labels ?? {}), ...recommendedLabels({ name: this.name, ...identityValues }) };

    this.serviceAccount = createServiceAccount(this, this.name, this.labels);
    this.pod = new kplus.Pod(this, 'Pod', {
      metadata: { name: this.name, labels: this.labels, annotations: props.annotations },
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      restartPolicy: this.restartPolicy,
      terminationGracePeriod: Duration.seconds(this.terminationGracePeriodSeconds),
      securityContext: podSecurityContextProps(this.podSecurity),
    });
    // the cdk8s-plus address label is derived from the construct path: drop it, our labels identify the pod
    dropPodAddressLabel(this.pod);
    applyPodSecurity(this.pod, this.podSecurity);

    for (const init of props.initContainers ?? []) addInitContainer(this.pod, init);
    checkNewContainerName(this.pod, 'containerName', containerName);
    const resolved = resolveContainer(this, containerName, props, this.podSecurity);
    this.container = addContainer(this.pod, this.pod, resolved);
    for (const sidecar of props.sidecars ?? []) addSidecar(this.pod, sidecar);
    for (const shared of props.sharedVolumes ?? []) shareEmptyDir(this.pod, shared);
  }

  /** Readable name used in NetworkPolicy names. */
  public get peerName(): string {
    return this.name;
  }

  /** `app.kubernetes.io/name` + `app.kubernetes.io/instance` of this pod. */
  public get podSelector(): Record<string, string> {
    return selectorLabels({ name: this.labels[LABEL.NAME], instance: this.labels[LABEL.INSTANCE] });
  }

  /** The namespace of the chart. */
  public get namespace(): string | undefined {
    return namespaceOf(this);
  }

  /** Adds a literal env var to the app container (a name it already has throws). */
  public addEnv(name: string, value: string): void {
    addEnvVariable(this, [this.container], name, value);
  }

  /** Adds a sidecar container (see `addSidecar`). */
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

  /** Wires this pod to a backend: env var with its URL, NetworkPolicies (see `wiring.connect`). */
  public connectTo(backend: IBackend, options: ConnectOptions = {}): Connection {
    return connect(this, backend, options);
  }
}
