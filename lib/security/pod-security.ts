/**
 * Pod Security "restricted" by default, for every pod and container this library emits.
 *
 * cdk8s-plus-27 sets neither `seccompProfile` nor `capabilities.drop: [ALL]`, so its pods fail the
 * "restricted" profile; this module supplies both, and each setting can be relaxed by an explicit prop.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { checkBoolean, checkEnum, checkKnownKeys, checkInt, checkOneOf, checkRecord, checkStringArray, checkUnique, fail } from '../internal/validate';
import { podSpecPath } from '../internal/compat';
import { installAdmissionChecks } from './admission';

/** The seccomp profile of a pod. */
export enum SeccompProfile {
  /** The container runtime's default profile (required by "restricted"). */
  RUNTIME_DEFAULT = 'RuntimeDefault',
  /** No profile: fails Pod Security "restricted". */
  UNCONFINED = 'Unconfined',
}

/** Linux capabilities a restricted container may add back after dropping ALL. */
export enum AddableCapability {
  /** Bind to ports below 1024 (the only capability "restricted" allows to add). */
  NET_BIND_SERVICE = 'NET_BIND_SERVICE',
}

/** The Linux capabilities (capabilities(7)), as Kubernetes and Pod Security name them: without the `CAP_` prefix. */
export const LINUX_CAPABILITIES = [
  'AUDIT_CONTROL',
  'AUDIT_READ',
  'AUDIT_WRITE',
  'BLOCK_SUSPEND',
  'BPF',
  'CHECKPOINT_RESTORE',
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'IPC_LOCK',
  'IPC_OWNER',
  'KILL',
  'LEASE',
  'LINUX_IMMUTABLE',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'MKNOD',
  'NET_ADMIN',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_RAW',
  'PERFMON',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYSLOG',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_CHROOT',
  'SYS_MODULE',
  'SYS_NICE',
  'SYS_PACCT',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'WAKE_ALARM',
] as const;

/** A Linux capability name (`NET_ADMIN`, `SYS_PTRACE`): adding one other than NET_BIND_SERVICE needs `allowExtraCapabilities`. */
export type LinuxCapability = (typeof LINUX_CAPABILITIES)[number];

/** The default user and group ids (non-root, above 10000 so they never collide with a host user). */
export const DEFAULT_USER_ID = 10001;

/** The largest user/group id the API server accepts (int32). */
const MAX_ID = 2147483647;

/** Pod-level security settings. Every default passes Pod Security "restricted"; each relaxation needs its named opt-in. */
export interface PodSecurityOptions {
  /**
   * Require a non-root user (kubelet refuses to start a container whose user is root).
   * `false` fails Pod Security "restricted" and needs `allowRunAsRoot: true`.
   * @default true
   */
  readonly runAsNonRoot?: boolean;
  /**
   * The user id the containers run as. Use the image's own non-root id when it needs one (e.g. 101 for
   * nginx-unprivileged). `0` (root) fails Pod Security "restricted" and needs `allowRunAsRoot: true`.
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * The primary group id of the containers.
   * @default 10001
   */
  readonly runAsGroup?: number;
  /**
   * The group that owns mounted volumes, so a non-root user can write them.
   * @default - the same as `runAsGroup`
   */
  readonly fsGroup?: number;
  /**
   * The seccomp profile. `UNCONFINED` fails Pod Security "baseline" and "restricted" and needs
   * `allowUnconfinedSeccomp: true`.
   * @default SeccompProfile.RUNTIME_DEFAULT
   */
  readonly seccompProfile?: SeccompProfile;
  /**
   * The explicit opt-in that `runAsNonRoot: false` and `runAsUser: 0` require (the pods then fail Pod Security
   * "restricted": a Namespace of this library must enforce "baseline" for them).
   * @default false
   */
  readonly allowRunAsRoot?: boolean;
  /**
   * The explicit opt-in that `seccompProfile: UNCONFINED` requires (the pods then fail Pod Security "baseline" and
   * "restricted": no Namespace of this library admits them).
   * @default false
   */
  readonly allowUnconfinedSeccomp?: boolean;
}

