/**
 * StatefulDatabase: a StatefulSet with volume claim templates, its headless governing Service, its own
 * ServiceAccount and PodDisruptionBudget — Pod Security "restricted" by default — with every pod's stable DNS name
 * as a value, and an explicit answer to "how do the pods relate to each other" (`replication`):
 * - `DatabaseReplication.standalone()` (the default): one pod. `replicas > 1` is refused: N pods of an engine that
 *   does not replicate are N independent, different databases behind one Service.
 * - `DatabaseReplication.independent()`: N pods that are meant to be independent (the book's web servers, each with
 *   its own webroot) or that an engine clusters itself.
 * - a primary/replica replication (`DatabasePreset.postgres({ replication })`): one read-write primary and
 *   streaming read-only replicas, as two StatefulSets with one role each (Bitnami's postgresql chart does the same:
 *   Service selectors are equality-only, so "every pod but the primary" needs a label only the replicas carry),
 *   a read-write Service selecting the primary, a read-only Service selecting the replicas, and a NetworkPolicy
 *   that lets the pods replicate and nothing else.
 *
 * Why not `kplus.StatefulSet`: in cdk8s-plus-27 (frozen at 2.9.5) it has no `volumeClaimTemplates`, no PVC
 * retention policy and no `revisionHistoryLimit`, and it always creates its own hash-named headless Service from
 * the ports known at construction unless handed a `kplus.Service` (our `AppService` is not one: it renders named
 * target ports and `publishNotReadyAddresses`, which `kplus.Service` cannot). Patching those fields in as JSON
 * turns quantities into `null`. So the StatefulSet here is the typed L1 `KubeStatefulSet`, whose pod template is
 * rendered by a `kplus.AbstractPod`: containers, env, volumes, mounts, probes and the security context stay
 * cdk8s-plus (and anything written for a kplus workload, such as `ConfigBundle.applyTo`, works on
 * `db.statefulSet`), while the StatefulSet fields come from typed code. With replication, both StatefulSets
 * render the same pod model, so a mount or env var added to `db.container` reaches the primary and the replicas.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/
 */
