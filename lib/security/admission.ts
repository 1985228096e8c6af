/**
 * What a namespace's admission would reject, checked at synth over the whole app (an app-wide check, see
 * lib/internal/app-checks.ts), from the rendered manifests:
 * - Pod Security: every pod (and pod template) in a namespace whose Namespace object carries
 *   `pod-security.kubernetes.io/enforce` passes that level;
 * - LimitRange: every container and claim in the namespace fits its LimitRanges, with the defaults applied as the
 *   API server applies them (LimitRange defaulting, then the LimitRanger admission plugin);
 * - ResourceQuota: the sum of requests, limits, pods, claims, Services, ConfigMaps and Secrets at full scale
 *   (an autoscaler's maxReplicas, a StatefulSet's replicas, every Deployment of a blue/green pair, the surge of a
 *   rolling update) fits its ResourceQuotas.
 * Each error names the object, the namespace and the numbers.
 */
import { IConstruct } from 'constructs';
import { AppObject, registerAppCheck } from '../internal/app-checks';
import { formatQuantity, parseQuantityExact } from '../internal/quantity';
import { show } from '../internal/validate';
import { PodSecurityLevelName, podSecurityViolations } from './pod-security-standards';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Registers the admission checks of the app that contains `scope` (once per app). */
export function installAdmissionChecks(scope: IConstruct): void {
  registerAppCheck(scope, 'admission', checkAdmission);
}

const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';
const LEVELS = ['privileged', 'baseline', 'restricted'];
const COMPUTE = ['cpu', 'memory'] as const;
type Compute = (typeof COMPUTE)[number];

/** A workload's pods: its pod spec, template metadata and how many pods it runs at full scale. */
interface PodSource {
  readonly object: AppObject;
  readonly spec: Json;
  readonly metadata: Json | undefined;
  /** Pods at full scale (undefined: unknown, e.g. a DaemonSet). */
  readonly pods: number | undefined;
  /** How `pods` was reached, for messages (`10 (maxReplicas of HorizontalPodAutoscaler "api") + 3 surge`). */
  readonly scale: string;
}