/** Container-level security settings. Every default passes Pod Security "restricted"; each relaxation needs its named opt-in. */
export interface ContainerSecurityOptions {
  /**
   * Mount the root filesystem read-only. Paths the process writes to get emptyDirs (see `writablePaths`).
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Allow privilege escalation (setuid binaries). `true` fails Pod Security "restricted" and needs
   * `allowEscalation: true`. A privileged container always escalates, and the API server rejects `false`
   * together with `privileged: true`.
   * @default false - true when `privileged` is true
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * The explicit opt-in that `allowPrivilegeEscalation: true` requires.
   * @default false
   */
  readonly allowEscalation?: boolean;
  /**
   * Capabilities added back after dropping ALL. "restricted" allows only NET_BIND_SERVICE; any other needs
   * `allowExtraCapabilities: true` (and those beyond the "baseline" set fail "baseline" too).
   * @default - none
   */
  readonly addCapabilities?: readonly (AddableCapability | LinuxCapability)[];
  /**
   * The explicit opt-in that capabilities other than NET_BIND_SERVICE in `addCapabilities` require.
   * @default false
   */
  readonly allowExtraCapabilities?: boolean;
  /**
   * Run the container privileged. Requires `allowPrivileged: true` as an explicit opt-out; fails "baseline" and "restricted".
   * @default false
   */
  readonly privileged?: boolean;
  /**
   * The explicit opt-out that `privileged: true` requires.
   * @default false
   */
  readonly allowPrivileged?: boolean;
}

/** Resolved pod security settings. */
export interface ResolvedPodSecurity {
  /** Whether a non-root user is required. */
  readonly runAsNonRoot: boolean;
  /** The user id the containers run as. */
  readonly runAsUser: number;
  /** The primary group id of the containers. */
  readonly runAsGroup: number;
  /** The group that owns mounted volumes. */
  readonly fsGroup: number;
  /** The pod's seccomp profile. */
  readonly seccompProfile: SeccompProfile;
}

const POD_KEYS: readonly (keyof PodSecurityOptions)[] = [
  'runAsNonRoot', 'runAsUser', 'runAsGroup', 'fsGroup', 'seccompProfile', 'allowRunAsRoot', 'allowUnconfinedSeccomp',
];
const CONTAINER_KEYS: readonly (keyof ContainerSecurityOptions)[] = [
  'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'allowEscalation', 'addCapabilities', 'allowExtraCapabilities', 'privileged', 'allowPrivileged',
];

function optionalBoolean(scope: IConstruct, prop: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  checkBoolean(scope, prop, value);
  return value;
}

/** Resolves and validates pod-level settings; every relaxation of "restricted" needs its opt-in. */
export function resolvePodSecurity(scope: IConstruct, opts: PodSecurityOptions = {}, prop = 'podSecurity'): ResolvedPodSecurity {
  checkRecord(scope, prop, opts as unknown);
  checkKnownKeys(scope, prop, opts, POD_KEYS);
  const runAsNonRoot = optionalBoolean(scope, `${prop}.runAsNonRoot`, opts.runAsNonRoot, true);
  const allowRoot = optionalBoolean(scope, `${prop}.allowRunAsRoot`, opts.allowRunAsRoot, false);
  const allowUnconfined = optionalBoolean(scope, `${prop}.allowUnconfinedSeccomp`, opts.allowUnconfinedSeccomp, false);
  const runAsUser = opts.runAsUser ?? DEFAULT_USER_ID;
  const runAsGroup = opts.runAsGroup ?? DEFAULT_USER_ID;
  const fsGroup = opts.fsGroup ?? runAsGroup;
  // historical prop names: `securityContext.runAsUser` (the settings render into the pod's securityContext)
  checkInt(scope, 'securityContext.runAsUser', runAsUser, { min: 0, max: MAX_ID });
  checkInt(scope, 'securityContext.runAsGroup', runAsGroup, { min: 0, max: MAX_ID });
  checkInt(scope, 'securityContext.fsGroup', fsGroup, { min: 0, max: MAX_ID });
  if (runAsNonRoot && runAsUser === 0) {
    fail(scope, 'securityContext.runAsUser', 'must not be 0 while runAsNonRoot is true, got 0');
  }
  if (!runAsNonRoot && !allowRoot) {
    fail(scope, `${prop}.runAsNonRoot`, "must not be false without the explicit opt-in 'allowRunAsRoot: true' (it fails Pod Security restricted), got false");
  }
  if (runAsUser === 0 && !allowRoot) {
    fail(scope, `${prop}.runAsUser`, "must not be 0 (root) without the explicit opt-in 'allowRunAsRoot: true' (it fails Pod Security restricted), got 0");
  }
  const seccompProfile = opts.seccompProfile ?? SeccompProfile.RUNTIME_DEFAULT;
  checkEnum(scope, `${prop}.seccompProfile`, seccompProfile, SeccompProfile);
  if (seccompProfile === SeccompProfile.UNCONFINED && !allowUnconfined) {
    fail(scope, `${prop}.seccompProfile`, `must not be Unconfined without the explicit opt-in 'allowUnconfinedSeccomp: true' (it fails Pod Security baseline and restricted), got "Unconfined"`);
  }
  return { runAsNonRoot, runAsUser, runAsGroup, fsGroup, seccompProfile };
}