import { preferredHostAntiAffinity, resolveSpreadAcrossHosts } from '../internal/scheduling';
import { ApiObject, ApiObjectMetadataDefinition, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { renderPodSpec, renderStatefulSetUpdateStrategy } from '../internal/compat';
import { resolveSeconds } from '../internal/duration';
import {
  addEnvVariable, applyObjectMetadata, checkExtraLabels, createServiceAccount, disruptionBudgetOptions, resolveIdentity,
  resolveWorkloadMetadata,
} from './app-workload';
import { PodTemplateMetadataProps, WorkloadMetadataProps } from './types';
import { AppContainerOptions, ResolvedContainer, ResourceOptions, addContainer, resolveContainer, volumeNameForPath } from './container';
import { DisruptionBudget, DisruptionBudgetOptions, validateDisruptionBudget } from './disruption-budget';
import { AppIdentity, AppIdentityProps, KUBECRAFT_PREFIX, LABEL, MANAGED_BY, versionFromImage } from '../core/labels';
import {
  PodSecurityOptions, ResolvedPodSecurity, applyPodSecurity, podSecurityContextProps, resolvePodSecurity,
} from '../security/pod-security';
import { InitContainerOptions } from './container';
import { AppService, AppServiceOptions, PodPort, ServiceProtocol } from '../network/service';
import { NetworkPeer, NetworkPolicy, NetworkPort, NetworkProtocol } from '../network/network-policy';
import { StorageClassRef, StorageSize, checkAccessModes, dependOnClass, storageClassName, storageQuantity } from '../storage/storage';
import { checkAnnotations, checkArray, checkDnsLabel, checkInt, checkOneOf, checkRecord, fail, show } from '../internal/validate';
import {
  BackendPort, ConnectOptions, Connection, IBackend, IConsumer, ServiceEndpoint, connect, namespaceOf,
} from '../network/wiring';

/** The label the StatefulSet controller puts on each pod: its pod name (`db-0`). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';

/** The longest StatefulSet name whose pods get a valid `controller-revision-hash` label (`<name>-<10-char hash>`). */
export const MAX_STATEFUL_SET_NAME_LENGTH = 52;

/** The pod label that tells a primary from a replica (primary/replica replication only). */
export const REPLICATION_ROLE_LABEL = `${KUBECRAFT_PREFIX}/replication-role`;

/** The env var that tells every container of a pod its role (primary/replica replication only). */
export const REPLICATION_ROLE_ENV = 'KUBECRAFT_REPLICATION_ROLE';

/** The role of a pod in a primary/replica replication. */
export enum ReplicaRole {
  /** The one read-write pod. */
  PRIMARY = 'primary',
  /** A read-only copy that streams the primary's changes. */
  REPLICA = 'replica',
}

/** How the pods of a StatefulDatabase relate to each other. */
export enum ReplicationTopology {
  /** One pod. */
  STANDALONE = 'standalone',
  /** Pods that are independent by design, or that the engine clusters itself. */
  INDEPENDENT = 'independent',
  /** One read-write primary and read-only streaming replicas. */
  PRIMARY_REPLICA = 'primary-replica',
}

/**
 * What a replication mode contributes to the main container (resolved before the container exists: a command
 * cannot be changed afterwards).
 */
export interface ReplicationContainerOverrides {
  /**
   * The main container's command.
   * @default - the user's (the image's)
   */
  readonly command?: string[];
  /**
   * The main container's args.
   * @default - the user's
   */
  readonly args?: string[];
}

/**
 * The `replication` prop of a StatefulDatabase: how its pods relate to each other. Engine-specific replications
 * (PostgreSQL streaming replication) come from their presets (`DatabasePreset.postgres({ replication })`).
 */
export abstract class DatabaseReplication {
  /** One pod, no replication (the default): `replicas` must be 1. */
  public static standalone(): DatabaseReplication {
    return new SimpleReplication(ReplicationTopology.STANDALONE);
  }

  /**
   * Pods that are independent on purpose: each has its own data and nothing is copied between them (the book's
   * StatefulSet of web servers, one webroot each; a sharded store), or the engine clusters its pods itself
   * (etcd, Cassandra, ZooKeeper: usually with `publishNotReadyAddresses`). Every pod is behind the same Services.
   */
  public static independent(): DatabaseReplication {
    return new SimpleReplication(ReplicationTopology.INDEPENDENT);
  }

  /** The topology. */
  public abstract readonly topology: ReplicationTopology;

  /** @internal Validates the replication against the database (throws `<path>: 'replication...' ...`). */
  public _validate(_scope: IConstruct, _replicas: number): void {
    // nothing to check by default
  }

  /** @internal What the replication sets on the main container. */
  public _containerOverrides(_scope: IConstruct, _props: StatefulDatabaseProps): ReplicationContainerOverrides {
    return {};
  }

  /** @internal Adds the replication's objects, volumes and init containers to a built database. */
  public _bind(_db: StatefulDatabase): void {
    // nothing to add by default
  }

  /**
   * @internal The container ports the pods replicate over (opened between the database's pods by the replication
   * NetworkPolicy): by default the first port.
   */
  public _replicationPorts(ports: readonly PodPort[]): PodPort[] {
    return ports.slice(0, 1);
  }
}

class SimpleReplication extends DatabaseReplication {
  constructor(public readonly topology: ReplicationTopology) {
    super();
  }
}

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

/** Options of a ClusterIP Service in front of the database's pods (client, read-write or read-only Service). */
export interface ClientServiceOptions extends AppServiceOptions {
  /**
   * The Service name.
   * @default - `<name>-client`, `<name>-rw` (read-write) or `<name>-ro` (read-only)
   */
  readonly name?: string;
}

/** Labels and annotations of the headless governing Service. */
export interface GoverningServiceOptions {
  /**
   * Extra labels on the Service object, merged over the database's labels.
   * @default - the database's labels only
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations on the Service object.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** Options of {@link StatefulDatabase.addInitContainer}. */
export interface DatabaseInitContainerOptions extends Omit<InitContainerOptions, 'name'> {
  /**
   * Mount every volume claim template at its `mountPath`, like the main container (an init container that
   * prepares, restores or clones the data).
   * @default false
   */
  readonly mountVolumeClaimTemplates?: boolean;
  /**
   * Give it the main container's env vars (as they are at synth; its own win), e.g. `PGDATA` and credentials.
   * @default false
   */
  readonly inheritEnv?: boolean;
}

/** Props of {@link StatefulDatabase}. */
export interface StatefulDatabaseProps
  extends Omit<AppContainerOptions, 'readiness'>, AppIdentityProps, WorkloadMetadataProps, PodTemplateMetadataProps {
  /**
   * The StatefulSet name (at most 52 characters: pods are `<name>-<ordinal>`; 44 with a primary/replica
   * replication, whose replicas are `<name>-replica-<ordinal>`). Also `app.kubernetes.io/name`, the
   * ServiceAccount and PodDisruptionBudget name. Renaming it orphans the existing claims.
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
   * Labels and annotations of the headless governing Service.
   * @default - the database's labels
   */
  readonly governingService?: GoverningServiceOptions;
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
   * Pods to run (at least 1). More than 1 needs a `replication` other than standalone; with a primary/replica
   * replication it counts the primary and the replicas (3 = a primary and 2 replicas).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How the pods relate to each other: standalone (one pod), a primary/replica replication
   * (`DatabasePreset.postgres({ replication })`), or independent pods (`DatabaseReplication.independent()`).
   * @default DatabaseReplication.standalone()
   */
  readonly replication?: DatabaseReplication;
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
   * How long a new pod must be ready before it counts as available (whole seconds).
   * @default Duration.seconds(0)
   */
  readonly minReady?: Duration;
  /**
   * Seconds a new pod must be ready before it counts as available.
   * @deprecated use `minReady`
   * @default 0
   */
  readonly minReadySeconds?: number;
  /**
   * How long a pod gets to shut down cleanly (flush and checkpoint) before it is killed (whole seconds).
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Seconds a pod gets to shut down cleanly before it is killed.
   * @deprecated use `terminationGracePeriod`
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
   * Not with a primary/replica replication (it would spread writes over read-only replicas): use
   * `readWriteService` and `readOnlyService`.
   * @default false - consumers use the governing Service
   */
  readonly clientService?: ClientServiceOptions | boolean;
  /**
   * The read-write Service of a primary/replica replication: a ClusterIP Service selecting only the primary,
   * the endpoint of `connectTo` and `connectPrimary`.
   * @default - `<name>-rw`
   */
  readonly readWriteService?: ClientServiceOptions;
  /**
   * The read-only Service of a primary/replica replication: a ClusterIP Service selecting only the replicas,
   * the endpoint of `connectReadOnly`.
   * @default - `<name>-ro`
   */
  readonly readOnlyService?: ClientServiceOptions;
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
   * A PodDisruptionBudget over every pod of the database (`true`: at most 1 pod unavailable), or `false`.
   * @default - with a primary/replica replication `{ maxUnavailable: 1 }` (a drain never takes the primary and a
   *   replica, or two replicas, at once); otherwise none
   */
  readonly disruptionBudget?: DisruptionBudgetOptions | boolean;
  /**
   * Prefer distinct nodes for the pods (a soft pod anti-affinity on `kubernetes.io/hostname` over every pod of
   * the database, primary and replicas alike), so losing one node never takes every copy with it. It never
   * blocks scheduling.
   * @default - true when replicas > 1
   */
  readonly spreadAcrossHosts?: boolean;
  /**
   * Prefer spreading the pods evenly over zones (`topology.kubernetes.io/zone`, a soft topology spread
   * constraint, maxSkew 1): a zone outage then leaves a copy in another zone. Nodes without the label are not
   * counted; it never blocks scheduling.
   * @default - true with a primary/replica replication, else false
   */
  readonly spreadAcrossZones?: boolean;
}

/** The resolved form of {@link StatefulDatabaseProps}: every default applied, everything validated. */
export interface StatefulDatabasePlan {
  /** The (primary) StatefulSet name. */
  readonly name: string;
  /** The governing Service name. */
  readonly serviceName: string;
  /** The namespace of the chart. */
  readonly namespace: string | undefined;
  /** The recommended-label identity. */
  readonly identity: AppIdentity;
  /** The labels of every object: your `labels`, then the recommended labels. */
  readonly labels: Record<string, string>;
  /** The labels of the pods: your `labels`, `podLabels` and selector labels, then the recommended labels. */
  readonly podLabels: Record<string, string>;
  /** The annotations of every object (undefined: none). */
  readonly annotations?: Record<string, string>;
  /** The labels every pod of the database carries and every selector of all its pods requires. */
  readonly selector: Record<string, string>;
  /** The replication. */
  readonly replication: DatabaseReplication;
  /** The total pod count. */
  readonly replicas: number;
  /** The pod management policy. */
  readonly podManagementPolicy: kplus.PodManagementPolicy;
  /** The update strategy. */
  readonly updateStrategy: kplus.StatefulSetUpdateStrategy;
  /** The claim retention policy. */
  readonly pvcRetentionPolicy: Required<PvcRetentionPolicy>;
  /** `minReadySeconds`. */
  readonly minReadySeconds: number;
  /** `terminationGracePeriodSeconds`. */
  readonly terminationGracePeriodSeconds: number;
  /** `revisionHistoryLimit`. */
  readonly revisionHistoryLimit: number;
  /** Whether the pods prefer distinct nodes. */
  readonly spreadAcrossHosts: boolean;
  /** Whether the pods prefer distinct zones. */
  readonly spreadAcrossZones: boolean;
  /** The pod security. */
  readonly podSecurity: ResolvedPodSecurity;
  /** The main container's name. */
  readonly containerName: string;
  /** The main container. */
  readonly container: ResolvedContainer;
  /** The main container's image. */
  readonly image: string;
  /** The main container's resource options (as given). */
  readonly resources?: ResourceOptions;
  /** The container ports as pod ports (for the Services). */
  readonly podPorts: { readonly name: string; readonly port: number; readonly protocol: ServiceProtocol }[];
  /** The claim templates. */
  readonly templates: { readonly resolved: ResolvedVolumeClaimTemplate; readonly storageClass?: StorageClassRef }[];
  /** The governing Service's options. */
  readonly governingService: GoverningServiceOptions & { readonly publishNotReadyAddresses: boolean };
  /** The client Service (standalone or independent pods), if any. */
  readonly clientService?: ClientServiceOptions & { readonly name: string };
  /** The read-write Service (primary/replica replication). */
  readonly readWriteService?: ClientServiceOptions & { readonly name: string };
  /** The read-only Service (primary/replica replication). */
  readonly readOnlyService?: ClientServiceOptions & { readonly name: string };
  /** The PodDisruptionBudget, if any. */
  readonly disruptionBudget?: DisruptionBudgetOptions;
  /** The pod template annotations. */
  readonly podAnnotations?: Record<string, string>;
}

/** Labels that controllers set per pod or revision, and the role label of a replication: never labels of your own. */
const MANAGED_LABELS: Record<string, string> = {
  'pod-template-hash': 'controllers set it per revision',
  'controller-revision-hash': 'the StatefulSet controller sets it per revision',
  [POD_NAME_LABEL]: 'the StatefulSet controller sets it per pod',
  'apps.kubernetes.io/pod-index': 'the StatefulSet controller sets it per pod',
  [REPLICATION_ROLE_LABEL]: 'kubecraft sets it on the primary and the replicas of a replication',
};

function resolveServiceOptions(
  scope: IConstruct, prop: string, given: ClientServiceOptions | boolean | undefined, defaultName: string, taken: string[],
): (ClientServiceOptions & { readonly name: string }) | undefined {
  if (given === undefined || given === false) return undefined;
  const opts: ClientServiceOptions = given === true ? {} : given;
  const name = opts.name ?? defaultName;
  checkDnsLabel(scope, `${prop}.name`, name);
  if (taken.includes(name)) fail(scope, `${prop}.name`, `must differ from the database's other Service names (${taken.join(', ')}), got ${show(name)}`);
  taken.push(name);
  return { ...opts, name };
}

/** Validates a claim template; `taken` are the pod volume names and `paths` the main container's mount paths so far. */
function resolveTemplate(scope: IConstruct, t: VolumeClaimTemplate, prop: string, known: string[], taken: string[], paths: Set<string>): ResolvedVolumeClaimTemplate {
  checkDnsLabel(scope, `${prop}.name`, t.name);
  if (known.includes(t.name)) fail(scope, `${prop}.name`, `must be unique among the volume claim templates, got ${show(t.name)} twice`);
  if (taken.includes(t.name)) {
    fail(scope, `${prop}.name`, `must not collide with pod volume ${show(t.name)} (pod volumes: ${[...taken].sort().join(', ')}); choose another template name`);
  }
  const size = storageQuantity(scope, `${prop}.size`, t.size);
  const accessModes = t.accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE];
  checkAccessModes(scope, `${prop}.accessModes`, accessModes, { forbidReadOnlyMany: true });
  if (t.mountPath === undefined || t.mountPath === '') fail(scope, `${prop}.mountPath`, `must be the absolute data path where the claim is mounted, got ${show(t.mountPath)}`);
  claimPath(scope, paths, t.mountPath, `${prop}.mountPath`);
  if (t.subPath !== undefined && (t.subPath === '' || t.subPath.startsWith('/') || t.subPath.split('/').includes('..'))) {
    fail(scope, `${prop}.subPath`, `must be a relative path without '..', got ${show(t.subPath)}`);
  }
  const className = t.storageClass === undefined ? undefined : storageClassName(scope, `${prop}.storageClass`, t.storageClass);
  return { name: t.name, size, mountPath: t.mountPath, subPath: t.subPath, accessModes: [...accessModes], storageClassName: className };
}

/** Records a mount path of the main container, refusing a relative path or one already mounted. */
function claimPath(scope: IConstruct, paths: Set<string>, path: string, prop: string): void {
  if (typeof path !== 'string' || !path.startsWith('/')) fail(scope, prop, `must be an absolute path, got ${show(path)}`);
  const normalized = path.replace(/\/+$/, '') || '/';
  if (paths.has(normalized)) fail(scope, prop, `mounts ${show(path)}, which is already a mount path of the main container`);
  paths.add(normalized);
}

/**
 * Resolves and validates the props of a StatefulDatabase at `scope` (the database construct itself): every default
 * applied, every prop checked, no construct created. The constructor builds from this plan.
 */
export function resolveStatefulDatabase(scope: IConstruct, props: StatefulDatabaseProps): StatefulDatabasePlan {
  const replication = props.replication ?? DatabaseReplication.standalone();
  if (!(replication instanceof DatabaseReplication)) {
    fail(scope, 'replication', `must be a DatabaseReplication (DatabaseReplication.standalone(), DatabaseReplication.independent() or a preset's replication), got ${show(replication)}`);
  }
  const topology = replication.topology;
  const primaryReplica = topology === ReplicationTopology.PRIMARY_REPLICA;

  const name = props.name ?? scope.node.id;
  checkDnsLabel(scope, 'name', name, primaryReplica ? MAX_STATEFUL_SET_NAME_LENGTH - '-replica'.length : MAX_STATEFUL_SET_NAME_LENGTH);
  const serviceName = props.serviceName ?? name;
  checkDnsLabel(scope, 'serviceName', serviceName);
  const identity = resolveIdentity(scope, name, props, 'database', props.image);
  const metadata = resolveWorkloadMetadata(scope, props, identity, {
    releaseValues: [identity.version, versionFromImage(props.image)], reservedKeys: MANAGED_LABELS,
  });
  const { objectLabels: labels, podLabels, selector, annotations } = metadata;

  const replicas = props.replicas ?? 1;
  checkInt(scope, 'replicas', replicas, { min: 1 });
  if (topology === ReplicationTopology.STANDALONE && replicas > 1) {
    fail(scope, 'replicas', `must be 1 without a 'replication' mode (${replicas} pods of a database that does not replicate are ${replicas} independent databases with different data behind one Service), got ${replicas}: `
      + 'choose replication: DatabasePreset.postgres({ ..., replication: { password } }) for a primary with streaming replicas, '
      + 'DatabaseReplication.independent() for pods that are meant to be independent or that the engine clusters itself, or replicas: 1');
  }
  replication._validate(scope, replicas);

  const podManagementPolicy = props.podManagementPolicy ?? kplus.PodManagementPolicy.ORDERED_READY;
  checkOneOf(scope, 'podManagementPolicy', podManagementPolicy, Object.values(kplus.PodManagementPolicy));
  const updateStrategy = props.updateStrategy ?? kplus.StatefulSetUpdateStrategy.rollingUpdate();
  const partition = renderStatefulSetUpdateStrategy(updateStrategy).rollingUpdate?.partition;
  if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition > replicas)) {
    fail(scope, 'updateStrategy.partition', `must be between 0 and replicas (${replicas}), got ${show(partition)}`);
  }
  const pvcRetentionPolicy = {
    whenDeleted: props.pvcRetentionPolicy?.whenDeleted ?? PvcRetention.RETAIN,
    whenScaled: props.pvcRetentionPolicy?.whenScaled ?? PvcRetention.RETAIN,
  };
  for (const [k, v] of Object.entries(pvcRetentionPolicy)) checkOneOf(scope, `pvcRetentionPolicy.${k}`, v, Object.values(PvcRetention));
  const minReadySeconds = resolveSeconds(scope, {
    prop: 'minReady', value: props.minReady, secondsProp: 'minReadySeconds', seconds: props.minReadySeconds, default: Duration.seconds(0), min: 0,
  });
  const terminationGracePeriodSeconds = resolveSeconds(scope, {
    prop: 'terminationGracePeriod', value: props.terminationGracePeriod, secondsProp: 'terminationGracePeriodSeconds',
    seconds: props.terminationGracePeriodSeconds, default: Duration.seconds(30), min: 0,
  });
  const revisionHistoryLimit = props.revisionHistoryLimit ?? 10;
  checkInt(scope, 'revisionHistoryLimit', revisionHistoryLimit, { min: 0 });

  if (props.ports !== undefined) checkArray(scope, 'ports', props.ports); // null is refused, never taken for none
  const ports = props.ports ?? [];
  ports.forEach((p, i) => checkRecord(scope, `ports[${i}]`, p as unknown));
  if (ports.length === 0) fail(scope, 'ports', 'must contain at least one port (the governing Service and the per-pod DNS names need one), got []');
  const podPorts = ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? ServiceProtocol.TCP }));

  const budgetProp = props.disruptionBudget ?? (primaryReplica ? { maxUnavailable: 1 } : undefined);
  const disruptionBudget = disruptionBudgetOptions(budgetProp);
  if (disruptionBudget) validateDisruptionBudget(scope as Construct, disruptionBudget, replicas, 'disruptionBudget');

  const podSecurity = resolvePodSecurity(scope, props.podSecurity);
  const containerName = props.containerName ?? name;
  const overrides = replication._containerOverrides(scope, props);
  const container = resolveContainer(scope as Construct, containerName, { ...props, ...overrides, ports }, podSecurity);
  const paths = new Set<string>();
  container.writablePaths.forEach((p) => claimPath(scope, paths, p, 'writablePaths'));
  (props.volumes ?? []).forEach((v, i) => {
    if (!(v.volume instanceof kplus.Volume)) fail(scope, `volumes[${i}].volume`, `must be a kplus.Volume, got ${show(v.volume)}`);
    claimPath(scope, paths, v.mountPath, `volumes[${i}].mountPath`);
  });
  const podVolumes = [...container.writablePaths.map(volumeNameForPath), ...(props.volumes ?? []).map((v) => v.volume.name)];
  const known: string[] = [];
  if (props.volumeClaimTemplates !== undefined) checkArray(scope, 'volumeClaimTemplates', props.volumeClaimTemplates);
  const templates = (props.volumeClaimTemplates ?? []).map((t, i) => {
    checkRecord(scope, `volumeClaimTemplates[${i}]`, t as unknown);
    const resolved = resolveTemplate(scope, t, `volumeClaimTemplates[${i}]`, known, podVolumes, paths);
    known.push(t.name);
    return { resolved, storageClass: t.storageClass };
  });
  (props.volumes ?? []).forEach((v, i) => {
    if (known.includes(v.volume.name)) fail(scope, `volumes[${i}].volume`, `is named ${show(v.volume.name)}, which is a volume claim template name`);
  });

  const serviceNames = [serviceName];
  let clientService;
  let readWriteService;
  let readOnlyService;
  if (primaryReplica) {
    if (props.clientService) {
      fail(scope, 'clientService', `must not be set with a primary/replica replication (a Service over every pod would send writes to read-only replicas): use 'readWriteService' and 'readOnlyService', got ${show(props.clientService)}`);
    }
    readWriteService = resolveServiceOptions(scope, 'readWriteService', props.readWriteService ?? true, `${name}-rw`, serviceNames);
    readOnlyService = resolveServiceOptions(scope, 'readOnlyService', props.readOnlyService ?? true, `${name}-ro`, serviceNames);
  } else {
    for (const prop of ['readWriteService', 'readOnlyService'] as const) {
      if (props[prop] !== undefined) fail(scope, prop, `only applies with a primary/replica replication, got ${show(props[prop])} with a ${topology} database`);
    }
    clientService = resolveServiceOptions(scope, 'clientService', props.clientService, `${name}-client`, serviceNames);
  }

  const governing = props.governingService ?? {};
  if (governing.labels !== undefined) checkExtraLabels(scope, 'governingService.labels', governing.labels, MANAGED_LABELS);
  if (governing.annotations !== undefined) checkAnnotations(scope, 'governingService.annotations', governing.annotations);

  return {
    name,
    serviceName,
    namespace: namespaceOf(scope),
    identity,
    labels,
    podLabels,
    annotations,
    selector,
    replication,
    replicas,
    podManagementPolicy,
    updateStrategy,
    pvcRetentionPolicy,
    minReadySeconds,
    terminationGracePeriodSeconds,
    revisionHistoryLimit,
    spreadAcrossHosts: resolveSpreadAcrossHosts(props.spreadAcrossHosts, replicas),
    spreadAcrossZones: props.spreadAcrossZones ?? primaryReplica,
    podSecurity,
    containerName,
    container,
    image: props.image,
    resources: props.resources,
    podPorts,
    templates,
    governingService: { ...governing, publishNotReadyAddresses: props.publishNotReadyAddresses ?? false },
    clientService,
    readWriteService,
    readOnlyService,
    disruptionBudget,
    podAnnotations: metadata.podAnnotations,
  };
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
    this.podSelector = { ...db.allPodsSelector, [POD_NAME_LABEL]: this.podName };
    this.namespace = db.namespace;
    const governing = db.governingService.endpoint;
    this.endpoint = new ServiceEndpoint(`${this.podName}.${governing.serviceName}`, governing.namespace, db.governingService.backendPorts, governing.clusterDomain);
  }

  /** The governing Service's ports. */
  public get backendPorts(): BackendPort[] {
    return this.db.governingService.backendPorts;
  }
}

