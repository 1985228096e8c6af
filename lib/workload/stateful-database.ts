/**
 * StatefulDatabase: a StatefulSet with volume claim templates, its headless governing Service, an optional client
 * Service, its own ServiceAccount and an optional PodDisruptionBudget — Pod Security "restricted" by default —
 * with every pod's stable DNS name as a value.
 *
 * Why not `kplus.StatefulSet`: in cdk8s-plus-27 (frozen at 2.9.5) it has no `volumeClaimTemplates`, no PVC
 * retention policy and no `revisionHistoryLimit`, and it always creates its own hash-named headless Service from
 * the ports known at construction unless handed a `kplus.Service` (our `AppService` is not one: it renders named
 * target ports and `publishNotReadyAddresses`, which `kplus.Service` cannot). Patching those fields in as JSON
 * turns quantities into `null`. So the StatefulSet here is the typed L1 `KubeStatefulSet`, whose pod template is
 * rendered by a `kplus.AbstractPod`: containers, env, volumes, mounts, probes and the security context stay
 * cdk8s-plus (and anything written for a kplus workload, such as `ConfigBundle.applyTo`, works on
 * `db.statefulSet`), while the StatefulSet fields come from typed code.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
 */
import { preferredHostAntiAffinity, resolveSpreadAcrossHosts } from '../internal/scheduling';
import { ApiObjectMetadataDefinition, Duration, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { renderPodSpec, renderStatefulSetUpdateStrategy } from '../internal/compat';
import { addEnvVariable, createServiceAccount, disruptionBudgetOptions, resolveIdentity } from './app-workload';
import { AppContainerOptions, ResourceOptions, addContainer, resolveContainer } from './container';
import { DisruptionBudget, DisruptionBudgetOptions, validateDisruptionBudget } from './disruption-budget';
import { AppIdentity, AppIdentityProps, LABEL, MANAGED_BY, recommendedLabels, selectorLabels } from '../core/labels';
import {
  DEFAULT_USER_ID, PodSecurityOptions, ResolvedPodSecurity, applyPodSecurity, podSecurityContextProps, resolvePodSecurity,
} from '../security/pod-security';
import { InitContainerOptions } from './container';
import { AppService, AppServiceOptions, ServiceProtocol } from '../network/service';
import { StorageClassRef, StorageSize, checkAccessModes, dependOnClass, storageClassName, storageQuantity } from '../storage/storage';
import { checkDnsLabel, checkInt, checkOneOf, fail, show } from '../internal/validate';
import {
  BackendPort, ConnectOptions, Connection, IBackend, IConsumer, ServiceEndpoint, connect, namespaceOf,
} from '../network/wiring';

/** The label the StatefulSet controller puts on each pod: its pod name (`db-0`). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** The longest StatefulSet name whose pods get a valid `controller-revision-hash` label (`<name>-<10-char hash>`). */
export const MAX_STATEFUL_SET_NAME_LENGTH = 52;

/** What happens to the claims of a StatefulSet's pods. */
export enum PvcRetention {
  /** Keep the claims (and their data) — the Kubernetes default. */
  RETAIN = 'Retain',
  /** Delete the claims (and, with a `Delete` reclaim policy, the data). */
  DELETE = 'Delete',
}

/** The `persistentVolumeClaimRetentionPolicy` of a StatefulSet. */
export interface PvcRetentionPolicy {
  /**
   * When the StatefulSet is deleted.
   * @default PvcRetention.RETAIN
   */
  readonly whenDeleted?: PvcRetention;
  /**
   * When the StatefulSet is scaled down (claims of the removed ordinals).
   * @default PvcRetention.RETAIN
   */
  readonly whenScaled?: PvcRetention;
}

/** A volume claim template: one PersistentVolumeClaim per pod (`<name>-<statefulset>-<ordinal>`), mounted in the main container. */
export interface VolumeClaimTemplate {
  /** The template name: the volume name in the pod, and the prefix of each claim's name. */
  readonly name: string;
  /** The size of each claim: a quantity (`10Gi`) or a cdk8s `Size`. */
  readonly size: StorageSize;
  /** Where the main container mounts it (the data path), an absolute path. */
  readonly mountPath: string;
  /**
   * Mount a subdirectory of the volume instead of its root.
   * @default - the volume root
   */
  readonly subPath?: string;
  /**
   * Access modes (`ReadOnlyMany` is refused: a fresh claim starts empty).
   * @default [ReadWriteOnce]
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];
  /**
   * The class to provision from: a `StorageClass` construct or a class name.
   * @default - the cluster's default class
   */
  readonly storageClass?: StorageClassRef;
}

/** A resolved volume claim template. */
export interface ResolvedVolumeClaimTemplate {
  /** The template name (the pod volume name, and the prefix of each claim's name). */
  readonly name: string;
  /** The size as a quantity string (`10Gi`). */
  readonly size: string;
  /** Where the main container mounts it. */
  readonly mountPath: string;
  /** The mounted subdirectory of the volume, when one is set. */
  readonly subPath?: string;
  /** The access modes. */
  readonly accessModes: kplus.PersistentVolumeAccessMode[];
  /** The class name, when one is set. */
  readonly storageClassName?: string;
}

/** An extra volume mounted in the main container (e.g. a ConfigBundle's `configVolume()` or `secretVolume()`). */
export interface DatabaseVolumeMount {
  /** The pod volume. */
  readonly volume: kplus.Volume;
  /** Where the main container mounts it. */
  readonly mountPath: string;
  /**
   * Mount read-only.
   * @default true
   */
  readonly readOnly?: boolean;
  /**
   * Mount a single key/subdirectory.
   * @default - the whole volume
   */
  readonly subPath?: string;
}

/** Options of the client Service (a ClusterIP Service in front of all ready pods). */
export interface ClientServiceOptions extends AppServiceOptions {
  /**
   * The client Service name.
   * @default - `<name>-client`
   */
  readonly name?: string;
}

/** Props of {@link StatefulDatabase}. */
export interface StatefulDatabaseProps extends Omit<AppContainerOptions, 'readiness'>, AppIdentityProps {
  /**
   * The StatefulSet name (at most 52 characters: pods are `<name>-<ordinal>`). Also `app.kubernetes.io/name`,
   * the ServiceAccount and PodDisruptionBudget name. Renaming it orphans the existing claims.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The headless governing Service's name (`serviceName`): pods are `<name>-<i>.<serviceName>.<ns>.svc.cluster.local`.
   * Immutable once applied.
   * @default - the same as `name`
   */
  readonly serviceName?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default 'database'
   */
  readonly component?: string;
  /**
   * The main container's name.
   * @default - the same as `name`
   */
  readonly containerName?: string;
  /**
   * Readiness probe (exec, TCP or HTTP), or `false` for none.
   * @default - TCP on the first port
   */
  readonly readiness?: kplus.Probe | false;
  /**
   * Pods to run (at least 1).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The claim templates, each mounted in the main container. Immutable once applied (Kubernetes forbids
   * changing `volumeClaimTemplates` of an existing StatefulSet), so their labels are only the selector labels
   * and `managed-by`: a new image version, component or part-of never touches them.
   * @default - none (add with `addVolumeClaimTemplate`)
   */
  readonly volumeClaimTemplates?: VolumeClaimTemplate[];
  /**
   * `OrderedReady` starts pods one by one, each after the previous is ready; `Parallel` starts them all at once.
   * Immutable once applied.
   * @default kplus.PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: kplus.PodManagementPolicy;
  /**
   * `rollingUpdate({ partition })` (only ordinals >= partition are updated) or `onDelete()`.
   * @default kplus.StatefulSetUpdateStrategy.rollingUpdate() (partition 0)
   */
  readonly updateStrategy?: kplus.StatefulSetUpdateStrategy;
  /**
   * Whether the pods' claims are kept when the StatefulSet is deleted or scaled down.
   * @default { whenDeleted: RETAIN, whenScaled: RETAIN }
   */
  readonly pvcRetentionPolicy?: PvcRetentionPolicy;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @default 0
   */
  readonly minReadySeconds?: number;
  /**
   * Seconds a pod gets to shut down cleanly (flush and checkpoint) before it is killed.
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Old revisions kept for `kubectl rollout undo`.
   * @default 10
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Publish not-ready pods in the governing Service's DNS, so peers find each other before they are ready
   * (clustered engines that form a quorum at start-up).
   * @default false
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * A ClusterIP Service in front of all ready pods (`<name>-client`), used as the endpoint for `connectTo`.
   * @default false - consumers use the governing Service
   */
  readonly clientService?: ClientServiceOptions | boolean;
  /**
   * Pod security (user, group, fsGroup so the non-root user can write the volumes).
   * @default - restricted, user/group/fsGroup 10001
   */
  readonly podSecurity?: PodSecurityOptions;
  /**
   * Extra volumes mounted in the main container (e.g. a ConfigBundle's volumes).
   * @default - none
   */
  readonly volumes?: DatabaseVolumeMount[];
  /**
   * Pod template annotations (e.g. a ConfigBundle's `checksum/config`, which rolls the pods on a change).
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;
  /**
   * A PodDisruptionBudget (`true`: at most 1 pod unavailable).
   * @default - none
   */
  readonly disruptionBudget?: DisruptionBudgetOptions | boolean;
  /**
   * Prefer distinct nodes for the replicas (a soft pod anti-affinity on `kubernetes.io/hostname`), so losing one
   * node never takes every replica with it. It never blocks scheduling.
   * @default - true when replicas > 1
   */
  readonly spreadAcrossHosts?: boolean;
}

/** The StatefulSet workload: a `kplus.AbstractPod` whose API object is the L1 `KubeStatefulSet`. */
class StatefulSetWorkload extends kplus.AbstractPod {
  public readonly resourceType = 'statefulsets';
  public readonly podMetadata: ApiObjectMetadataDefinition;
  public readonly kubeObject: k8s.KubeStatefulSet;
  protected readonly apiObject: k8s.KubeStatefulSet;

  constructor(scope: Construct, id: string, props: kplus.AbstractPodProps & {
    readonly podLabels: Record<string, string>;
    readonly podAnnotations?: Record<string, string>;
    readonly render: () => k8s.StatefulSetSpec;
  }) {
    super(scope, id, props);
    this.apiObject = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => props.render() }) as unknown as k8s.StatefulSetSpec,
    });
    this.kubeObject = this.apiObject;
    this.podMetadata = new ApiObjectMetadataDefinition({
      labels: props.podLabels,
      annotations: props.podAnnotations,
      apiObject: this.apiObject,
    });
  }
}