function checkAdmission(objects: readonly AppObject[]): string[] {
  const byNamespace = new Map<string, AppObject[]>();
  for (const o of objects) {
    if (o.namespace === undefined) continue;
    let list = byNamespace.get(o.namespace);
    if (!list) byNamespace.set(o.namespace, (list = []));
    list.push(o);
  }
  const problems: string[] = [];
  const namespaces = objects.filter((o) => o.kind === 'Namespace' && o.group === '');
  for (const [ns, members] of byNamespace) {
    const nsObject = namespaces.find((n) => n.name === ns);
    const level = nsObject?.json().metadata?.labels?.[PSA_ENFORCE] as string | undefined;
    const limitRanges = members.filter((o) => o.kind === 'LimitRange' && o.group === '');
    const quotas = members.filter((o) => o.kind === 'ResourceQuota' && o.group === '');
    if (level === undefined && limitRanges.length === 0 && quotas.length === 0) continue;
    const pods = podSources(members);
    if (level !== undefined && LEVELS.includes(level) && level !== 'privileged') {
      problems.push(...checkPodSecurity(ns, nsObject as AppObject, level as PodSecurityLevelName, pods));
    }
    if (limitRanges.length === 0 && quotas.length === 0) continue;
    const limits = limitRanges.map((l) => limitRangeOf(l));
    const claims = claimsOf(members, pods);
    problems.push(...checkLimitRanges(ns, limits, pods, claims));
    for (const q of quotas) problems.push(...checkQuota(ns, q, limits, pods, claims, members));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// pods
// ---------------------------------------------------------------------------------------------------------------

const WORKLOADS: Record<string, (j: Json) => Json | undefined> = {
  Pod: (j) => j,
  Deployment: (j) => j.spec?.template,
  StatefulSet: (j) => j.spec?.template,
  DaemonSet: (j) => j.spec?.template,
  ReplicaSet: (j) => j.spec?.template,
  ReplicationController: (j) => j.spec?.template,
  Job: (j) => j.spec?.template,
  CronJob: (j) => j.spec?.jobTemplate?.spec?.template,
};

function podSources(members: readonly AppObject[]): PodSource[] {
  const hpas = members.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const out: PodSource[] = [];
  for (const o of members) {
    const template = WORKLOADS[o.kind];
    if (template === undefined) continue;
    const j = o.json();
    const t = template(j);
    if (!t?.spec) continue;
    let pods: number | undefined;
    let scale: string;
    switch (o.kind) {
      case 'Pod':
        pods = 1;
        scale = '1 pod';
        break;
      case 'DaemonSet':
        pods = undefined;
        scale = 'one pod per node';
        break;
      case 'Job':
        pods = j.spec?.parallelism ?? 1;
        scale = `${pods} (parallelism)`;
        break;
      case 'CronJob':
        pods = j.spec?.jobTemplate?.spec?.parallelism ?? 1;
        scale = `${pods} (parallelism of one run)`;
        break;
      default: {
        const hpa = hpas.find((h) => {
          const ref = h.json().spec?.scaleTargetRef;
          return ref?.kind === o.kind && ref?.name === o.name;
        });
        const max = hpa?.json().spec?.maxReplicas as number | undefined;
        const replicas = max ?? (j.spec?.replicas as number | undefined) ?? 1;
        scale = max !== undefined ? `${replicas} (maxReplicas of HorizontalPodAutoscaler ${show(hpa?.name)})` : `${replicas} replicas`;
        const surge = o.kind === 'Deployment' ? rollingSurge(j.spec?.strategy, replicas) : 0;
        if (surge > 0) scale += ` + ${surge} surge during a rolling update`;
        pods = replicas + surge;
      }
    }
    out.push({ object: o, spec: t.spec, metadata: t.metadata, pods, scale });
  }
  return out;
}

/** The extra pods a RollingUpdate creates (maxSurge, percentages rounded up; the Kubernetes default is 25%). */
function rollingSurge(strategy: Json | undefined, replicas: number): number {
  if (strategy?.type === 'Recreate') return 0;
  const surge: unknown = strategy?.rollingUpdate?.maxSurge ?? '25%';
  if (typeof surge === 'number') return surge;
  const m = /^([0-9]+)%$/.exec(String(surge));
  return m ? Math.ceil((Number(m[1]) * replicas) / 100) : 0;
}

function describe(o: AppObject): string {
  return `${o.kind} ${show(o.name)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Pod Security
// ---------------------------------------------------------------------------------------------------------------

function checkPodSecurity(ns: string, nsObject: AppObject, level: PodSecurityLevelName, pods: readonly PodSource[]): string[] {
  const out: string[] = [];
  for (const p of pods) {
    for (const v of podSecurityViolations(p.spec, p.metadata, level)) {
      out.push(`${p.object.path}: '${v.field}' ${v.must} (namespace ${show(ns)} enforces Pod Security "${level}" (${nsObject.path}): the API server would reject the pods of ${describe(p.object)}), got ${show(v.value)}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// LimitRange
// ---------------------------------------------------------------------------------------------------------------

type Amounts = Partial<Record<string, bigint>>;

interface ContainerLimits {
  readonly min: Amounts;
  readonly max: Amounts;
  /** Default limits, after LimitRange defaulting (max fills a missing default). */
  readonly default: Amounts;
  /** Default requests, after LimitRange defaulting (default, then min, fill a missing defaultRequest). */
  readonly defaultRequest: Amounts;
}

interface LimitRangeFacts {
  readonly object: AppObject;
  readonly container?: ContainerLimits;
  readonly claim?: { readonly min: Amounts; readonly max: Amounts };
}

function amounts(list: Json | undefined): Amounts {
  const out: Amounts = {};
  for (const [k, v] of Object.entries(list ?? {})) {
    const q = parseQuantityExact(String(v));
    if (q !== undefined) out[k] = q.nanos;
  }
  return out;
}

/** A LimitRange's items with the API server's defaulting (SetDefaults_LimitRangeItem) applied. */
function limitRangeOf(o: AppObject): LimitRangeFacts {
  let container: ContainerLimits | undefined;
  let claim: LimitRangeFacts['claim'];
  for (const item of (o.json().spec?.limits ?? []) as Json[]) {
    if (item.type === 'Container') {
      const max = amounts(item.max);
      const min = amounts(item.min);
      const def = { ...max, ...amounts(item.default) };
      const defaultRequest = { ...min, ...def, ...amounts(item.defaultRequest) };
      container = { min, max, default: def, defaultRequest };
    } else if (item.type === 'PersistentVolumeClaim') {
      claim = { min: amounts(item.min), max: amounts(item.max) };
    }
  }
  return { object: o, container, claim };
}

/** A container's requests and limits as the API server sees them after defaulting and LimitRanger. */
interface EffectiveContainer {
  readonly name: string;
  readonly field: string;
  readonly requests: Amounts;
  readonly limits: Amounts;
  readonly init: boolean;
  readonly sidecar: boolean;
}

function effectiveContainers(spec: Json, limits: readonly LimitRangeFacts[]): EffectiveContainer[] {
  const list: [Json, string, boolean][] = [
    ...((spec.initContainers ?? []) as Json[]).map((c): [Json, string, boolean] => [c, `initContainers[${c.name}]`, true]),
    ...((spec.containers ?? []) as Json[]).map((c): [Json, string, boolean] => [c, `containers[${c.name}]`, false]),
  ];
  return list.map(([c, field, init]) => {
    const given = { requests: amounts(c.resources?.requests), limits: amounts(c.resources?.limits) };
    const requests: Amounts = { ...given.requests };
    const lim: Amounts = { ...given.limits };
    // API defaulting: a limit without a request makes the request equal to the limit
    for (const [k, v] of Object.entries(given.limits)) if (requests[k] === undefined) requests[k] = v;
    // LimitRanger: missing limits and requests from each LimitRange's defaults
    for (const l of limits) {
      if (!l.container) continue;
      for (const [k, v] of Object.entries(l.container.default)) if (lim[k] === undefined) lim[k] = v;
      for (const [k, v] of Object.entries(l.container.defaultRequest)) if (requests[k] === undefined) requests[k] = v;
    }
    return { name: c.name, field, requests, limits: lim, init, sidecar: init && c.restartPolicy === 'Always' };
  });
}

const fmt = (resource: string, n: bigint): string => formatQuantity(n, resource === 'cpu' ? 'cpu' : 'bytes');

/** A claim (a PVC, or a StatefulSet claim template and its count at full scale). */
interface Claim {
  readonly object: AppObject;
  readonly field: string;
  readonly what: string;
  readonly storage: bigint | undefined;
  readonly count: number;
}

function claimsOf(members: readonly AppObject[], pods: readonly PodSource[]): Claim[] {
  const out: Claim[] = [];
  for (const o of members) {
    if (o.kind !== 'PersistentVolumeClaim') continue;
    out.push({ object: o, field: 'spec.resources.requests.storage', what: `PersistentVolumeClaim ${show(o.name)}`, storage: amounts(o.json().spec?.resources?.requests).storage, count: 1 });
  }
  for (const p of pods) {
    if (p.object.kind !== 'StatefulSet') continue;
    for (const t of (p.object.json().spec?.volumeClaimTemplates ?? []) as Json[]) {
      out.push({
        object: p.object,
        field: `spec.volumeClaimTemplates[${t.metadata?.name}].spec.resources.requests.storage`,
        what: `the claims ${show(`${t.metadata?.name}-${p.object.name}-<n>`)} of ${describe(p.object)}`,
        storage: amounts(t.spec?.resources?.requests).storage,
        count: p.pods ?? 1,
      });
    }
  }
  return out;
}

function checkLimitRanges(ns: string, limits: readonly LimitRangeFacts[], pods: readonly PodSource[], claims: readonly Claim[]): string[] {
  const out: string[] = [];
  for (const p of pods) {
    for (const c of effectiveContainers(p.spec, limits)) {
      for (const res of COMPUTE) {
        const req = c.requests[res];
        const lim = c.limits[res];
        const where = (l: LimitRangeFacts, what: string) => `${what} of LimitRange ${show(l.object.name)} in namespace ${show(ns)}`;
        for (const l of limits) {
          const min = l.container?.min[res];
          const max = l.container?.max[res];
          if (min !== undefined) {
            if (req === undefined) out.push(`${p.object.path}: '${c.field}.resources.requests.${res}' must be set and >= ${fmt(res, min)} (${where(l, 'the minimum')}), got none`);
            else if (req < min) out.push(`${p.object.path}: '${c.field}.resources.requests.${res}' must be >= ${fmt(res, min)} (${where(l, 'the minimum')}), got ${fmt(res, req)}`);
            if (lim !== undefined && lim < min) out.push(`${p.object.path}: '${c.field}.resources.limits.${res}' must be >= ${fmt(res, min)} (${where(l, 'the minimum')}), got ${fmt(res, lim)}`);
          }
          if (max !== undefined) {
            if (lim === undefined) out.push(`${p.object.path}: '${c.field}.resources.limits.${res}' must be set and <= ${fmt(res, max)} (${where(l, 'the maximum')}), got none`);
            else if (lim > max) out.push(`${p.object.path}: '${c.field}.resources.limits.${res}' must be <= ${fmt(res, max)} (${where(l, 'the maximum')}), got ${fmt(res, lim)}`);
            if (req !== undefined && req > max) out.push(`${p.object.path}: '${c.field}.resources.requests.${res}' must be <= ${fmt(res, max)} (${where(l, 'the maximum')}), got ${fmt(res, req)}`);
          }
        }
        if (req !== undefined && lim !== undefined && req > lim) {
          const defaulted = limits.some((l) => l.container?.default[res] !== undefined) ? ' (after the LimitRange defaults are applied)' : '';
          out.push(`${p.object.path}: '${c.field}.resources.requests.${res}' must be <= its limit ${fmt(res, lim)}${defaulted} in namespace ${show(ns)}, got ${fmt(res, req)}`);
        }
      }
    }
  }
  for (const c of claims) {
    for (const l of limits) {
      if (!l.claim) continue;
      const min = l.claim.min.storage;
      const max = l.claim.max.storage;
      const where = (what: string) => `${what} claim size of LimitRange ${show(l.object.name)} in namespace ${show(ns)}`;
      if (c.storage === undefined) {
        if (min !== undefined || max !== undefined) out.push(`${c.object.path}: '${c.field}' must be set (${where('the')} bounds it), got none`);
        continue;
      }
      if (min !== undefined && c.storage < min) out.push(`${c.object.path}: '${c.field}' must be >= ${fmt('storage', min)} (${where('the minimum')}), got ${fmt('storage', c.storage)}`);
      if (max !== undefined && c.storage > max) out.push(`${c.object.path}: '${c.field}' must be <= ${fmt('storage', max)} (${where('the maximum')}), got ${fmt('storage', c.storage)}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// ResourceQuota
// ---------------------------------------------------------------------------------------------------------------

/** A pod's effective request or limit of one resource (sidecars and the largest init container included). */
function podAmount(containers: readonly EffectiveContainer[], kind: 'requests' | 'limits', res: string): bigint | undefined {
  let sum = 0n;
  let any = false;
  for (const c of containers) {
    if (c.init && !c.sidecar) continue;
    const v = c[kind][res];
    if (v === undefined) return undefined;
    sum += v;
    any = true;
  }
  let initMax = 0n;
  let sidecars = 0n;
  for (const c of containers) {
    if (!c.init) continue;
    const v = c[kind][res];
    if (v === undefined) return undefined;
    if (c.sidecar) sidecars += v;
    else if (v + sidecars > initMax) initMax = v + sidecars;
    any = true;
  }
  if (!any) return undefined;
  return sum > initMax ? sum : initMax;
}

/** Quota keys and the aliases the API server accepts for them. */
const QUOTA_COMPUTE: [key: string, aliases: string[], kind: 'requests' | 'limits', res: Compute][] = [
  ['requests.cpu', ['cpu'], 'requests', 'cpu'],
  ['requests.memory', ['memory'], 'requests', 'memory'],
  ['limits.cpu', [], 'limits', 'cpu'],
  ['limits.memory', [], 'limits', 'memory'],
];

/** ConfigMaps every namespace has from its creation (`kube-root-ca.crt`), counted against a `configmaps` quota. */
const PRESENT_CONFIGMAPS = 1;

function checkQuota(ns: string, quota: AppObject, limits: readonly LimitRangeFacts[], pods: readonly PodSource[], claims: readonly Claim[], members: readonly AppObject[]): string[] {
  const hard = amounts(quota.json().spec?.hard);
  const out: string[] = [];
  const over = (key: string, total: string, parts: string[], limit: string): void => {
    out.push(`${quota.path}: 'spec.hard.${key}' must cover what namespace ${show(ns)} runs at full scale (${total}: ${parts.join(', ')}), got ${limit}`);
  };
  const scaled = pods.filter((p) => p.pods !== undefined);
  for (const [key, aliases, kind, res] of QUOTA_COMPUTE) {
    const k = [key, ...aliases].find((x) => hard[x] !== undefined);
    if (k === undefined) continue;
    const limit = hard[k] as bigint;
    let total = 0n;
    const parts: string[] = [];
    for (const p of scaled) {
      const containers = effectiveContainers(p.spec, limits);
      const each = podAmount(containers, kind, res);
      if (each === undefined) {
        const missing = containers.find((c) => c[kind][res] === undefined);
        out.push(`${p.object.path}: '${missing?.field}.resources.${kind}.${res}' must be set (ResourceQuota ${show(quota.name)} of namespace ${show(ns)} limits ${key}, and no LimitRange default applies), got none`);
        continue;
      }
      total += each * BigInt(p.pods as number);
      parts.push(`${describe(p.object)} ${p.scale} × ${fmt(res, each)}`);
    }
    if (total > limit) over(k, fmt(res, total), parts, fmt(res, limit));
  }
  if (hard['requests.storage'] !== undefined) {
    let total = 0n;
    const parts: string[] = [];
    for (const c of claims) {
      if (c.storage === undefined) continue;
      total += c.storage * BigInt(c.count);
      parts.push(`${c.what}${c.count > 1 ? ` ${c.count} × ` : ' '}${fmt('storage', c.storage)}`);
    }
    if (total > (hard['requests.storage'] as bigint)) over('requests.storage', fmt('storage', total), parts, fmt('storage', hard['requests.storage'] as bigint));
  }
  const counts: [string, () => [number, string[]]][] = [
    ['pods', () => sumOf(scaled.map((p) => [p.pods as number, `${describe(p.object)} ${p.scale}`]))],
    ['persistentvolumeclaims', () => sumOf(claims.map((c) => [c.count, `${c.what}${c.count > 1 ? ` × ${c.count}` : ''}`]))],
    ['services', () => sumOf(members.filter((o) => o.kind === 'Service').map((o) => [1, describe(o)]))],
    ['services.loadbalancers', () => sumOf(members.filter((o) => o.kind === 'Service' && o.json().spec?.type === 'LoadBalancer').map((o) => [1, describe(o)]))],
    ['services.nodeports', () => sumOf(members.filter((o) => o.kind === 'Service' && ['NodePort', 'LoadBalancer'].includes(o.json().spec?.type)).map((o) => [(o.json().spec?.ports ?? []).length, describe(o)]))],
    ['configmaps', () => sumOf([[PRESENT_CONFIGMAPS, 'ConfigMap "kube-root-ca.crt" (in every namespace)'], ...members.filter((o) => o.kind === 'ConfigMap').map((o): [number, string] => [1, describe(o)])])],
    ['secrets', () => sumOf(members.filter((o) => o.kind === 'Secret').map((o) => [1, describe(o)]))],
  ];
  for (const [key, count] of counts) {
    const limit = hard[key] ?? hard[`count/${key}`];
    if (limit === undefined) continue;
    const [n, parts] = count();
    if (BigInt(n) * 1_000_000_000n > limit) over(hard[key] !== undefined ? key : `count/${key}`, String(n), parts, formatQuantity(limit, 'cpu'));
  }
  return out;
}

function sumOf(items: [number, string][]): [number, string[]] {
  return [items.reduce((n, [c]) => n + c, 0), items.map(([c, what]) => (c === 1 ? what : `${what}: ${c}`))];
}
