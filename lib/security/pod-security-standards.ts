/**
 * The Pod Security Standards, evaluated on a rendered pod spec as the PodSecurity admission plugin does
 * (k8s.io/pod-security-admission/policy, level "latest"), so a pod its namespace would reject fails at synth.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */

/** A JSON value of a rendered manifest. */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A setting of a pod that a Pod Security level forbids. */
export interface PodSecurityViolation {
  /** The field, relative to the pod spec (`containers[web].securityContext.allowPrivilegeEscalation`). */
  readonly field: string;
  /** What the level requires (`must be false`). */
  readonly must: string;
  /** The value found (undefined: not set). */
  readonly value: unknown;
}

/** The levels, by strictness. */
export type PodSecurityLevelName = 'privileged' | 'baseline' | 'restricted';

/** The capabilities "baseline" lets a container add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP',
  'SETUID', 'SYS_CHROOT',
]);
/** The sysctls "baseline" allows (the safe set). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** The volume types "restricted" allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/**
 * The settings of a pod (its spec and metadata) that `level` forbids; empty when the pod passes.
 */
export function podSecurityViolations(spec: Json, metadata: Json | undefined, level: PodSecurityLevelName): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const out: PodSecurityViolation[] = [];
  const v = (field: string, must: string, value: unknown): void => {
    out.push({ field, must, value });
  };
  const psc: Json = spec.securityContext ?? {};
  const containers: [string, Json][] = [
    ...((spec.initContainers ?? []) as Json[]).map((c): [string, Json] => [`initContainers[${c.name}]`, c]),
    ...((spec.containers ?? []) as Json[]).map((c): [string, Json] => [`containers[${c.name}]`, c]),
    ...((spec.ephemeralContainers ?? []) as Json[]).map((c): [string, Json] => [`ephemeralContainers[${c.name}]`, c]),
  ];

  // ---- baseline ----
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[host] === true) v(host, 'must be false or unset', true);
  }
  for (const vol of (spec.volumes ?? []) as Json[]) {
    if (vol.hostPath !== undefined) v(`volumes[${vol.name}].hostPath`, 'must not be used', vol.hostPath);
  }
  if (psc.seccompProfile?.type === 'Unconfined') v('securityContext.seccompProfile.type', 'must not be Unconfined', 'Unconfined');
  checkSeLinux(psc.seLinuxOptions, 'securityContext.seLinuxOptions', v);
  for (const s of (psc.sysctls ?? []) as Json[]) {
    if (!SAFE_SYSCTLS.has(s.name)) v(`securityContext.sysctls[${s.name}]`, `must be one of the safe sysctls (${[...SAFE_SYSCTLS].join(', ')})`, s.name);
  }
  if (psc.windowsOptions?.hostProcess === true) v('securityContext.windowsOptions.hostProcess', 'must be false or unset', true);
  if (psc.appArmorProfile?.type === 'Unconfined') v('securityContext.appArmorProfile.type', 'must not be Unconfined', 'Unconfined');
  for (const [key, value] of Object.entries((metadata?.annotations ?? {}) as Record<string, string>)) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      v(`metadata.annotations[${key}]`, 'must be runtime/default or localhost/<profile>', value);
    }
  }
  for (const [where, c] of containers) {
    const sc: Json = c.securityContext ?? {};
    const p = `${where}.securityContext`;
    if (sc.privileged === true) v(`${p}.privileged`, 'must be false or unset', true);
    for (const cap of (sc.capabilities?.add ?? []) as string[]) {
      if (!BASELINE_CAPABILITIES.has(cap)) v(`${p}.capabilities.add`, `must contain only ${[...BASELINE_CAPABILITIES].join(', ')}`, cap);
    }
    for (const port of (c.ports ?? []) as Json[]) {
      if (port.hostPort !== undefined && port.hostPort !== 0) v(`${where}.ports[${port.name ?? port.containerPort}].hostPort`, 'must be 0 or unset', port.hostPort);
    }
    if (sc.seccompProfile?.type === 'Unconfined') v(`${p}.seccompProfile.type`, 'must not be Unconfined', 'Unconfined');
    checkSeLinux(sc.seLinuxOptions, `${p}.seLinuxOptions`, v);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') v(`${p}.procMount`, 'must be Default or unset', sc.procMount);
    if (sc.windowsOptions?.hostProcess === true) v(`${p}.windowsOptions.hostProcess`, 'must be false or unset', true);
    if (sc.appArmorProfile?.type === 'Unconfined') v(`${p}.appArmorProfile.type`, 'must not be Unconfined', 'Unconfined');
  }
  if (level === 'baseline') return out;

  // ---- restricted ----
  for (const vol of (spec.volumes ?? []) as Json[]) {
    const type = Object.keys(vol).find((k) => k !== 'name');
    if (type !== undefined && type !== 'hostPath' && !RESTRICTED_VOLUMES.has(type)) {
      v(`volumes[${vol.name}]`, `must be one of the volume types ${[...RESTRICTED_VOLUMES].join(', ')}`, type);
    }
  }
  if (psc.runAsUser === 0) v('securityContext.runAsUser', 'must not be 0', 0);
  for (const [where, c] of containers) {
    const sc: Json = c.securityContext ?? {};
    const p = `${where}.securityContext`;
    if (sc.allowPrivilegeEscalation !== false) v(`${p}.allowPrivilegeEscalation`, 'must be false', sc.allowPrivilegeEscalation);
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot !== true) v(sc.runAsNonRoot === undefined ? 'securityContext.runAsNonRoot' : `${p}.runAsNonRoot`, 'must be true', nonRoot);
    if (sc.runAsUser === 0) v(`${p}.runAsUser`, 'must not be 0', 0);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost' && seccomp !== 'Unconfined') {
      v(sc.seccompProfile === undefined ? 'securityContext.seccompProfile.type' : `${p}.seccompProfile.type`, 'must be RuntimeDefault or Localhost', seccomp);
    }
    const drop = (sc.capabilities?.drop ?? []) as string[];
    if (!drop.includes('ALL')) v(`${p}.capabilities.drop`, 'must include ALL', drop);
    for (const cap of (sc.capabilities?.add ?? []) as string[]) {
      if (cap !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(cap)) v(`${p}.capabilities.add`, 'must contain only NET_BIND_SERVICE', cap);
    }
  }
  // a pod-level finding shared by every container is reported once
  const seen = new Set<string>();
  return out.filter((x) => {
    const key = `${x.field}\0${String(x.value)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkSeLinux(opts: Json | undefined, prop: string, v: (field: string, must: string, value: unknown) => void): void {
  if (!opts) return;
  if (opts.type !== undefined && !SELINUX_TYPES.has(opts.type)) v(`${prop}.type`, `must be one of ${[...SELINUX_TYPES].filter(Boolean).join(', ')}`, opts.type);
  if (opts.user !== undefined) v(`${prop}.user`, 'must be unset', opts.user);
  if (opts.role !== undefined) v(`${prop}.role`, 'must be unset', opts.role);
}