/** One pod of a StatefulDatabase as a backend: its stable DNS name, and only its pod in NetworkPolicies. */
export class StatefulPodBackend extends Construct implements IBackend {
  /** The pod name (`db-0`). */
  public readonly podName: string;
  /** `db-0`, used in generated object names. */
  public readonly peerName: string;
  /** The database's selector plus `statefulset.kubernetes.io/pod-name`. */
  public readonly podSelector: Record<string, string>;
  /** The namespace. */
  public readonly namespace: string | undefined;
  /** The pod's DNS names: `fqdn` is `db-0.db.<ns>.svc.cluster.local`, `shortName` is `db-0.db`. */
  public readonly endpoint: ServiceEndpoint;

  constructor(scope: Construct, id: string, private readonly db: StatefulDatabase, ordinal: number) {
    super(scope, id);
    this.podName = db.podName(ordinal);
    this.peerName = this.podName;
    this.podSelector = { ...db.podSelector, [POD_NAME_LABEL]: this.podName };
    this.namespace = db.namespace;
    const governing = db.governingService.endpoint;
    this.endpoint = new ServiceEndpoint(`${this.podName}.${governing.serviceName}`, governing.namespace, db.governingService.backendPorts, governing.clusterDomain);
  }

  /** The governing Service's ports. */
  public get backendPorts(): BackendPort[] {
    return this.db.governingService.backendPorts;
  }
}