/** The read-only side of a primary/replica database as a backend: the read-only Service, and only the replicas. */
export class ReadOnlyBackend extends Construct implements IBackend {
  /** `<name>-ro`: the read-only Service's name, used in generated object names. */
  public readonly peerName: string;
  /** The replicas' labels (the database's selector plus the replica role). */
  public readonly podSelector: Record<string, string>;
  /** The namespace. */
  public readonly namespace: string | undefined;

  constructor(scope: Construct, id: string, private readonly service: AppService, selector: Record<string, string>) {
    super(scope, id);
    this.peerName = service.name;
    this.podSelector = { ...selector };
    this.namespace = service.namespace;
  }

  /** The read-only Service's DNS names. */
  public get endpoint(): ServiceEndpoint {
    return this.service.endpoint;
  }

  /** The read-only Service's ports. */
  public get backendPorts(): BackendPort[] {
    return this.service.backendPorts;
  }
}

/** Every pod of a database as a consumer (the primary and the replicas alike). */
class DatabasePods extends Construct implements IConsumer {
  public readonly peerName: string;
  public readonly namespace: string | undefined;
  public readonly podSelector: Record<string, string>;

  constructor(scope: Construct, id: string, private readonly db: StatefulDatabase) {
    super(scope, id);
    this.peerName = db.peerName;
    this.namespace = db.namespace;
    this.podSelector = db.allPodsSelector;
  }

