/**
 * Security test helpers: a walker asserting Pod Security "restricted" (and the library's own rules: own
 * ServiceAccount, no automounted token) on every pod-bearing object of a set of manifests, a structural
 * NetworkPolicy matcher, and a small stand-in workload implementing IConsumer/IBackend for wiring tests.
 */
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import { addContainer, resolveContainer } from '../lib/workload/container';
import { selectorLabels, recommendedLabels } from '../lib/core/labels';
import { applyPodSecurity, podSecurityContextProps, resolvePodSecurity } from '../lib/security/pod-security';
import { WorkloadIdentity } from '../lib/security/service-account';
import { BackendPort, IBackend, IConsumer, ServiceEndpoint, namespaceOf } from '../lib/network/wiring';
import { Manifest, restrictedViolations } from './util';

/** The pod spec of any pod-bearing object, or undefined for other kinds. */
export function podSpecIn(m: Manifest): Manifest | undefined {
  switch (m.kind) {
    case 'Pod':
      return m.spec;
    case 'CronJob':
      return m.spec?.jobTemplate?.spec?.template?.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return m.spec?.template?.spec;
    case 'PodTemplate':
      return m.template?.spec;
    default:
      return undefined;
  }
}

/** The sysctls Pod Security "baseline" (and so "restricted") allows. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/**
 * The baseline checks `restrictedViolations` (test/util.ts) does not make: sysctls, SELinux, procMount,
 * AppArmor, Windows host processes.
 */
function extraViolations(m: Manifest, spec: Manifest): string[] {
  const v: string[] = [];
  const psc = spec.securityContext ?? {};
  for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) v.push(`unsafe sysctl ${s.name}`);
  if (psc.windowsOptions?.hostProcess) v.push('windows hostProcess');
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const sc of [psc, ...containers.map((c: Manifest) => c.securityContext ?? {})]) {
    const se = sc.seLinuxOptions;
    if (se && (!SELINUX_TYPES.has(se.type ?? '') || se.user || se.role)) v.push(`seLinuxOptions ${JSON.stringify(se)}`);
  }
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.procMount && sc.procMount !== 'Default') v.push(`${c.name}: procMount ${sc.procMount}`);
    if (sc.windowsOptions?.hostProcess) v.push(`${c.name}: windows hostProcess`);
    if (sc.appArmorProfile && !['RuntimeDefault', 'Localhost'].includes(sc.appArmorProfile.type)) v.push(`${c.name}: appArmorProfile ${sc.appArmorProfile.type}`);
  }
  const annotations: Record<string, string> = (m.kind === 'Pod' ? m.metadata?.annotations : podTemplateMeta(m)?.annotations) ?? {};
  for (const [k, val] of Object.entries(annotations)) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && val !== 'runtime/default' && !val.startsWith('localhost/')) v.push(`apparmor ${k}=${val}`);
  }
  return v;
}

function podTemplateMeta(m: Manifest): Manifest | undefined {
  if (m.kind === 'CronJob') return m.spec?.jobTemplate?.spec?.template?.metadata;
  if (m.kind === 'PodTemplate') return m.template?.metadata;
  return m.spec?.template?.metadata;
}

/** Options of `securityViolations` / `assertRestricted`. */
export interface RestrictedCheckOptions {
  /**
   * Also require each pod to run as its own ServiceAccount (not `default`) with `automountServiceAccountToken:
   * false`, and every ServiceAccount of the manifests to set `automountServiceAccountToken: false`.
   * @default true
   */
  readonly ownServiceAccount?: boolean;
  /**
   * Also require every Namespace of the manifests to enforce Pod Security "restricted".
   * @default true
   */
  readonly namespacesEnforceRestricted?: boolean;
}

/** Every violation in a set of manifests, as `Kind/namespace/name: violation`. Empty when compliant. */
export function securityViolations(manifests: Manifest[], options: RestrictedCheckOptions = {}): string[] {
  const out: string[] = [];
  const id = (m: Manifest) => `${m.kind}/${m.metadata?.namespace ?? '-'}/${m.metadata?.name}`;
  for (const m of manifests) {
    const spec = podSpecIn(m);
    if (spec) {
      for (const v of [...restrictedViolations(spec), ...extraViolations(m, spec)]) out.push(`${id(m)}: ${v}`);
      if (options.ownServiceAccount ?? true) {
        const sa = spec.serviceAccountName ?? spec.serviceAccount;
        if (!sa || sa === 'default') out.push(`${id(m)}: runs as the default ServiceAccount`);
        if (spec.automountServiceAccountToken !== false) out.push(`${id(m)}: automountServiceAccountToken not false`);
      }
    }
    if (m.kind === 'ServiceAccount' && (options.ownServiceAccount ?? true) && m.automountServiceAccountToken !== false) {
      out.push(`${id(m)}: automountServiceAccountToken not false`);
    }
    if (m.kind === 'Namespace' && (options.namespacesEnforceRestricted ?? true)) {
      const level = m.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
      if (level !== 'restricted') out.push(`${id(m)}: pod-security.kubernetes.io/enforce is ${level ?? 'unset'}, not restricted`);
    }
  }
  return out;
}