/** Options of `connectPrimary`. */
export interface ConnectPrimaryOptions extends ConnectOptions {
  /**
   * An env var that receives the primary's bare DNS name (`db-0.db.<ns>.svc.cluster.local`), for clients that
   * take a host rather than a URL (`PGHOST`).
   * @default - none
   */
  readonly hostEnv?: string;
}

/**
 * A stateful workload (a database, a queue, a quorum) as a StatefulSet with storage per pod.
 *
 * @example
 * const db = new StatefulDatabase(this, 'db', {
 *   ...DatabasePreset.postgres({ version: '16.4', size: '20Gi', storageClass: flash }),
 *   replicas: 1,
 * });
 * db.podDnsName(0);                 // db-0.db.<ns>.svc.cluster.local
 * api.connectTo(db, { env: 'DATABASE_URL', scheme: 'postgres' });
 */
export class StatefulDatabase extends Construct implements IBackend, IConsumer {
  /** The StatefulSet name. */
  public readonly name: string;
  /** The governing (headless) Service name. */
  public readonly serviceName: string;
  /** The recommended-label identity. */
  public readonly identity: AppIdentity;
  /** The recommended labels on every object and on the pod template. */
  public readonly labels: Record<string, string>;
  /** The namespace (undefined: the chart has none, i.e. `default` at apply time). */
  public readonly namespace: string | undefined;
  /** The replica count. */
  public readonly replicas: number;
  /** The resolved pod management policy. */
  public readonly podManagementPolicy: kplus.PodManagementPolicy;
  /** The resolved update strategy. */
  public readonly updateStrategy: kplus.StatefulSetUpdateStrategy;
  /** The resolved claim retention policy. */
  public readonly pvcRetentionPolicy: Required<PvcRetentionPolicy>;
  /** The resolved pod security. */
  public readonly podSecurity: ResolvedPodSecurity;
  /** The StatefulSet workload (a kplus pod: containers, volumes, pod metadata) — pass it to `ConfigBundle.applyTo`. */
  public readonly statefulSet: kplus.AbstractPod;
  /** The L1 StatefulSet object (escape hatch). */
  public readonly apiObject: k8s.KubeStatefulSet;
  /** The main container. */
  public readonly container: kplus.Container;
  /** The headless governing Service (`clusterIP: None`). */
  public readonly governingService: AppService;
  /** The client Service, if any. */
  public readonly clientService?: AppService;
  /** The ServiceAccount (token not mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The PodDisruptionBudget, if any. */
  public readonly disruptionBudget?: DisruptionBudget;