  public addEnv(name: string, value: string): void {
    this.db.addEnv(name, value);
  }
}

/** Options of `connectPrimary` and `connectReadOnly`. */
export interface ConnectPrimaryOptions extends ConnectOptions {
  /**
   * An env var that receives the bare host name (`PGHOST`), for clients that take a host rather than a URL:
   * the primary's per-pod DNS name (`db-0.db.<ns>.svc.cluster.local`) for a standalone database, the read-write
   * or read-only Service's FQDN with a primary/replica replication.
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
  /** The (primary) StatefulSet name. */
  public readonly name: string;
  /** The governing (headless) Service name. */
  public readonly serviceName: string;
  /** The recommended-label identity. */
  public readonly identity: AppIdentity;
  /** The labels on every object: your `labels`, then the recommended labels. */
  public readonly labels: Record<string, string>;
  /** The namespace (undefined: the chart has none, i.e. `default` at apply time). */
  public readonly namespace: string | undefined;
  /** The pod count (with a primary/replica replication: the primary and the replicas). */
  public readonly replicas: number;
  /** The replication. */
  public readonly replication: DatabaseReplication;
  /** The resolved pod management policy. */
  public readonly podManagementPolicy: kplus.PodManagementPolicy;
  /** The resolved update strategy. */
  public readonly updateStrategy: kplus.StatefulSetUpdateStrategy;
  /** The resolved claim retention policy. */
  public readonly pvcRetentionPolicy: Required<PvcRetentionPolicy>;
  /** The resolved pod security. */
  public readonly podSecurity: ResolvedPodSecurity;
  /**
   * The pod model (a kplus pod: containers, volumes, pod metadata) — pass it to `ConfigBundle.applyTo`. With a
   * primary/replica replication both StatefulSets render it.
   */
  public readonly statefulSet: kplus.AbstractPod;
  /** The L1 (primary) StatefulSet object (escape hatch). */
  public readonly apiObject: k8s.KubeStatefulSet;
  /**
   * The StatefulSet of the replicas (`<name>-replica`), with a primary/replica replication: the primary's as
   * synthesized, with the replica role (escape hatch: `addJsonPatch`).
   */
  public readonly replicaApiObject?: ApiObject;
  /** The main container. */
  public readonly container: kplus.Container;
  /** The headless governing Service (`clusterIP: None`). */
  public readonly governingService: AppService;
  /** The client Service, if any. */
  public readonly clientService?: AppService;
  /** The read-write Service (only the primary), with a primary/replica replication. */
  public readonly readWriteService?: AppService;
  /** The read-only Service (only the replicas), with a primary/replica replication. */
  public readonly readOnlyService?: AppService;
  /** The read-only side as a backend (`connectReadOnly`), with a primary/replica replication. */
  public readonly readOnly?: ReadOnlyBackend;
  /** The NetworkPolicy that lets the pods replicate, with a primary/replica replication. */
  public readonly replicationPolicy?: NetworkPolicy;
  /** The ServiceAccount (token not mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The PodDisruptionBudget, if any. */
  public readonly disruptionBudget?: DisruptionBudget;
  /** Whether the pods prefer distinct nodes. */
  public readonly spreadAcrossHosts: boolean;
  /** Whether the pods prefer distinct zones. */
  public readonly spreadAcrossZones: boolean;