/** The cdk8s-plus pod security context for resolved settings (seccomp is added by `applyPodSecurity`). */
export function podSecurityContextProps(resolved: ResolvedPodSecurity): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: resolved.runAsNonRoot,
    user: resolved.runAsUser,
    group: resolved.runAsGroup,
    fsGroup: resolved.fsGroup,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/** The capabilities Pod Security "baseline" lets a container add. */
export const BASELINE_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP',
  'SETUID', 'SYS_CHROOT',
];

/** The cdk8s-plus container security context: drop ALL, no escalation, read-only root, non-root. */
export function containerSecurityContextProps(
  scope: IConstruct,
  pod: ResolvedPodSecurity,
  opts: ContainerSecurityOptions = {},
  prop = 'securityContext',
): kplus.ContainerSecurityContextProps {
  checkRecord(scope, prop, opts as unknown);
  checkKnownKeys(scope, prop, opts, CONTAINER_KEYS);
  const privileged = optionalBoolean(scope, `${prop}.privileged`, opts.privileged, false);
  const allowPrivileged = optionalBoolean(scope, `${prop}.allowPrivileged`, opts.allowPrivileged, false);
  const allowEscalation = optionalBoolean(scope, `${prop}.allowEscalation`, opts.allowEscalation, false);
  const allowExtra = optionalBoolean(scope, `${prop}.allowExtraCapabilities`, opts.allowExtraCapabilities, false);
  const readOnlyRootFilesystem = optionalBoolean(scope, `${prop}.readOnlyRootFilesystem`, opts.readOnlyRootFilesystem, true);
  if (privileged && !allowPrivileged) {
    fail(scope, `${prop}.privileged`, "must not be true without the explicit opt-out 'allowPrivileged: true' (privileged containers fail Pod Security baseline and restricted), got true");
  }
  if (privileged && opts.allowPrivilegeEscalation === false) {
    fail(scope, `${prop}.allowPrivilegeEscalation`, 'must not be false while privileged is true (the API server rejects the pair), got false');
  }
  const escalation = optionalBoolean(scope, `${prop}.allowPrivilegeEscalation`, opts.allowPrivilegeEscalation, privileged);
  if (escalation && !privileged && !allowEscalation) {
    fail(scope, `${prop}.allowPrivilegeEscalation`, "must not be true without the explicit opt-in 'allowEscalation: true' (it fails Pod Security restricted), got true");
  }
  const add = opts.addCapabilities ?? [];
  checkStringArray(scope, `${prop}.addCapabilities`, add);
  add.forEach((c, i) => {
    checkOneOf(scope, `${prop}.addCapabilities[${i}]`, c as string, LINUX_CAPABILITIES);
    if (c !== AddableCapability.NET_BIND_SERVICE && !allowExtra) {
      fail(scope, `${prop}.addCapabilities`, `may only contain ${Object.values(AddableCapability).join(', ')} (Pod Security "restricted") without the explicit opt-in 'allowExtraCapabilities: true', got ${JSON.stringify(c)}`);
    }
  });
  checkUnique(scope, `${prop}.addCapabilities`, add as readonly string[]);
  return {
    ensureNonRoot: pod.runAsNonRoot,
    user: pod.runAsUser,
    group: pod.runAsGroup,
    privileged,
    allowPrivilegeEscalation: escalation,
    readOnlyRootFilesystem,
    capabilities: {
      drop: ['ALL' as kplus.Capability],
      add: add.length ? add.map((c) => c as unknown as kplus.Capability) : undefined,
    },
  };
}

/**
 * Adds what cdk8s-plus-27 cannot express to a workload's pod spec: the pod `seccompProfile`, and turns off
 * service-environment-variable injection (`enableServiceLinks: false`), which leaks every Service of the
 * namespace into the environment.
 */
export function applyPodSecurity(workload: kplus.AbstractPod, resolved: ResolvedPodSecurity): void {
  installAdmissionChecks(workload);
  const obj = ApiObject.of(workload);
  const base = podSpecPath(workload);
  obj.addJsonPatch(JsonPatch.add(`${base}/securityContext/seccompProfile`, { type: resolved.seccompProfile }));
  obj.addJsonPatch(JsonPatch.add(`${base}/enableServiceLinks`, false));
}