  private readonly templates: ResolvedVolumeClaimTemplate[] = [];
  private readonly mountPaths = new Set<string>();
  private readonly minReadySeconds: number;
  /** Whether the replicas prefer distinct nodes. */
  public readonly spreadAcrossHosts: boolean;
  private readonly revisionHistoryLimit: number;
  private readonly podBackends = new Map<number, StatefulPodBackend>();

  constructor(scope: Construct, id: string, props: StatefulDatabaseProps) {
    super(scope, id);
    // 1. resolve and validate
    this.name = props.name ?? id;
    checkDnsLabel(this, 'name', this.name, MAX_STATEFUL_SET_NAME_LENGTH);
    this.serviceName = props.serviceName ?? this.name;
    checkDnsLabel(this, 'serviceName', this.serviceName);
    this.namespace = namespaceOf(this);
    this.identity = resolveIdentity(this, this.name, props, 'database', props.image);
    this.labels = recommendedLabels(this.identity);

    this.replicas = props.replicas ?? 1;
    checkInt(this, 'replicas', this.replicas, { min: 1 });
    this.podManagementPolicy = props.podManagementPolicy ?? kplus.PodManagementPolicy.ORDERED_READY;
    checkOneOf(this, 'podManagementPolicy', this.podManagementPolicy, Object.values(kplus.PodManagementPolicy));
    this.updateStrategy = props.updateStrategy ?? kplus.StatefulSetUpdateStrategy.rollingUpdate();
    const partition = renderStatefulSetUpdateStrategy(this.updateStrategy).rollingUpdate?.partition;
    if (partition !== undefined) {
      if (!Number.isInteger(partition) || partition < 0 || partition > this.replicas) {
        fail(this, 'updateStrategy.partition', `must be between 0 and replicas (${this.replicas}), got ${show(partition)}`);
      }
    }
    this.pvcRetentionPolicy = {
      whenDeleted: props.pvcRetentionPolicy?.whenDeleted ?? PvcRetention.RETAIN,
      whenScaled: props.pvcRetentionPolicy?.whenScaled ?? PvcRetention.RETAIN,
    };
    for (const [k, v] of Object.entries(this.pvcRetentionPolicy)) {
      checkOneOf(this, `pvcRetentionPolicy.${k}`, v, Object.values(PvcRetention));
    }
    this.minReadySeconds = props.minReadySeconds ?? 0;
    this.spreadAcrossHosts = resolveSpreadAcrossHosts(props.spreadAcrossHosts, this.replicas);
    checkInt(this, 'minReadySeconds', this.minReadySeconds, { min: 0 });
    this.revisionHistoryLimit = props.revisionHistoryLimit ?? 10;
    checkInt(this, 'revisionHistoryLimit', this.revisionHistoryLimit, { min: 0 });
    const grace = props.terminationGracePeriodSeconds ?? 30;
    checkInt(this, 'terminationGracePeriodSeconds', grace, { min: 0 });

    const ports = props.ports ?? [];
    if (ports.length === 0) fail(this, 'ports', 'must contain at least one port (the governing Service and the per-pod DNS names need one), got []');
    const budget = disruptionBudgetOptions(props.disruptionBudget);
    if (budget) validateDisruptionBudget(this, budget, this.replicas, 'disruptionBudget');

    this.podSecurity = resolvePodSecurity(this, props.podSecurity);
    const containerName = props.containerName ?? this.name;
    const resolved = resolveContainer(this, containerName, { ...props, ports }, this.podSecurity);
    resolved.writablePaths.forEach((p) => this.claimPath(p, 'writablePaths'));

    // 2. build
    this.serviceAccount = createServiceAccount(this, this.name, this.labels);

    const workload = new StatefulSetWorkload(this, 'StatefulSet', {
      metadata: { name: this.name, labels: { ...this.labels } },
      podLabels: { ...this.labels },
      podAnnotations: props.podAnnotations ? { ...props.podAnnotations } : undefined,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriod: Duration.seconds(grace),
      securityContext: podSecurityContextProps(this.podSecurity),
      render: () => this.renderSpec(),
    });
    this.statefulSet = workload;
    this.apiObject = workload.kubeObject;
    applyPodSecurity(workload, this.podSecurity);
    this.container = addContainer(this, workload, resolved);

    const selector = this.podSelector;
    const podPorts = ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? ServiceProtocol.TCP }));
    const servicePorts = podPorts.map((p) => ({ ...p, targetPort: p.name }));
    this.governingService = new AppService(this, 'GoverningService', {
      name: this.serviceName,
      headless: true,
      selector,
      podPorts,
      ports: servicePorts,
      publishNotReadyAddresses: props.publishNotReadyAddresses ?? false,
      identity: this.identity,
    });
    workload.node.addDependency(this.governingService);

    if (props.clientService) {
      const opts: ClientServiceOptions = props.clientService === true ? {} : props.clientService;
      const clientName = opts.name ?? `${this.name}-client`;
      if (clientName === this.serviceName) fail(this, 'clientService.name', `must differ from the governing Service name, got ${show(clientName)}`);
      this.clientService = new AppService(this, 'ClientService', {
        ...opts,
        name: clientName,
        selector,
        podPorts,
        ports: servicePorts,
        identity: this.identity,
      });
    }

    if (budget) {
      this.disruptionBudget = new DisruptionBudget(this, 'DisruptionBudget', {
        ...budget,
        name: this.name,
        selector,
        replicas: this.replicas,
        identity: this.identity,
      });
    }

    (props.volumes ?? []).forEach((v, i) => this.mountVolume(v, `volumes[${i}]`));
    (props.volumeClaimTemplates ?? []).forEach((t, i) => this.addTemplateAt(t, `volumeClaimTemplates[${i}]`));
    this.node.addValidation({ validate: () => this.validateVolumeNames() });
  }

  // ---- DNS names ----

  /** The name of pod `ordinal`: `<name>-<ordinal>`. */
  public podName(ordinal: number): string {
    checkInt(this, 'ordinal', ordinal, { min: 0, max: this.replicas - 1 });
    return `${this.name}-${ordinal}`;
  }

  /**
   * The stable DNS name of pod `ordinal`: `<name>-<ordinal>.<serviceName>.<namespace>.svc.<cluster domain>`
   * (the governing Service's FQDN prefixed with the pod name).
   */
  public podDnsName(ordinal: number): string {
    return `${this.podName(ordinal)}.${this.serviceFqdn}`;
  }

  /** The stable DNS names of all replicas, by ordinal. */
  public get podDnsNames(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => this.podDnsName(i));
  }

  /** The governing Service's FQDN (`<serviceName>.<namespace>.svc.cluster.local`): resolves to every pod's IP. */
  public get serviceFqdn(): string {
    return this.governingService.endpoint.fqdn;
  }

  /** The first pod (`<name>-0`), the primary of a primary/replica engine, as a backend. */
  public get primary(): StatefulPodBackend {
    return this.podBackend(0);
  }

  /** Pod `ordinal` as a backend (its DNS name as the endpoint; NetworkPolicies select only that pod). */
  public podBackend(ordinal: number): StatefulPodBackend {
    this.podName(ordinal);
    let b = this.podBackends.get(ordinal);
    if (!b) {
      b = new StatefulPodBackend(this, `Pod${ordinal}`, this, ordinal);
      this.podBackends.set(ordinal, b);
    }
    return b;
  }

  /**
   * Wires a consumer to the primary pod: `options.env` gets its URL, `options.hostEnv` its bare DNS name, and
   * NetworkPolicies allow exactly consumer -> `<name>-0`.
   */
  public connectPrimary(consumer: IConsumer, options: ConnectPrimaryOptions = {}): Connection {
    const { hostEnv, ...rest } = options;
    const c = connect(consumer, this.primary, rest);
    if (hostEnv !== undefined) consumer.addEnv(hostEnv, this.podDnsName(0));
    return c;
  }

  // ---- IBackend / IConsumer ----

  /** Readable name used in generated object names. */
  public get peerName(): string {
    return this.name;
  }

  /** The selector labels of the pods (`app.kubernetes.io/name` and `instance`). */
  public get podSelector(): Record<string, string> {
    return selectorLabels(this.identity);
  }

  /** The client Service's DNS names if there is one, else the governing Service's. */
  public get endpoint(): ServiceEndpoint {
    return (this.clientService ?? this.governingService).endpoint;
  }

  /** The ports of the endpoint's Service (target ports as pod port numbers). */
  public get backendPorts(): BackendPort[] {
    return (this.clientService ?? this.governingService).backendPorts;
  }

  /** Adds an environment variable to the main container (a literal or a `kplus.EnvValue`). */
  public addEnv(name: string, value: string | kplus.EnvValue): void {
    addEnvVariable(this, [this.container], name, value);
  }

  /** Adds a whole ConfigMap or Secret as environment (`envFrom`) to the main container. */
  public addEnvFrom(source: kplus.EnvFrom): void {
    this.container.env.copyFrom(source);
  }

  /** Wires this workload, as a consumer, to a backend (see `connect` in wiring.ts). */
  public connectTo(backend: IBackend, options: ConnectOptions = {}): Connection {
    return connect(this, backend, options);
  }

  // ---- storage and pod extension points ----

  /** The resolved claim templates (a copy). */
  public get volumeClaimTemplates(): ResolvedVolumeClaimTemplate[] {
    return [...this.templates];
  }

  /** Adds a claim template, mounted in the main container at `template.mountPath`. */
  public addVolumeClaimTemplate(template: VolumeClaimTemplate): ResolvedVolumeClaimTemplate {
    return this.addTemplateAt(template, `volumeClaimTemplates[${this.templates.length}]`);
  }

  /** The names of the claims the StatefulSet creates for template `name`: `<template>-<sts>-<ordinal>`. */
  public claimNames(template: string): string[] {
    if (!this.templates.some((t) => t.name === template)) {
      fail(this, 'claimNames', `has no volume claim template ${show(template)} (templates: ${this.templates.map((t) => t.name).join(', ') || 'none'})`);
    }
    return Array.from({ length: this.replicas }, (_, i) => `${template}-${this.name}-${i}`);
  }

  /** Mounts an extra volume in the main container (read-only unless `readOnly: false`). */
  public mount(mount: DatabaseVolumeMount): void {
    this.mountVolume(mount, 'volumes');
  }

  /** Adds an annotation to the pod template (e.g. `checksum/config`). */
  public addPodAnnotation(key: string, value: string): void {
    this.statefulSet.podMetadata.addAnnotation(key, value);
  }

  /**
   * Adds an init container (restricted like the main one; no probes, which Kubernetes rejects there; its writable
   * paths are `<name>-<path>` emptyDirs).
   */
  public addInitContainer(name: string, options: Omit<InitContainerOptions, 'name'>): kplus.Container {
    if ([...this.statefulSet.containers, ...this.statefulSet.initContainers].some((c) => c.name === name)) {
      fail(this, `initContainers.${name}`, `container name ${show(name)} is already used in this pod`);
    }
    const resolved = resolveContainer(this, name, { ...options, readiness: false }, this.podSecurity, `initContainers.${name}`);
    return addContainer(this, this.statefulSet, resolved, `${name}-`, true);
  }

  // ---- internals ----

  private claimPath(path: string, prop: string): void {
    if (typeof path !== 'string' || !path.startsWith('/')) fail(this, prop, `must be an absolute path, got ${show(path)}`);
    const normalized = path.replace(/\/+$/, '') || '/';
    if (this.mountPaths.has(normalized)) fail(this, prop, `mounts ${show(path)}, which is already a mount path of the main container`);
    this.mountPaths.add(normalized);
  }

  private mountVolume(m: DatabaseVolumeMount, prop: string): void {
    if (!(m.volume instanceof kplus.Volume)) fail(this, `${prop}.volume`, `must be a kplus.Volume, got ${show(m.volume)}`);
    if (this.templates.some((t) => t.name === m.volume.name)) {
      fail(this, `${prop}.volume`, `is named ${show(m.volume.name)}, which is a volume claim template name`);
    }
    this.claimPath(m.mountPath, `${prop}.mountPath`);
    this.container.mount(m.mountPath, m.volume, { readOnly: m.readOnly ?? true, subPath: m.subPath });
  }

  private addTemplateAt(t: VolumeClaimTemplate, prop: string): ResolvedVolumeClaimTemplate {
    checkDnsLabel(this, `${prop}.name`, t.name);
    if (this.templates.some((x) => x.name === t.name)) fail(this, `${prop}.name`, `must be unique among the volume claim templates, got ${show(t.name)} twice`);
    const taken = this.podVolumeNames();
    if (taken.includes(t.name)) {
      fail(this, `${prop}.name`, `must not collide with pod volume ${show(t.name)} (pod volumes: ${taken.join(', ')}); choose another template name`);
    }
    const size = storageQuantity(this, `${prop}.size`, t.size);
    const accessModes = t.accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE];
    checkAccessModes(this, `${prop}.accessModes`, accessModes, { forbidReadOnlyMany: true });
    if (t.mountPath === undefined || t.mountPath === '') fail(this, `${prop}.mountPath`, `must be the absolute data path where the claim is mounted, got ${show(t.mountPath)}`);
    this.claimPath(t.mountPath, `${prop}.mountPath`);
    if (t.subPath !== undefined && (t.subPath === '' || t.subPath.startsWith('/') || t.subPath.split('/').includes('..'))) {
      fail(this, `${prop}.subPath`, `must be a relative path without '..', got ${show(t.subPath)}`);
    }
    const className = t.storageClass === undefined ? undefined : storageClassName(this, `${prop}.storageClass`, t.storageClass);
    dependOnClass(this.apiObject, t.storageClass);
    const resolved: ResolvedVolumeClaimTemplate = {
      name: t.name, size, mountPath: t.mountPath, subPath: t.subPath, accessModes: [...accessModes], storageClassName: className,
    };
    this.templates.push(resolved);
    return resolved;
  }

  private podVolumeNames(): string[] {
    const names = new Set<string>(this.statefulSet.volumes.map((v) => v.name));
    for (const c of [...this.statefulSet.containers, ...this.statefulSet.initContainers]) {
      for (const m of c.mounts) names.add(m.volume.name);
    }
    return [...names].sort();
  }

  private validateVolumeNames(): string[] {
    const taken = this.podVolumeNames();
    return this.templates
      .filter((t) => taken.includes(t.name))
      .map((t) => `${this.node.path}: 'volumeClaimTemplates' name ${show(t.name)} collides with a pod volume of the same name; rename one of them`);
  }

  private renderSpec(): k8s.StatefulSetSpec {
    const pod = renderPodSpec(this.statefulSet);
    const main = this.container.name;
    const containers = pod.containers.map((c) => (c.name !== main || this.templates.length === 0 ? c : {
      ...c,
      volumeMounts: [
        ...(c.volumeMounts ?? []),
        ...this.templates.map((t) => ({ name: t.name, mountPath: t.mountPath, subPath: t.subPath })),
      ],
    }));
    // claim templates are immutable once applied: only labels that can never change (the selector's and managed-by)
    const selector = this.podSelector;
    const claimLabels = { ...selector, [LABEL.MANAGED_BY]: MANAGED_BY };
    return {
      replicas: this.replicas,
      serviceName: this.serviceName,
      selector: { matchLabels: selector },
      podManagementPolicy: this.podManagementPolicy,
      updateStrategy: renderStatefulSetUpdateStrategy(this.updateStrategy),
      minReadySeconds: this.minReadySeconds,
      revisionHistoryLimit: this.revisionHistoryLimit,
      persistentVolumeClaimRetentionPolicy: { ...this.pvcRetentionPolicy },
      template: {
        metadata: this.statefulSet.podMetadata.toJson(),
        spec: { ...pod, containers, affinity: this.spreadAcrossHosts ? preferredHostAntiAffinity(selector) : undefined },
      },
      volumeClaimTemplates: this.templates.length === 0 ? undefined : this.templates.map((t) => ({
        metadata: { name: t.name, labels: { ...claimLabels } },
        spec: {
          accessModes: [...t.accessModes],
          storageClassName: t.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(t.size) } },
        },
      })),
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------------------------------------------