  private readonly plan: StatefulDatabasePlan;
  private readonly templates: ResolvedVolumeClaimTemplate[] = [];
  private readonly mountPaths = new Set<string>();
  private readonly claimMountingInits = new Set<string>();
  private readonly envInheritingInits = new Set<string>();
  private readonly podBackends = new Map<number, StatefulPodBackend>();
  private readonly consumer: IConsumer;

  constructor(scope: Construct, id: string, props: StatefulDatabaseProps) {
    super(scope, id);
    // 1. resolve: every default and every check
    const plan = resolveStatefulDatabase(this, props);
    this.plan = plan;
    this.name = plan.name;
    this.serviceName = plan.serviceName;
    this.namespace = plan.namespace;
    this.identity = plan.identity;
    this.labels = plan.labels;
    this.replicas = plan.replicas;
    this.replication = plan.replication;
    this.podManagementPolicy = plan.podManagementPolicy;
    this.updateStrategy = plan.updateStrategy;
    this.pvcRetentionPolicy = plan.pvcRetentionPolicy;
    this.podSecurity = plan.podSecurity;
    this.spreadAcrossHosts = plan.spreadAcrossHosts;
    this.spreadAcrossZones = plan.spreadAcrossZones;
    plan.container.writablePaths.forEach((p) => claimPath(this, this.mountPaths, p, 'writablePaths'));

    // 2. build
    this.serviceAccount = createServiceAccount(this, this.name, this.labels, plan.annotations);
    const primaryReplica = this.isPrimaryReplica;
    const workload = new StatefulSetWorkload(this, 'StatefulSet', {
      metadata: { name: this.name, labels: this.roleLabels(this.labels, ReplicaRole.PRIMARY), annotations: plan.annotations },
      podLabels: this.roleLabels(plan.podLabels, ReplicaRole.PRIMARY),
      podAnnotations: plan.podAnnotations,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriod: Duration.seconds(plan.terminationGracePeriodSeconds),
      securityContext: podSecurityContextProps(this.podSecurity),
      render: () => this.renderSpec(primaryReplica ? ReplicaRole.PRIMARY : undefined),
    });
    this.statefulSet = workload;
    this.apiObject = workload.kubeObject;
    applyPodSecurity(workload, this.podSecurity);
    this.container = addContainer(this, workload, plan.container);

    const podPorts = plan.podPorts;
    const servicePorts = podPorts.map((p) => ({ ...p, targetPort: p.name }));
    const service = (sid: string, opts: ClientServiceOptions & { readonly name: string }, selector: Record<string, string>) => new AppService(this, sid, {
      ...opts,
      labels: { ...this.labels, ...(opts.labels ?? {}) },
      annotations: plan.annotations || opts.annotations ? { ...plan.annotations, ...opts.annotations } : undefined,
      selector,
      podPorts,
      ports: servicePorts,
      identity: this.identity,
    });
    this.governingService = new AppService(this, 'GoverningService', {
      name: this.serviceName,
      headless: true,
      selector: this.allPodsSelector,
      podPorts,
      ports: servicePorts,
      publishNotReadyAddresses: plan.governingService.publishNotReadyAddresses,
      identity: this.identity,
      labels: { ...this.labels, ...(plan.governingService.labels ?? {}) },
      annotations: plan.annotations || plan.governingService.annotations ? { ...plan.annotations, ...plan.governingService.annotations } : undefined,
    });
    workload.node.addDependency(this.governingService);

    if (plan.clientService) this.clientService = service('ClientService', plan.clientService, this.allPodsSelector);
    if (plan.readWriteService && plan.readOnlyService) {
      this.readWriteService = service('ReadWriteService', plan.readWriteService, this.roleSelector(ReplicaRole.PRIMARY));
      this.readOnlyService = service('ReadOnlyService', plan.readOnlyService, this.roleSelector(ReplicaRole.REPLICA));
      this.readOnly = new ReadOnlyBackend(this, 'ReadOnly', this.readOnlyService, this.roleSelector(ReplicaRole.REPLICA));
      // the replicas' StatefulSet is the primary's as synthesized (every patch included), with the replica role
      const primaryObject = ApiObject.of(workload);
      const replicaSet = new ApiObject(this, 'ReplicaStatefulSet', {
        apiVersion: k8s.KubeStatefulSet.GVK.apiVersion,
        kind: k8s.KubeStatefulSet.GVK.kind,
        metadata: { name: this.replicaStatefulSetName, labels: this.roleLabels(this.labels, ReplicaRole.REPLICA), annotations: plan.annotations },
        spec: Lazy.any({ produce: () => this.replicaSpec((primaryObject.toJson() as { spec: RenderedStatefulSetSpec }).spec) }),
      });
      replicaSet.node.addDependency(this.governingService);
      this.replicaApiObject = replicaSet;
      this.replicationPolicy = this.createReplicationPolicy();
    }
    this.consumer = primaryReplica ? new DatabasePods(this, 'Pods', this) : this;

    if (plan.disruptionBudget) {
      this.disruptionBudget = new DisruptionBudget(this, 'DisruptionBudget', {
        ...plan.disruptionBudget,
        name: this.name,
        selector: this.allPodsSelector,
        replicas: this.replicas,
        identity: this.identity,
      });
      // your labels on the budget too (DisruptionBudget labels only its identity)
      applyObjectMetadata(this.disruptionBudget.apiObject, this.labels, plan.annotations);
    }

    (props.volumes ?? []).forEach((v, i) => this.mountVolume(v, `volumes[${i}]`));
    for (const t of plan.templates) {
      claimPath(this, this.mountPaths, t.resolved.mountPath, 'volumeClaimTemplates');
      dependOnClass(this.apiObject, t.storageClass);
      if (this.replicaApiObject) dependOnClass(this.replicaApiObject, t.storageClass);
      this.templates.push(t.resolved);
    }
    this.node.addValidation({ validate: () => this.validateVolumeNames() });
    this.replication._bind(this);
  }

