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
import { checkInt, fail } from '../internal/validate';
import { podSpecPath } from '../internal/compat';

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

/** The default user and group ids (non-root, above 10000 so they never collide with a host user). */
export const DEFAULT_USER_ID = 10001;

/** The largest user/group id the API server accepts (int32). */
const MAX_ID = 2147483647;

/** Pod-level security settings. Every default passes Pod Security "restricted". */
export interface PodSecurityOptions {
  /**
   * Require a non-root user (kubelet refuses to start a container whose user is root).
   * Setting it to false fails Pod Security "restricted".
   * @default true
   */
  readonly runAsNonRoot?: boolean;
  /**
   * The user id the containers run as. Use the image's own non-root id when it needs one (e.g. 101 for nginx-unprivileged).
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
   * The seccomp profile. `UNCONFINED` fails Pod Security "restricted".
   * @default SeccompProfile.RUNTIME_DEFAULT
   */
  readonly seccompProfile?: SeccompProfile;
}

/** Container-level security settings. Every default passes Pod Security "restricted". */
export interface ContainerSecurityOptions {
  /**
   * Mount the root filesystem read-only. Paths the process writes to get emptyDirs (see `writablePaths`).
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Allow privilege escalation (setuid binaries). `true` fails Pod Security "restricted".
   * A privileged container always escalates, and the API server rejects `false` together with `privileged: true`.
   * @default false - true when `privileged` is true
   */
  readonly allowPrivilegeEscalation?: boolean;
  /**
   * Capabilities added back after dropping ALL. "restricted" allows only NET_BIND_SERVICE.
   * @default - none
   */
  readonly addCapabilities?: AddableCapability[];
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

/** Resolves and validates pod-level settings. */
export function resolvePodSecurity(scope: IConstruct, opts: PodSecurityOptions = {}): ResolvedPodSecurity {
  const runAsNonRoot = opts.runAsNonRoot ?? true;
  const runAsUser = opts.runAsUser ?? DEFAULT_USER_ID;
  const runAsGroup = opts.runAsGroup ?? DEFAULT_USER_ID;
  const fsGroup = opts.fsGroup ?? runAsGroup;
  checkInt(scope, 'securityContext.runAsUser', runAsUser, { min: 0, max: MAX_ID });
  checkInt(scope, 'securityContext.runAsGroup', runAsGroup, { min: 0, max: MAX_ID });
  checkInt(scope, 'securityContext.fsGroup', fsGroup, { min: 0, max: MAX_ID });
  if (runAsNonRoot && runAsUser === 0) {
    fail(scope, 'securityContext.runAsUser', 'must not be 0 while runAsNonRoot is true, got 0');
  }
  return { runAsNonRoot, runAsUser, runAsGroup, fsGroup, seccompProfile: opts.seccompProfile ?? SeccompProfile.RUNTIME_DEFAULT };
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

/** The cdk8s-plus container security context: drop ALL, no escalation, read-only root, non-root. */
export function containerSecurityContextProps(
  scope: IConstruct,
  pod: ResolvedPodSecurity,
  opts: ContainerSecurityOptions = {},
  prop = 'securityContext',
): kplus.ContainerSecurityContextProps {
  const privileged = opts.privileged ?? false;
  if (privileged && !opts.allowPrivileged) {
    fail(scope, `${prop}.privileged`, "must not be true without the explicit opt-out 'allowPrivileged: true' (privileged containers fail Pod Security baseline and restricted), got true");
  }
  if (privileged && opts.allowPrivilegeEscalation === false) {
    fail(scope, `${prop}.allowPrivilegeEscalation`, 'must not be false while privileged is true (the API server rejects the pair), got false');
  }
  const add = opts.addCapabilities ?? [];
  for (const c of add) {
    if (!Object.values(AddableCapability).includes(c)) {
      fail(scope, `${prop}.addCapabilities`, `may only contain ${Object.values(AddableCapability).join(', ')} (Pod Security "restricted"), got ${JSON.stringify(c)}`);
    }
  }
  return {
    ensureNonRoot: pod.runAsNonRoot,
    user: pod.runAsUser,
    group: pod.runAsGroup,
    privileged,
    allowPrivilegeEscalation: opts.allowPrivilegeEscalation ?? privileged,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
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
  const obj = ApiObject.of(workload);
  const base = podSpecPath(workload);
  obj.addJsonPatch(JsonPatch.add(`${base}/securityContext/seccompProfile`, { type: resolved.seccompProfile }));
  obj.addJsonPatch(JsonPatch.add(`${base}/enableServiceLinks`, false));
}
