/**
 * Storage: StorageClass, static PersistentVolume and PersistentVolumeClaim, and the checks they share with
 * StatefulSet volume claim templates (quantities, access modes, class references).
 *
 * cdk8s-plus-27 has no StorageClass at all, renders claim sizes through `Size.toGibibytes()` (so `500Mi` throws),
 * emits a PV `claimRef` without a namespace, and its `PersistentVolume.reserve()` makes a claim with no size
 * (rejected by the API server). The constructs here extend the cdk8s-plus classes where they fit (so they plug
 * into `kplus.Volume.fromPersistentVolumeClaim`, `container.mount` and friends) and render those fields correctly.
 *
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
 */
import { ApiObject, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { extendRenderedSpec } from '../internal/compat';
import { nameLabelValue, recommendedLabels } from '../core/labels';
import { clusterScoped } from '../security/namespace';
import { installAdmissionChecks } from '../security/admission';
import { installAppChecks } from '../internal/app-checks';
import {
  checkBoolean, checkDnsLabel, checkDnsSubdomain, checkEnum, checkLabels, checkOneOf, checkQuantity, checkRecord, checkRecordOfStrings, checkSize,
  checkString, checkStringArray, checkUnique, fail, show,
} from '../internal/validate';

/** The annotation that makes a StorageClass the cluster default. */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** When a claim against a StorageClass is bound and provisioned. */
export enum VolumeBindingMode {
  /**
   * Provision when the first pod using the claim is scheduled, in that pod's zone/node (topology-aware).
   */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
  /** Provision as soon as the claim is created, wherever the provisioner chooses. */
  IMMEDIATE = 'Immediate',
}

/**
 * What happens to a volume when its claim is deleted: `RETAIN` keeps the volume and its data (the PV becomes
 * `Released`, an admin reclaims it), `DELETE` deletes them with the claim. This is cdk8s-plus's enum, re-exported.
 */
export const ReclaimPolicy = kplus.PersistentVolumeReclaimPolicy;
/** See {@link ReclaimPolicy}. */
export type ReclaimPolicy = kplus.PersistentVolumeReclaimPolicy;

/** The type check of a hostPath volume. */
export enum HostPathType {
  /** Create an empty directory (0755) if nothing exists at the path. */
  DIRECTORY_OR_CREATE = 'DirectoryOrCreate',
  /** A directory must exist at the path. */
  DIRECTORY = 'Directory',
  /** Create an empty file (0644) if nothing exists at the path. */
  FILE_OR_CREATE = 'FileOrCreate',
  /** A file must exist at the path. */
  FILE = 'File',
}

/** A storage size: a Kubernetes quantity string (`10Gi`, `500Mi`) or a cdk8s `Size`. */
export type StorageSize = string | Size;

/** A StorageClass construct or the name of a class managed elsewhere (`''` means "no class": static PVs only). */
export type StorageClassRef = StorageClass | string;

/**
 * Validates a storage size and returns it as a quantity string: `'10Gi'` stays `'10Gi'`, `Size.mebibytes(512)`
 * becomes `'512Mi'`. Throws when it is not a quantity or not strictly positive.
 */
export function storageQuantity(scope: IConstruct, prop: string, size: StorageSize): string {
  if (size instanceof Size) return checkSize(scope, prop, size, { min: 'positive' }).text;
  if (typeof size !== 'string') fail(scope, prop, `must be a Kubernetes quantity such as "10Gi" or a cdk8s Size, got ${show(size)}`);
  return checkQuantity(scope, prop, size, { min: 'positive' }).text;
}

/** Options of `checkAccessModes`. */
export interface AccessModeCheckOptions {
  /**
   * Reject `ReadOnlyMany` (a freshly provisioned, empty volume nobody can write is useless).
   * @default false
   */
  readonly forbidReadOnlyMany?: boolean;
}

const ACCESS_MODES = Object.values(kplus.PersistentVolumeAccessMode) as string[];

/**
 * Validates a list of access modes: non-empty, known values, no duplicates, `ReadWriteOncePod` alone
 * (the API server rejects it combined with others).
 */
export function checkAccessModes(
  scope: IConstruct,
  prop: string,
  modes: readonly kplus.PersistentVolumeAccessMode[],
  options: AccessModeCheckOptions = {},
): void {
  if (!Array.isArray(modes) || modes.length === 0) fail(scope, prop, `must contain at least one access mode (${ACCESS_MODES.join(', ')}), got ${show(modes)}`);
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) fail(scope, prop, `must contain only ${ACCESS_MODES.join(', ')}, got ${show(m)}`);
  }
  checkUnique(scope, prop, modes);
  if (modes.includes(kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE_POD) && modes.length > 1) {
    fail(scope, prop, `must not combine ReadWriteOncePod with other access modes, got ${show(modes)}`);
  }
  if (options.forbidReadOnlyMany && modes.includes(kplus.PersistentVolumeAccessMode.READ_ONLY_MANY)) {
    fail(scope, prop, `must not contain ReadOnlyMany: a provisioned claim starts empty and could never be written (use ReadWriteOnce or ReadWriteOncePod), got ${show(modes)}`);
  }
}