  /** @internal The resolved props (for a replication's `_bind`). */
  public get _plan(): StatefulDatabasePlan {
    return this.plan;
  }

  // ---- roles ----

  /** Whether this database is a primary with replicas. */
  public get isPrimaryReplica(): boolean {
    return this.replication.topology === ReplicationTopology.PRIMARY_REPLICA;
  }

  /** The replicas' StatefulSet name (`<name>-replica`), with a primary/replica replication. */
  public get replicaStatefulSetName(): string {
    return `${this.name}-replica`;
  }

  /** The labels every pod of the database carries (both roles): `app.kubernetes.io/name`, `instance` and your `selectorLabels`. */
  public get allPodsSelector(): Record<string, string> {
    return { ...this.plan.selector };
  }

  // ---- DNS names ----

  /**
   * The name of pod `ordinal` (0 to replicas - 1): `<name>-<ordinal>`. With a primary/replica replication, 0 is the
   * primary (`<name>-0`) and 1.. are the replicas (`<name>-replica-0`, ...).
   */
  public podName(ordinal: number): string {
    checkInt(this, 'ordinal', ordinal, { min: 0, max: this.replicas - 1 });
    if (this.isPrimaryReplica && ordinal > 0) return `${this.replicaStatefulSetName}-${ordinal - 1}`;
    return `${this.name}-${ordinal}`;
  }