/**
 * Throws unless every pod-bearing object passes Pod Security "restricted" and runs as its own ServiceAccount
 * without an automounted token, and every Namespace enforces "restricted". Returns the number of pod specs checked.
 */
export function assertRestricted(manifests: Manifest[], options: RestrictedCheckOptions = {}): number {
  const violations = securityViolations(manifests, options);
  if (violations.length > 0) throw new Error(`Pod Security "restricted" violations:\n  ${violations.join('\n  ')}`);
  return manifests.filter((m) => podSpecIn(m) !== undefined).length;
}

// ---------------------------------------------------------------------------------------------------------
// NetworkPolicy structure

function subset(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** A set of pods: its namespace (name and labels) and its labels. */
export interface PodSet {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly namespaceLabels?: Record<string, string>;
}

function peerMatches(peer: Manifest, policyNamespace: string, pods: PodSet): boolean {
  if (peer.ipBlock) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': pods.namespace, ...(pods.namespaceLabels ?? {}) };
  if (peer.namespaceSelector) {
    if (peer.namespaceSelector.matchExpressions) return false;
    if (!subset(peer.namespaceSelector.matchLabels, nsLabels)) return false;
  } else if (policyNamespace !== pods.namespace) {
    return false;
  }
  if (peer.podSelector?.matchExpressions) return false;
  return subset(peer.podSelector?.matchLabels, pods.labels);
}

/**
 * The names of the policies that allow `from` to send to `to` (egress side) and `to` to receive from `from`
 * (ingress side), optionally on one port. Only matchLabels selectors are understood (what this library emits).
 */
export function allowingPolicies(policies: Manifest[], from: PodSet, to: PodSet, port?: number): { egress: string[]; ingress: string[] } {
  const portOk = (ports: Manifest[] | undefined) => port === undefined || !ports || ports.length === 0 || ports.some((p) => p.port === port);
  const egress = policies.filter((p) => (p.metadata.namespace === from.namespace)
    && subset(p.spec.podSelector?.matchLabels, from.labels)
    && (p.spec.egress ?? []).some((r: Manifest) => portOk(r.ports) && (!r.to || r.to.some((peer: Manifest) => peerMatches(peer, p.metadata.namespace, to))))).map((p) => p.metadata.name);
  const ingress = policies.filter((p) => (p.metadata.namespace === to.namespace)
    && subset(p.spec.podSelector?.matchLabels, to.labels)
    && (p.spec.ingress ?? []).some((r: Manifest) => portOk(r.ports) && (!r.from || r.from.some((peer: Manifest) => peerMatches(peer, p.metadata.namespace, from))))).map((p) => p.metadata.name);
  return { egress, ingress };
}

// ---------------------------------------------------------------------------------------------------------
// A stand-in workload (kplus Deployment + Service) for wiring tests, built the way the library builds workloads.

/** Props of a StandInWorkload. */
export interface StandInProps {
  /** The container port. */
  readonly port: number;
  /** @default 80 */
  readonly servicePort?: number;
  /** @default 'nginx:1.27.3' */
  readonly image?: string;
  /** @default kplus.ServiceType.CLUSTER_IP */
  readonly serviceType?: kplus.ServiceType;
}

/** A restricted Deployment with its own ServiceAccount and a Service, implementing IConsumer and IBackend. */
export class StandInWorkload extends Construct implements IConsumer, IBackend {
  public readonly deployment: kplus.Deployment;
  public readonly service: kplus.Service;
  public readonly identity: WorkloadIdentity;
  public readonly backendPorts: BackendPort[];

  constructor(scope: Construct, id: string, props: StandInProps) {
    super(scope, id);
    const pod = resolvePodSecurity(this);
    this.identity = new WorkloadIdentity(this, 'Identity', { name: id, identity: { name: id } });
    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata: { name: id, labels: recommendedLabels({ name: id }) },
      select: false,
      podMetadata: { labels: recommendedLabels({ name: id }) },
      replicas: 1,
      securityContext: podSecurityContextProps(pod),
      serviceAccount: this.identity.serviceAccount,
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.podSelector }));
    addContainer(this, this.deployment, resolveContainer(this, 'app', { image: props.image ?? 'nginx:1.27.3', ports: [{ name: 'http', port: props.port }] }, pod));
    applyPodSecurity(this.deployment, pod);
    this.backendPorts = [{ name: 'http', port: props.servicePort ?? 80, targetPort: props.port, protocol: 'TCP' }];
    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: id, labels: recommendedLabels({ name: id }) },
      type: props.serviceType ?? kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: 'http', port: props.servicePort ?? 80, targetPort: props.port }],
    });
    for (const [k, v] of Object.entries(this.podSelector)) this.service.selectLabel(k, v);
  }

  public get peerName(): string {
    return this.node.id;
  }

  public get podSelector(): Record<string, string> {
    return selectorLabels({ name: this.node.id });
  }

  public get namespace(): string | undefined {
    return namespaceOf(this);
  }

  public get endpoint(): ServiceEndpoint {
    return new ServiceEndpoint(this.node.id, this.namespace ?? 'default', this.backendPorts);
  }

  public addEnv(name: string, value: string): void {
    this.deployment.containers[0].env.addVariable(name, kplus.EnvValue.fromValue(value));
  }
}