/** The class name of a `StorageClassRef`, validated (`''` is allowed: it means "no class"). */
export function storageClassName(scope: IConstruct, prop: string, ref: StorageClassRef): string {
  if (!(ref instanceof StorageClass) && ref !== '') checkDnsSubdomain(scope, prop, ref);
  return classNameOf(ref);
}

/** The class name of a `StorageClassRef`, unvalidated (for the props of a cdk8s-plus super call). */
function classNameOf(ref: StorageClassRef): string {
  return ref instanceof StorageClass ? ref.name : ref;
}

/** Makes `dependent` apply after the StorageClass it uses, when that class is a construct of this app. */
export function dependOnClass(dependent: IConstruct, ref: StorageClassRef | undefined): void {
  if (ref instanceof StorageClass) dependent.node.addDependency(ref.apiObject);
}

function checkReclaimPolicy(scope: IConstruct, policy: ReclaimPolicy): void {
  checkOneOf(scope, 'reclaimPolicy', policy, Object.values(ReclaimPolicy));
}

function objectLabels(scope: IConstruct, name: string, extra: Record<string, string> | undefined): Record<string, string> {
  checkLabels(scope, 'labels', extra ?? {});
  // a name longer than a label value allows (63) is cut in the label: the object's name stays what was asked
  return { ...recommendedLabels({ name: nameLabelValue(name), component: 'storage' }), ...extra };
}


/** Mount options: non-empty strings, no duplicates. */
function checkMountOptions(scope: IConstruct, options: readonly string[] | undefined): void {
  if (options === undefined) return;
  checkStringArray(scope, 'mountOptions', options, { nonEmptyElements: true });
  checkUnique(scope, 'mountOptions', options);
}

function checkVolumeMode(scope: IConstruct, mode: kplus.PersistentVolumeMode | undefined): void {
  if (mode !== undefined) checkEnum(scope, 'volumeMode', mode, kplus.PersistentVolumeMode);
}

/** A scope for messages about a construct that is not created yet (its props are checked before `super()`). */
function pending(scope: IConstruct, id: string): IConstruct {
  return { node: { path: scope.node.path ? `${scope.node.path}/${id}` : id } } as IConstruct;
}

/** StorageClass parameters as the API server validates them: at most 512, at most 256 KiB of keys and values. */
function checkParameters(scope: IConstruct, parameters: Record<string, string>): void {
  checkRecordOfStrings(scope, 'parameters', parameters);
  const entries = Object.entries(parameters);
  if (entries.length > 512) fail(scope, 'parameters', `must hold at most 512 entries, got ${entries.length}`);
  const bytes = entries.reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > 256 * 1024) fail(scope, 'parameters', `must hold at most 256 KiB of keys and values, got ${bytes} bytes`);
  for (const k of Object.keys(parameters)) if (k === '') fail(scope, 'parameters', 'must not have an empty key, got ""');
}