  /**
   * The stable DNS name of pod `ordinal`: `<pod name>.<serviceName>.<namespace>.svc.<cluster domain>`
   * (the governing Service's FQDN prefixed with the pod name).
   */
  public podDnsName(ordinal: number): string {
    return `${this.podName(ordinal)}.${this.serviceFqdn}`;
  }

  /** The stable DNS names of all pods, by ordinal. */
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
   * Wires a consumer to the primary. With a primary/replica replication: the read-write Service (`options.env`
   * gets its URL, `options.hostEnv` its FQDN) and NetworkPolicies allowing exactly consumer -> the primary's pods.
   * Otherwise pod 0 by its stable per-pod DNS name, and NetworkPolicies allowing exactly consumer -> `<name>-0`.
   */
  public connectPrimary(consumer: IConsumer, options: ConnectPrimaryOptions = {}): Connection {
    const { hostEnv, ...rest } = options;
    const backend: IBackend = this.isPrimaryReplica ? this : this.primary;
    const c = connect(consumer, backend, rest);
    if (hostEnv !== undefined) consumer.addEnv(hostEnv, this.isPrimaryReplica ? backend.endpoint.fqdn : this.podDnsName(0));
    return c;
  }

  /**
   * Wires a consumer to the read-only replicas (a primary/replica replication only): `options.env` gets the
   * read-only Service's URL, `options.hostEnv` its FQDN, and NetworkPolicies allow exactly consumer -> the
   * replicas' pods. Writes through it are refused by the replicas.
   */
  public connectReadOnly(consumer: IConsumer, options: ConnectPrimaryOptions = {}): Connection {
    if (!this.readOnly) fail(this, 'connectReadOnly', `needs a primary/replica replication, got a ${this.replication.topology} database`);
    const { hostEnv, ...rest } = options;
    const c = connect(consumer, this.readOnly, rest);
    if (hostEnv !== undefined) consumer.addEnv(hostEnv, this.readOnly.endpoint.fqdn);
    return c;
  }

  // ---- IBackend / IConsumer ----

  /** Readable name used in generated object names. */
  public get peerName(): string {
    return this.name;
  }

  /**
   * The pods `connectTo(db)` reaches: every pod (`app.kubernetes.io/name` and `instance`, and your
   * `selectorLabels`), or only the primary with a primary/replica replication.
   */
  public get podSelector(): Record<string, string> {
    return this.isPrimaryReplica ? this.roleSelector(ReplicaRole.PRIMARY) : this.allPodsSelector;
  }

  /** The read-write Service's DNS names with a primary/replica replication, else the client Service's, else the governing Service's. */
  public get endpoint(): ServiceEndpoint {
    return this.frontService.endpoint;
  }

  /** The ports of the endpoint's Service (target ports as pod port numbers). */
  public get backendPorts(): BackendPort[] {
    return this.frontService.backendPorts;
  }

  /** Adds an environment variable to the main container (a literal or a `kplus.EnvValue`) of every pod. */
  public addEnv(name: string, value: string | kplus.EnvValue): void {
    addEnvVariable(this, [this.container], name, value);
  }

  /** Adds a whole ConfigMap or Secret as environment (`envFrom`) to the main container. */
  public addEnvFrom(source: kplus.EnvFrom): void {
    this.container.env.copyFrom(source);
  }

  /** Wires this workload (every pod of it), as a consumer, to a backend (see `connect` in wiring.ts). */
  public connectTo(backend: IBackend, options: ConnectOptions = {}): Connection {
    return connect(this.consumer, backend, options);
  }

  // ---- storage and pod extension points ----

  /** The resolved claim templates (a copy). */
  public get volumeClaimTemplates(): ResolvedVolumeClaimTemplate[] {
    return [...this.templates];
  }

  /** Adds a claim template, mounted in the main container at `template.mountPath`. */
  public addVolumeClaimTemplate(template: VolumeClaimTemplate): ResolvedVolumeClaimTemplate {
    const prop = `volumeClaimTemplates[${this.templates.length}]`;
    const resolved = resolveTemplate(this, template, prop, this.templates.map((t) => t.name), this.podVolumeNames(), this.mountPaths);
    dependOnClass(this.apiObject, template.storageClass);
    if (this.replicaApiObject) dependOnClass(this.replicaApiObject, template.storageClass);
    this.templates.push(resolved);
    return resolved;
  }

  /**
   * The names of the claims the StatefulSet(s) create for template `name`: `<template>-<pod name>`
   * (`data-db-0`, and `data-db-replica-0`, ... for the replicas of a primary/replica replication).
   */
  public claimNames(template: string): string[] {
    if (!this.templates.some((t) => t.name === template)) {
      fail(this, 'claimNames', `has no volume claim template ${show(template)} (templates: ${this.templates.map((t) => t.name).join(', ') || 'none'})`);
    }
    return Array.from({ length: this.replicas }, (_, i) => `${template}-${this.podName(i)}`);
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
   * paths are `<name>-<path>` emptyDirs; with `mountVolumeClaimTemplates` it mounts the claims like the main one).
   */
  public addInitContainer(name: string, options: DatabaseInitContainerOptions): kplus.Container {
    if ([...this.statefulSet.containers, ...this.statefulSet.initContainers].some((c) => c.name === name)) {
      fail(this, `initContainers.${name}`, `container name ${show(name)} is already used in this pod`);
    }
    const { mountVolumeClaimTemplates, inheritEnv, ...rest } = options;
    const resolved = resolveContainer(this, name, { ...rest, readiness: false }, this.podSecurity, `initContainers.${name}`);
    const container = addContainer(this, this.statefulSet, resolved, `${name}-`, true);
    if (mountVolumeClaimTemplates) this.claimMountingInits.add(name);
    if (inheritEnv) this.envInheritingInits.add(name);
    return container;
  }