/** The environment variables the official postgres image reads. */
export const POSTGRES_ENV = {
  /** The superuser name (default `postgres`). */
  USER: 'POSTGRES_USER',
  /** The superuser password (required on first start, unless `POSTGRES_PASSWORD_FILE`). */
  PASSWORD: 'POSTGRES_PASSWORD',
  /** A file holding the password (e.g. a mounted Secret key). */
  PASSWORD_FILE: 'POSTGRES_PASSWORD_FILE',
  /** The database created on first start (default: the user name). */
  DB: 'POSTGRES_DB',
  /** The data directory (a subdirectory of the mount: the volume root may hold `lost+found`). */
  PGDATA: 'PGDATA',
} as const;

/** Options of `DatabasePreset.postgres`. */
export interface PostgresPresetOptions {
  /** The postgres image tag (`16.4`, `16.4-bookworm`). */
  readonly version: string;
  /**
   * The image repository.
   * @default 'postgres'
   */
  readonly repository?: string;
  /**
   * The size of the `data` claim of each pod.
   * @default '10Gi'
   */
  readonly size?: StorageSize;
  /**
   * The class of the `data` claims.
   * @default - the cluster's default class
   */
  readonly storageClass?: StorageClassRef;
  /**
   * More env vars (credentials from a ConfigBundle: `{ POSTGRES_PASSWORD: bundle.envValue('password') }`).
   * @default - only PGDATA
   */
  readonly env?: Record<string, string | kplus.EnvValue>;
  /**
   * Whole ConfigMaps/Secrets as environment.
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];
  /**
   * Requests and limits.
   * @default cpu 250m/1, memory 256Mi/512Mi
   */
  readonly resources?: ResourceOptions;
  /**
   * The user and group id the server runs as, also the fsGroup of the volume. The official image runs under
   * any uid (its entrypoint registers it through nss_wrapper); use `999` (Debian) or `70` (Alpine) for the
   * image's own `postgres` user.
   * @default 10001
   */
  readonly uid?: number;
}