function resolveName(scope: IConstruct, id: string, name: string | undefined): string {
  const n = name ?? id;
  checkDnsSubdomain(scope, 'name', n);
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// StorageClass
// ---------------------------------------------------------------------------------------------------------------

/** Props of {@link StorageClass}. */
export interface StorageClassProps {
  /**
   * The class name (what claims put in `storageClassName`).
   * @default - the construct id
   */
  readonly name?: string;
  /** The provisioner (CSI driver name), e.g. `ebs.csi.aws.com`, `pd.csi.storage.gke.io`, `rancher.io/local-path`. */
  readonly provisioner: string;
  /**
   * Provisioner-specific parameters (`type: pd-ssd`).
   * @default - none
   */
  readonly parameters?: Record<string, string>;
  /**
   * What happens to dynamically provisioned volumes when their claim is deleted. `RETAIN` keeps the data
   * (safe for databases); `DELETE` is the Kubernetes default.
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * When volumes are bound and provisioned. `WAIT_FOR_FIRST_CONSUMER` provisions in the zone of the pod.
   * @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER
   */
  readonly volumeBindingMode?: VolumeBindingMode;
  /**
   * Allow growing a claim by editing its size.
   * @default false
   */
  readonly allowVolumeExpansion?: boolean;
  /**
   * Mount options of the provisioned volumes (`['noatime']`).
   * @default - none
   */
  readonly mountOptions?: string[];
  /**
   * Mark this class as the cluster default (annotation `storageclass.kubernetes.io/is-default-class: "true"`):
   * claims without `storageClassName` get it.
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * Extra labels, merged over the recommended ones.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * A StorageClass (cluster-scoped: it never carries a namespace, even in a namespaced chart).
 *
 * @example
 * new StorageClass(this, 'flash', {
 *   provisioner: 'pd.csi.storage.gke.io',
 *   parameters: { type: 'pd-ssd' },
 *   volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
 *   allowVolumeExpansion: true,
 * });
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
 */
export class StorageClass extends Construct {
  /** The class name. */
  public readonly name: string;
  /** The provisioner. */
  public readonly provisioner: string;
  /** The resolved reclaim policy. */
  public readonly reclaimPolicy: ReclaimPolicy;
  /** The resolved binding mode. */
  public readonly volumeBindingMode: VolumeBindingMode;
  /** Whether claims may be grown. */
  public readonly allowVolumeExpansion: boolean;
  /** Whether this is the cluster default class. */
  public readonly isDefault: boolean;
  /** The L1 object (escape hatch). */
  public readonly apiObject: k8s.KubeStorageClass;

  constructor(scope: Construct, id: string, props: StorageClassProps) {
    super(scope, id);
    installAppChecks(this);
    checkRecord(this, 'props', props as unknown);
    this.name = resolveName(this, id, props.name);
    this.provisioner = props.provisioner;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    this.volumeBindingMode = props.volumeBindingMode ?? VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER;
    this.allowVolumeExpansion = props.allowVolumeExpansion ?? false;
    this.isDefault = props.isDefault ?? false;

    if (typeof this.provisioner !== 'string' || !/^[A-Za-z0-9]([-A-Za-z0-9_./]{0,61}[A-Za-z0-9])?$/.test(this.provisioner)) {
      fail(this, 'provisioner', `must be a provisioner name such as "ebs.csi.aws.com" (at most 63 characters), got ${show(this.provisioner)}`);
    }
    checkReclaimPolicy(this, this.reclaimPolicy);
    checkOneOf(this, 'volumeBindingMode', this.volumeBindingMode, Object.values(VolumeBindingMode));
    checkBoolean(this, 'allowVolumeExpansion', this.allowVolumeExpansion);
    checkBoolean(this, 'isDefault', this.isDefault);
    checkMountOptions(this, props.mountOptions);
    if (props.parameters !== undefined) checkParameters(this, props.parameters);

    this.apiObject = new k8s.KubeStorageClass(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: objectLabels(this, this.name, props.labels),
        annotations: this.isDefault ? { [DEFAULT_CLASS_ANNOTATION]: 'true' } : undefined,
      },
      provisioner: this.provisioner,
      parameters: props.parameters && Object.keys(props.parameters).length ? { ...props.parameters } : undefined,
      reclaimPolicy: this.reclaimPolicy,
      volumeBindingMode: this.volumeBindingMode,
      allowVolumeExpansion: this.allowVolumeExpansion,
      mountOptions: props.mountOptions?.length ? [...props.mountOptions] : undefined,
    });
    clusterScoped(this.apiObject);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// PersistentVolume
// ---------------------------------------------------------------------------------------------------------------

/** Options of a CSI volume source. */
export interface CsiSourceOptions {
  /** The CSI driver name (`ebs.csi.aws.com`). */
  readonly driver: string;
  /** The driver's id of the volume (a disk id, a share path...). */
  readonly volumeHandle: string;
  /**
   * Filesystem type to mount (`ext4`).
   * @default - the driver's default
   */
  readonly fsType?: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * Driver-specific attributes.
   * @default - none
   */
  readonly volumeAttributes?: Record<string, string>;
}

/** Options of an NFS volume source. */
export interface NfsSourceOptions {
  /** The NFS server host name or IP. */
  readonly server: string;
  /** The exported path. */
  readonly path: string;
  /**
   * Mount read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Where a static PersistentVolume's data lives. */
export class PersistentVolumeSource {
  /** A volume served by a CSI driver (the way to reach cloud disks and most storage today). */
  public static csi(options: CsiSourceOptions): PersistentVolumeSource {
    return new PersistentVolumeSource('csi', (scope) => {
      checkRecord(scope, 'source', options as unknown);
      if (typeof options.driver !== 'string' || !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(options.driver)) {
        fail(scope, 'source.driver', `must be a CSI driver name such as "ebs.csi.aws.com" (at most 63 alphanumerics, '-', '_' and '.'), got ${show(options.driver)}`);
      }
      checkString(scope, 'source.volumeHandle', options.volumeHandle, { nonEmpty: true });
      if (options.fsType !== undefined) checkString(scope, 'source.fsType', options.fsType, { nonEmpty: true });
      if (options.readOnly !== undefined) checkBoolean(scope, 'source.readOnly', options.readOnly);
      if (options.volumeAttributes !== undefined) checkRecordOfStrings(scope, 'source.volumeAttributes', options.volumeAttributes);
      return {
        csi: {
          driver: options.driver,
          volumeHandle: options.volumeHandle,
          fsType: options.fsType,
          readOnly: options.readOnly,
          volumeAttributes: options.volumeAttributes,
        },
      };
    });
  }

  /**
   * A directory on the node (single-node and test clusters only: the data stays on that node).
   * The PV itself is allowed; a pod mounts it through a claim, which Pod Security "restricted" accepts.
   */
  public static hostPath(path: string, type: HostPathType = HostPathType.DIRECTORY_OR_CREATE): PersistentVolumeSource {
    return new PersistentVolumeSource('hostPath', (scope) => {
      if (typeof path !== 'string' || !path.startsWith('/')) fail(scope, 'source.path', `must be an absolute path, got ${show(path)}`);
      checkEnum(scope, 'source.type', type, HostPathType);
      return { hostPath: { path, type } };
    });
  }

  /** An NFS export. */
  public static nfs(options: NfsSourceOptions): PersistentVolumeSource {
    return new PersistentVolumeSource('nfs', (scope) => {
      checkRecord(scope, 'source', options as unknown);
      if (typeof options.server !== 'string' || options.server.trim() === '') fail(scope, 'source.server', `must be an NFS server name or IP, got ${show(options.server)}`);
      if (options.readOnly !== undefined) checkBoolean(scope, 'source.readOnly', options.readOnly);
      if (typeof options.path !== 'string' || !options.path.startsWith('/')) fail(scope, 'source.path', `must be an absolute path, got ${show(options.path)}`);
      return { nfs: { server: options.server, path: options.path, readOnly: options.readOnly } };
    });
  }

  private constructor(
    /** The source kind (`csi`, `hostPath`, `nfs`). */
    public readonly kind: string,
    private readonly render: (scope: IConstruct) => Pick<k8s.PersistentVolumeSpec, 'csi' | 'hostPath' | 'nfs'>,
  ) {}

  /** @internal */
  public _toKube(scope: IConstruct): Pick<k8s.PersistentVolumeSpec, 'csi' | 'hostPath' | 'nfs'> {
    return this.render(scope);
  }
}

/** Props of {@link PersistentVolume}. */
export interface PersistentVolumeProps {
  /**
   * The volume name (cluster-wide).
   * @default - the construct id
   */
  readonly name?: string;
  /** The capacity: a quantity (`10Gi`) or a cdk8s `Size`. */
  readonly size: StorageSize;
  /** Where the data lives. */
  readonly source: PersistentVolumeSource;
  /**
   * Access modes the volume supports.
   * @default [ReadWriteOnce]
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];
  /**
   * What happens to the volume when its claim is deleted.
   * @default ReclaimPolicy.RETAIN
   */
  readonly reclaimPolicy?: ReclaimPolicy;
  /**
   * The class of the volume; only claims of the same class bind it. `''` means "no class".
   * @default - no class
   */
  readonly storageClass?: StorageClassRef;
  /**
   * Mount options (`['hard', 'nfsvers=4.1']`).
   * @default - none
   */
  readonly mountOptions?: string[];
  /**
   * Filesystem or raw block device.
   * @default kplus.PersistentVolumeMode.FILE_SYSTEM
   */
  readonly volumeMode?: kplus.PersistentVolumeMode;
  /**
   * Labels, merged over the recommended ones; claims select volumes by them (`selector`).
   * @default - the recommended labels only
   */
  readonly labels?: Record<string, string>;
}

/**
 * A static PersistentVolume (cluster-scoped) with a CSI, hostPath or NFS source. It is a
 * `kplus.PersistentVolume`, so it can be bound to a claim or mounted; `reserve()` returns a
 * {@link PersistentVolumeClaim} that asks for exactly this volume.
 *
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistent-volumes
 */
export class PersistentVolume extends kplus.PersistentVolume {
  /** The capacity as a quantity string (`10Gi`). */
  public readonly size: string;
  /** The resolved access modes. */
  public readonly volumeAccessModes: kplus.PersistentVolumeAccessMode[];
  /** The labels (claims' selectors match them). */
  public readonly labels: Record<string, string>;
  /** The L1 object (escape hatch). */
  public readonly kubeObject: ApiObject;
  private readonly source: PersistentVolumeSource;
  private readonly sourceSpec: Pick<k8s.PersistentVolumeSpec, 'csi' | 'hostPath' | 'nfs'>;
  private reservedClaim?: PersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: PersistentVolumeProps) {
    // resolve (every check, before cdk8s-plus sees the props), then build
    const at = pending(scope, id);
    checkRecord(at, 'props', props as unknown);
    const name = resolveName(at, id, props.name);
    const size = storageQuantity(at, 'size', props.size);
    const accessModes = props.accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE];
    checkAccessModes(at, 'accessModes', accessModes);
    const reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    checkReclaimPolicy(at, reclaimPolicy);
    const className = props.storageClass === undefined ? undefined : storageClassName(at, 'storageClass', props.storageClass);
    checkMountOptions(at, props.mountOptions);
    checkVolumeMode(at, props.volumeMode);
    if (!(props.source instanceof PersistentVolumeSource)) fail(at, 'source', `must be a PersistentVolumeSource (csi, hostPath or nfs), got ${show(props.source)}`);
    const sourceSpec = props.source._toKube(at);
    const labels = objectLabels(at, name, props.labels);
    super(scope, id, {
      metadata: { name },
      accessModes,
      reclaimPolicy,
      mountOptions: props.mountOptions,
      volumeMode: props.volumeMode,
      storageClassName: className,
    });
    installAppChecks(this);
    this.size = size;
    this.volumeAccessModes = [...accessModes];
    dependOnClass(this, props.storageClass);
    this.source = props.source;
    this.sourceSpec = sourceSpec;
    this.labels = labels;
    this.kubeObject = ApiObject.of(this);
    for (const [k, v] of Object.entries(this.labels)) this.kubeObject.metadata.addLabel(k, v);
    clusterScoped(this.kubeObject);
    // cdk8s-plus-27 renders no CSI/NFS source and only whole-unit capacities
    extendRenderedSpec<k8s.PersistentVolumeSpec>(this, (base) => {
      const claim = this.claim;
      return {
        ...base,
        ...this.sourceSpec,
        capacity: { storage: k8s.Quantity.fromString(this.size) },
        claimRef: claim ? { name: claim.name, namespace: ApiObject.of(claim).metadata.namespace } : undefined,
      };
    });
  }

  /** The source kind (`csi`, `hostPath`, `nfs`). */
  public get sourceKind(): string {
    return this.source.kind;
  }

  /**
   * A claim that binds exactly this volume (`volumeName`), with its size, access modes and class, named
   * `pvc-<volume>` in the chart's namespace. Calling it again returns the same claim.
   */
  public reserve(): PersistentVolumeClaim {
    if (this.reservedClaim) return this.reservedClaim;
    const claim = new PersistentVolumeClaim(this, 'Claim', {
      name: `pvc-${this.name}`,
      size: this.size,
      accessModes: this.volumeAccessModes,
      storageClass: this.storageClassName ?? '',
      volume: this,
      volumeMode: this.mode,
    });
    this.bind(claim);
    this.reservedClaim = claim;
    return claim;
  }

}

// ---------------------------------------------------------------------------------------------------------------
// PersistentVolumeClaim
// ---------------------------------------------------------------------------------------------------------------

/** Props of {@link PersistentVolumeClaim}. */
export interface PersistentVolumeClaimProps {
  /**
   * The claim name.
   * @default - the construct id
   */
  readonly name?: string;
  /** The size requested: a quantity (`10Gi`) or a cdk8s `Size`. */
  readonly size: StorageSize;
  /**
   * Access modes requested.
   * @default [ReadWriteOnce]
   */
  readonly accessModes?: kplus.PersistentVolumeAccessMode[];
  /**
   * The class to provision from. `''` binds only static volumes without a class.
   * @default - the cluster's default class
   */
  readonly storageClass?: StorageClassRef;
  /**
   * Bind only volumes carrying these labels (static provisioning).
   * @default - any volume
   */
  readonly selector?: Record<string, string>;
  /**
   * Bind exactly this volume.
   * @default - any matching volume, or a new one from the class
   */
  readonly volume?: kplus.IPersistentVolume;
  /**
   * Filesystem or raw block device.
   * @default kplus.PersistentVolumeMode.FILE_SYSTEM
   */
  readonly volumeMode?: kplus.PersistentVolumeMode;
  /**
   * Extra labels, merged over the recommended ones.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** Options of `PersistentVolumeClaim.toVolume`. */
export interface ClaimVolumeOptions {
  /**
   * The pod volume name.
   * @default - `pvc-<claim>`
   */
  readonly name?: string;
  /**
   * Mount the claim read-only.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * A PersistentVolumeClaim with an exact size (`500Mi` stays `500Mi`), class and label selector. It is a
 * `kplus.PersistentVolumeClaim`: `toVolume()` (or `kplus.Volume.fromPersistentVolumeClaim`) turns it into a pod volume.
 *
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims
 */
export class PersistentVolumeClaim extends kplus.PersistentVolumeClaim {
  /** The size requested, as a quantity string. */
  public readonly size: string;
  /** The resolved access modes. */
  public readonly claimAccessModes: kplus.PersistentVolumeAccessMode[];
  /** The label selector, when set. */
  public readonly selector?: Record<string, string>;
  /** The L1 object (escape hatch). */
  public readonly kubeObject: ApiObject;
  private readonly volumes = new Map<string, { volume: kplus.Volume; readOnly: boolean }>();

  constructor(scope: Construct, id: string, props: PersistentVolumeClaimProps) {
    // resolve (every check, before cdk8s-plus sees the props), then build
    const at = pending(scope, id);
    checkRecord(at, 'props', props as unknown);
    const name = resolveName(at, id, props.name);
    const size = storageQuantity(at, 'size', props.size);
    const accessModes = props.accessModes ?? [kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE];
    checkAccessModes(at, 'accessModes', accessModes);
    const className = props.storageClass === undefined ? undefined : storageClassName(at, 'storageClass', props.storageClass);
    checkVolumeMode(at, props.volumeMode);
    if (props.volume !== undefined && (typeof props.volume !== 'object' || props.volume === null || typeof props.volume.name !== 'string')) {
      fail(at, 'volume', `must be a PersistentVolume, got ${show(props.volume)}`);
    }
    if (props.selector !== undefined) {
      checkLabels(at, 'selector', props.selector);
      if (Object.keys(props.selector).length === 0) fail(at, 'selector', 'must contain at least one label, got {}');
    }
    const labels = objectLabels(at, name, props.labels);
    super(scope, id, {
      metadata: { name },
      accessModes,
      volumeMode: props.volumeMode,
      volume: props.volume,
      storageClassName: className,
    });
    installAppChecks(this);
    installAdmissionChecks(this);
    this.size = size;
    this.claimAccessModes = [...accessModes];
    dependOnClass(this, props.storageClass);
    this.selector = props.selector === undefined ? undefined : { ...props.selector };
    this.kubeObject = ApiObject.of(this);
    for (const [k, v] of Object.entries(labels)) this.kubeObject.metadata.addLabel(k, v);
    // cdk8s-plus-27 renders only whole-unit sizes and no selector
    extendRenderedSpec<k8s.PersistentVolumeClaimSpec>(this, (base) => ({
      ...base,
      resources: { requests: { storage: k8s.Quantity.fromString(this.size) } },
      selector: this.selector ? { matchLabels: { ...this.selector } } : undefined,
    }));
  }

  /**
   * A pod volume backed by this claim (one per name: calling it again with the same options returns the same
   * volume; the same name with another `readOnly` throws).
   */
  public toVolume(options: ClaimVolumeOptions = {}): kplus.Volume {
    checkRecord(this, 'toVolume', options as unknown);
    const name = options.name ?? `pvc-${this.name}`.slice(0, 63).replace(/[^a-z0-9]+$/, '');
    checkDnsLabel(this, 'toVolume.name', name);
    const readOnly = options.readOnly ?? false;
    checkBoolean(this, 'toVolume.readOnly', readOnly);
    const existing = this.volumes.get(name);
    if (existing) {
      if (existing.readOnly !== readOnly) {
        fail(this, 'toVolume.name', `${show(name)} is already used by a volume of this claim with readOnly: ${existing.readOnly}, got readOnly: ${readOnly}; give this one its own 'name'`);
      }
      return existing.volume;
    }
    const volume = kplus.Volume.fromPersistentVolumeClaim(this, `Volume-${name}`, this, { name, readOnly });
    this.volumes.set(name, { volume, readOnly });
    return volume;
  }
}