  // ---- internals ----

  /** The Service `connectTo(db)` reaches. */
  private get frontService(): AppService {
    return this.readWriteService ?? this.clientService ?? this.governingService;
  }

  private roleSelector(role: ReplicaRole): Record<string, string> {
    return { ...this.plan.selector, [REPLICATION_ROLE_LABEL]: role };
  }

  private roleLabels(labels: Record<string, string>, role: ReplicaRole): Record<string, string> {
    return this.isPrimaryReplica ? { ...labels, [REPLICATION_ROLE_LABEL]: role } : { ...labels };
  }

  private createReplicationPolicy(): NetworkPolicy {
    const pods = this.allPodsSelector;
    const ports = () => this.replication._replicationPorts(this.plan.podPorts)
      .map((p) => NetworkPort.of(p.port, (p.protocol ?? NetworkProtocol.TCP) as NetworkProtocol));
    return new NetworkPolicy(this, 'ReplicationPolicy', {
      name: `${this.name}-replication`,
      namespace: this.namespace,
      podSelector: pods,
      ingress: [{ peers: [NetworkPeer.pods(pods)], ports }],
      egress: [{ peers: [NetworkPeer.pods(pods)], ports }],
      labels: { ...this.labels },
    });
  }

  private mountVolume(m: DatabaseVolumeMount, prop: string): void {
    if (!(m.volume instanceof kplus.Volume)) fail(this, `${prop}.volume`, `must be a kplus.Volume, got ${show(m.volume)}`);
    if (this.templates.some((t) => t.name === m.volume.name)) {
      fail(this, `${prop}.volume`, `is named ${show(m.volume.name)}, which is a volume claim template name`);
    }
    claimPath(this, this.mountPaths, m.mountPath, `${prop}.mountPath`);
    this.container.mount(m.mountPath, m.volume, { readOnly: m.readOnly ?? true, subPath: m.subPath });
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

  private renderSpec(role: ReplicaRole | undefined): k8s.StatefulSetSpec {
    const pod = renderPodSpec(this.statefulSet);
    const main = this.container.name;
    const claimMounts = this.templates.map((t) => ({ name: t.name, mountPath: t.mountPath, subPath: t.subPath }));
    const withRole = (c: k8s.Container): k8s.Container => (role === undefined ? c : { ...c, env: [...(c.env ?? []), { name: REPLICATION_ROLE_ENV, value: role }] });
    const withClaims = (c: k8s.Container, mounts: boolean): k8s.Container => (!mounts || claimMounts.length === 0 ? c : {
      ...c, volumeMounts: [...(c.volumeMounts ?? []), ...claimMounts],
    });
    const mainEnv = pod.containers.find((c) => c.name === main)?.env ?? [];
    const withMainEnv = (c: k8s.Container): k8s.Container => {
      if (!this.envInheritingInits.has(c.name)) return c;
      const own = new Set((c.env ?? []).map((e) => e.name));
      const env = [...mainEnv.filter((e) => !own.has(e.name)), ...(c.env ?? [])];
      return { ...c, env: env.length > 0 ? env : undefined };
    };
    const containers = pod.containers.map((c) => withRole(withClaims(c, c.name === main)));
    const initContainers = pod.initContainers?.map((c) => withRole(withClaims(withMainEnv(c), this.claimMountingInits.has(c.name))));
    // claim templates are immutable once applied: only labels that can never change (the selector's and managed-by)
    const all = this.allPodsSelector;
    const claimLabels = { ...all, [LABEL.MANAGED_BY]: MANAGED_BY };
    return {
      replicas: role === undefined ? this.replicas : 1,
      serviceName: this.serviceName,
      // the primary's selector stays the standalone one (a standalone database converts in place); the replicas
      // carry a role it does not name, and each controller only claims the pods named after its StatefulSet
      selector: { matchLabels: all },
      podManagementPolicy: this.podManagementPolicy,
      updateStrategy: renderStatefulSetUpdateStrategy(this.updateStrategy),
      minReadySeconds: this.plan.minReadySeconds,
      revisionHistoryLimit: this.plan.revisionHistoryLimit,
      persistentVolumeClaimRetentionPolicy: { ...this.pvcRetentionPolicy },
      template: {
        metadata: this.statefulSet.podMetadata.toJson(),
        spec: {
          ...pod,
          containers,
          initContainers,
          affinity: this.spreadAcrossHosts ? preferredHostAntiAffinity(all) : undefined,
          topologySpreadConstraints: this.spreadAcrossZones ? [{
            maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...all } },
          }] : undefined,
        },
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

  /** The replicas' StatefulSet spec: the primary's synthesized spec with the replica count, selector, label and role env. */
  private replicaSpec(primary: RenderedStatefulSetSpec): RenderedStatefulSetSpec {
    const role = ReplicaRole.REPLICA;
    const withRole = (c: RenderedContainer): RenderedContainer => ({
      ...c, env: c.env?.map((e) => (e.name === REPLICATION_ROLE_ENV ? { name: e.name, value: role } : e)),
    });
    const pod = primary.template.spec;
    return {
      ...primary,
      replicas: this.replicas - 1,
      selector: { matchLabels: this.roleSelector(role) },
      template: {
        metadata: { ...primary.template.metadata, labels: { ...primary.template.metadata.labels, [REPLICATION_ROLE_LABEL]: role } },
        spec: { ...pod, containers: pod.containers.map(withRole), initContainers: pod.initContainers?.map(withRole) },
      },
    };
  }
}

/** A container as synthesized (JSON). */
interface RenderedContainer {
  readonly env?: { readonly name: string; readonly value?: string }[];
  readonly [field: string]: unknown;
}

/** A StatefulSet spec as synthesized (JSON): what the replicas' StatefulSet copies from the primary's. */
interface RenderedStatefulSetSpec {
  readonly template: {
    readonly metadata: { readonly labels?: Record<string, string>; readonly [field: string]: unknown };
    readonly spec: { readonly containers: RenderedContainer[]; readonly initContainers?: RenderedContainer[]; readonly [field: string]: unknown };
  };
  readonly [field: string]: unknown;
}

/** The node label of an availability zone. */
const ZONE_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