/** Ready-made, engine-specific props for {@link StatefulDatabase}: spread them and override what you need. */
export class DatabasePreset {
  /**
   * PostgreSQL (official image): port `postgres` 5432, a `data` claim at `/var/lib/postgresql/data` with
   * `PGDATA` in its `pgdata` subdirectory, `pg_isready` readiness and startup probes and a TCP liveness probe
   * (a slow query never restarts the server), non-root uid 10001 with the same fsGroup, writable `/tmp` and
   * `/var/run/postgresql` on a read-only root filesystem, 60 s to shut down.
   */
  public static postgres(options: PostgresPresetOptions): StatefulDatabaseProps {
    if (typeof options.version !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(options.version)) {
      throw new Error(`DatabasePreset.postgres: 'version' must be an image tag such as "16.4", got ${show(options.version)}`);
    }
    const uid = options.uid ?? DEFAULT_USER_ID;
    const dataPath = '/var/lib/postgresql/data';
    // -U: libpq needs a user name, and a uid without a passwd entry (10001 in the official image) has none
    const ready = ['pg_isready', '-U', typeof options.env?.POSTGRES_USER === 'string' ? options.env.POSTGRES_USER : 'postgres', '-h', '127.0.0.1', '-p', '5432'];
    return {
      image: `${options.repository ?? 'postgres'}:${options.version}`,
      ports: [{ name: 'postgres', port: 5432 }],
      env: { [POSTGRES_ENV.PGDATA]: `${dataPath}/pgdata`, ...(options.env ?? {}) },
      envFrom: options.envFrom,
      volumeClaimTemplates: [{ name: 'data', size: options.size ?? '10Gi', mountPath: dataPath, storageClass: options.storageClass }],
      readiness: kplus.Probe.fromCommand(ready, { periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3), failureThreshold: 3 }),
      liveness: kplus.Probe.fromTcpSocket({ port: 5432, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), failureThreshold: 6 }),
      startup: kplus.Probe.fromCommand(ready, { periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3), failureThreshold: 60 }),
      resources: options.resources ?? {
        cpuRequest: kplus.Cpu.millis(250), cpuLimit: kplus.Cpu.units(1), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512),
      },
      podSecurity: { runAsUser: uid, runAsGroup: uid, fsGroup: uid },
      writablePaths: ['/tmp', '/var/run/postgresql'],
      terminationGracePeriodSeconds: 60,
    };
  }

  private constructor() {}
}
