/**
 * The application container every workload of this library runs: pinned image, named ports, explicit
 * resources, probes, and a Pod Security "restricted" security context with writable emptyDirs where the
 * process needs to write.
 */
import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { ContainerSecurityOptions, ResolvedPodSecurity, containerSecurityContextProps } from '../security/pod-security';
import { patchContainer, patchRenderedContainer, probeTargetPort, probeWithDefaultPort, renderProbe } from '../internal/compat';
import { FEATURES, requireFeature, targetMinor } from '../core/target-version';
import { resolveSeconds } from '../internal/duration';
import {
  checkArray, checkBoolean, checkCpu, checkDnsLabel, checkEnum, checkEnvName, checkImage, checkInstance, checkPort, checkPortName, checkRecord, checkSize,
  checkStringArray, checkUnique, fail, show,
} from '../internal/validate';
import { Quantity } from '../internal/quantity';

/** A named container port. */
export interface ContainerPortSpec {
  /** Port name (IANA service name: at most 15 characters, e.g. `http`). Services can target it by name. */
  readonly name: string;
  /** The port the process listens on, 1-65535. */
  readonly port: number;
  /**
   * The protocol.
   * @default kplus.Protocol.TCP
   */
  readonly protocol?: kplus.Protocol;
}

/** Requests and limits; any field left out takes its documented default (fields are merged, not replaced). */
export interface ResourceOptions {
  /**
   * CPU requested (what the scheduler reserves).
   * @default kplus.Cpu.millis(100)
   */
  readonly cpuRequest?: kplus.Cpu;
  /**
   * CPU limit (throttled above it).
   * @default kplus.Cpu.millis(500)
   */
  readonly cpuLimit?: kplus.Cpu;
  /**
   * Memory requested.
   * @default Size.mebibytes(128)
   */
  readonly memoryRequest?: Size;
  /**
   * Memory limit (OOM-killed above it).
   * @default Size.mebibytes(256)
   */
  readonly memoryLimit?: Size;
  /**
   * Local ephemeral storage requested (container logs, writable layer, emptyDirs).
   * @default Size.mebibytes(64)
   */
  readonly ephemeralStorageRequest?: Size;
  /**
   * Local ephemeral storage limit (evicted above it). Covers the writable emptyDirs (64Mi each) and logs.
   * @default Size.mebibytes(512)
   */
  readonly ephemeralStorageLimit?: Size;
}

/** The documented resource defaults (small, explicit, never cdk8s-plus's 1 CPU / 1.5 CPU). */
export const DEFAULT_RESOURCES = {
  cpuRequest: kplus.Cpu.millis(100),
  cpuLimit: kplus.Cpu.millis(500),
  memoryRequest: Size.mebibytes(128),
  memoryLimit: Size.mebibytes(256),
  ephemeralStorageRequest: Size.mebibytes(64),
  ephemeralStorageLimit: Size.mebibytes(512),
} as const;

/** Options of one application container. */
export interface AppContainerOptions {
  /** Container image with an explicit tag or digest (`nginx:1.27.3`); `:latest` or no tag is rejected unless `allowLatest`. */
  readonly image: string;
  /**
   * Accept an image without a tag or with `:latest`.
   * @default false
   */
  readonly allowLatest?: boolean;
  /**
   * Named ports the container listens on.
   * @default - no ports
   */
  readonly ports?: ContainerPortSpec[];
  /**
   * Entrypoint override; `$(VAR)` references to env vars are expanded by Kubernetes.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments; `$(VAR)` references are expanded by Kubernetes.
   * @default - the image's cmd
   */
  readonly args?: string[];
  /**
   * Working directory.
   * @default - the image's
   */
  readonly workingDir?: string;
  /**
   * Environment variables: literal strings or cdk8s-plus `EnvValue`s (from ConfigMaps, Secrets, fields).
   * @default - none
   */
  readonly env?: Record<string, string | kplus.EnvValue>;
  /**
   * Whole ConfigMaps/Secrets as environment (`envFrom`).
   * @default - none
   */
  readonly envFrom?: kplus.EnvFrom[];
  /**
   * Resource requests and limits, merged over `DEFAULT_RESOURCES`.
   * @default DEFAULT_RESOURCES (cpu 100m/500m, memory 128Mi/256Mi, ephemeral storage 64Mi/512Mi)
   */
  readonly resources?: ResourceOptions;
  /**
   * Readiness probe, or `false` for none.
   * @default - TCP on the first port when the container has ports
   */
  readonly readiness?: kplus.Probe | false;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly liveness?: kplus.Probe;
  /**
   * Startup probe (holds liveness back while a slow process starts).
   * @default - none
   */
  readonly startup?: kplus.Probe;
  /**
   * When the kubelet pulls the image.
   * @default kplus.ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * Container security settings (each default passes Pod Security "restricted").
   * @default - restricted
   */
  readonly securityContext?: ContainerSecurityOptions;
  /**
   * Paths the process must write to while the root filesystem is read-only: each gets its own emptyDir.
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * Allocate a terminal (`tty: true`), e.g. for a jump pod you `kubectl attach -it` to; usually with `stdin`.
   * @default false
   */
  readonly tty?: boolean;
  /**
   * Keep stdin open (`stdin: true`), so `kubectl attach -i` can write to the process.
   * @default false
   */
  readonly stdin?: boolean;
  /**
   * How long the container keeps running once its pod is being deleted, before it gets SIGTERM (a `preStop` hook).
   * Endpoints and every node's Service rules take a moment to drop a terminating pod; requests that still arrive in
   * that window are refused unless the process is still serving (measured on the real-node suite: 8 of 398
   * requests failed over 4 rolling updates without a delay, 0 of 572 with 5 s). Rendered as the `sleep` action
   * (`lifecycle.preStop.sleep`) when the app targets Kubernetes 1.30 or newer, else as `exec: [sleep, <n>]` (the
   * image must then have `sleep`). `Duration.seconds(0)` for none. Must be shorter than the pod's
   * `terminationGracePeriod`.
   * @default - for the app container of a WebApp or BlueGreenDeployment 5 seconds (at most half its
   *   terminationGracePeriod); none for other containers
   */
  readonly shutdownDelay?: Duration;
}

/** The `shutdownDelay` of the app container of Service-backed workloads (WebApp, BlueGreenDeployment). */
export const DEFAULT_SHUTDOWN_DELAY = Duration.seconds(5);

/**
 * An init container: runs to completion before the app containers start. Init containers have no probes
 * (Kubernetes rejects them), so `readiness`, `liveness` and `startup` are not accepted.
 */
export interface InitContainerOptions extends Omit<AppContainerOptions, 'readiness' | 'liveness' | 'startup' | 'shutdownDelay'> {
  /** Container name (DNS-1123 label, unique in the pod across containers and init containers). */
  readonly name: string;
}

/** The resolved, validated form of a container's options. */
export interface ResolvedContainer {
  /** The cdk8s-plus container props (without ephemeral storage). */
  readonly props: kplus.ContainerProps;
  /** Ephemeral storage in mebibytes (rendered by `addContainer`: cdk8s-plus-27 only renders whole gibibytes). */
  readonly ephemeralStorage: { readonly request: string; readonly limit: string };
  /** Memory, exactly (rendered by `addContainer`: cdk8s-plus-27 only renders whole mebibytes). */
  readonly memory: { readonly request: string; readonly limit: string };
  /** The validated named ports. */
  readonly ports: ContainerPortSpec[];
  /** The validated writable paths, one emptyDir each. */
  readonly writablePaths: string[];
  /** `tty` and `stdin` (rendered by `addContainer`: cdk8s-plus-27 has neither). */
  readonly terminal: { readonly tty: boolean; readonly stdin: boolean };
  /** How the container runs in the pod. */
  readonly role: ContainerRole;
  /** The `shutdownDelay` in seconds (0: none). */
  readonly shutdownDelaySeconds: number;
  /** Whether the delay is rendered as the lifecycle `sleep` action (target >= 1.30; else as `exec: [sleep, n]`). */
  readonly sleepAction: boolean;
}

/** How a container runs in its pod. */
export enum ContainerRole {
  /** An app container (`containers`). */
  APP = 'app',
  /** An init container: runs to completion, in order, before the app containers start. */
  INIT = 'init',
  /**
   * A native sidecar: an init container with `restartPolicy: Always` (Kubernetes >= 1.29). It starts before the
   * app containers (after the init containers added before it), runs as long as the pod, and may have probes.
   */
  NATIVE_SIDECAR = 'native-sidecar',
}

/** Validates options and produces cdk8s-plus container props (does not add the container). */
export function resolveContainer(
  scope: Construct,
  name: string,
  opts: AppContainerOptions,
  pod: ResolvedPodSecurity,
  prop = '',
  role = ContainerRole.APP,
): ResolvedContainer {
  const p = (s: string) => (prop ? `${prop}.${s}` : s);
  if (role === ContainerRole.NATIVE_SIDECAR) requireFeature(scope, p('native'), FEATURES.NATIVE_SIDECARS);
  checkDnsLabel(scope, p('name'), name);
  checkRecord(scope, prop || 'props', opts as unknown);
  if (opts.allowLatest !== undefined) checkBoolean(scope, p('allowLatest'), opts.allowLatest);
  checkImage(scope, p('image'), opts.image, opts.allowLatest ?? false);
  if (opts.ports !== undefined) checkArray(scope, p('ports'), opts.ports);
  const ports = opts.ports ?? [];
  ports.forEach((port, i) => {
    checkRecord(scope, p(`ports[${i}]`), port as unknown);
    checkPortName(scope, p(`ports[${i}].name`), port.name);
    checkPort(scope, p(`ports[${i}].port`), port.port);
    if (port.protocol !== undefined) checkEnum(scope, p(`ports[${i}].protocol`), port.protocol, kplus.Protocol);
  });
  checkUnique(scope, p('ports[].name'), ports.map((x) => x.name));
  checkUnique(scope, p('ports[].port'), ports.map((x) => `${x.port}/${x.protocol ?? 'TCP'}`));
  for (const key of ['command', 'args'] as const) {
    if (opts[key] !== undefined) checkStringArray(scope, p(key), opts[key]); // a string is refused, never split into characters
  }
  if (opts.workingDir !== undefined && (typeof opts.workingDir !== 'string' || !opts.workingDir.startsWith('/'))) {
    fail(scope, p('workingDir'), `must be an absolute path, got ${show(opts.workingDir)}`);
  }
  if (opts.imagePullPolicy !== undefined) checkEnum(scope, p('imagePullPolicy'), opts.imagePullPolicy, kplus.ImagePullPolicy);
  if (opts.envFrom !== undefined) {
    checkArray(scope, p('envFrom'), opts.envFrom);
    opts.envFrom.forEach((e, i) => checkInstance(scope, p(`envFrom[${i}]`), e, kplus.EnvFrom, 'a kplus.EnvFrom (e.g. from ConfigBundle.envFrom())'));
  }

  if (opts.resources !== undefined) checkRecord(scope, p('resources'), opts.resources as unknown);
  const r = { ...DEFAULT_RESOURCES, ...mergeResources(opts.resources) };
  const cpu = { request: checkCpu(scope, p('resources.cpuRequest'), r.cpuRequest), limit: checkCpu(scope, p('resources.cpuLimit'), r.cpuLimit, { min: 'positive' }) };
  if (cpu.limit.nanos < cpu.request.nanos) {
    fail(scope, p('resources.cpuLimit'), `must be >= cpuRequest (${r.cpuRequest.amount}), got ${r.cpuLimit.amount}`);
  }
  const memory = { request: checkSize(scope, p('resources.memoryRequest'), r.memoryRequest), limit: checkSize(scope, p('resources.memoryLimit'), r.memoryLimit, { min: 'positive' }) };
  if (memory.limit.nanos < memory.request.nanos) {
    fail(scope, p('resources.memoryLimit'), `must be >= memoryRequest (${mebibytesOrExact(memory.request)}), got ${mebibytesOrExact(memory.limit)}`);
  }
  const ephemeral = {
    request: checkSize(scope, p('resources.ephemeralStorageRequest'), r.ephemeralStorageRequest),
    limit: checkSize(scope, p('resources.ephemeralStorageLimit'), r.ephemeralStorageLimit, { min: 'positive' }),
  };
  if (ephemeral.limit.nanos < ephemeral.request.nanos) {
    fail(scope, p('resources.ephemeralStorageLimit'), `must be >= ephemeralStorageRequest (${mebibytesOrExact(ephemeral.request)}), got ${mebibytesOrExact(ephemeral.limit)}`);
  }
  const ephemeralStorage = { request: mebibytesOrExact(ephemeral.request), limit: mebibytesOrExact(ephemeral.limit) };
  const exactMemory = { request: mebibytesOrExact(memory.request), limit: mebibytesOrExact(memory.limit) };

  const writablePaths = opts.writablePaths ?? ['/tmp'];
  checkStringArray(scope, p('writablePaths'), writablePaths);
  writablePaths.forEach((w, i) => {
    if (!w.startsWith('/')) fail(scope, p(`writablePaths[${i}]`), `must be an absolute path, got ${JSON.stringify(w)}`);
  });
  checkUnique(scope, p('writablePaths'), writablePaths);
  const pathByVolume = new Map<string, string>();
  for (const w of writablePaths) {
    const vol = volumeNameForPath(w);
    const other = pathByVolume.get(vol);
    if (other !== undefined) {
      fail(scope, p('writablePaths'), `must not contain paths that share a volume name (${show(other)} and ${show(w)} both become ${show(vol)}), got ${show(w)}`);
    }
    pathByVolume.set(vol, w);
  }

  const envVariables: Record<string, kplus.EnvValue> = {};
  if (opts.env !== undefined) checkRecord(scope, p('env'), opts.env);
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    checkEnvName(scope, p('env'), k);
    // a number is refused, never dropped: env values are strings
    if (typeof v !== 'string' && !(v instanceof kplus.EnvValue)) fail(scope, p(`env[${show(k)}]`), `must be a string or a kplus.EnvValue, got ${show(v)}`);
    envVariables[k] = typeof v === 'string' ? kplus.EnvValue.fromValue(v) : v;
  }
  for (const key of ['readiness', 'liveness', 'startup'] as const) {
    const probe = opts[key as 'liveness'];
    if (probe === undefined || (key === 'readiness' && (probe as unknown) === false)) continue;
    checkInstance(scope, p(key), probe, kplus.Probe, `a kplus.Probe (Probe.fromHttpGet(), .fromTcpSocket(), .fromCommand())${key === 'readiness' ? ' or false' : ''}`);
    const port = probeTargetPort(probe);
    if (typeof port === 'number') checkPort(scope, p(`${key}.port`), port);
    else if (port !== undefined) checkPortName(scope, p(`${key}.port`), port);
  }

  const shutdownDelaySeconds = resolveSeconds(scope, { prop: p('shutdownDelay'), value: opts.shutdownDelay, default: Duration.seconds(0), min: 0 });
  if (shutdownDelaySeconds > 0 && role === ContainerRole.INIT) fail(scope, p('shutdownDelay'), `is not allowed on an init container (it has no preStop hook), got ${shutdownDelaySeconds}s`);
  const sleepAction = targetMinor(scope) >= FEATURES.SLEEP_ACTION.minMinor;

  const firstPort = ports[0]?.port;
  const readiness = opts.readiness === false
    ? undefined
    : probeWithDefaultPort(opts.readiness, firstPort) ?? (firstPort !== undefined ? kplus.Probe.fromTcpSocket({ port: firstPort }) : undefined);

  const props: kplus.ContainerProps = {
    name,
    image: opts.image,
    ports: ports.map((x) => ({ name: x.name, number: x.port, protocol: x.protocol ?? kplus.Protocol.TCP })),
    command: opts.command,
    args: opts.args,
    workingDir: opts.workingDir,
    envVariables,
    envFrom: opts.envFrom,
    imagePullPolicy: opts.imagePullPolicy ?? kplus.ImagePullPolicy.IF_NOT_PRESENT,
    // memory is rendered by addContainer, exactly (cdk8s-plus-27 converts it to whole mebibytes: 1536Ki throws)
    resources: { cpu: { request: r.cpuRequest, limit: r.cpuLimit } },
    readiness,
    liveness: probeWithDefaultPort(opts.liveness, firstPort),
    startup: probeWithDefaultPort(opts.startup, firstPort),
    securityContext: containerSecurityContextProps(scope, pod, opts.securityContext, p('securityContext')),
    lifecycle: shutdownDelaySeconds > 0 && !sleepAction
      ? { preStop: kplus.Handler.fromCommand(['sleep', String(shutdownDelaySeconds)]) }
      : undefined,
  };
  for (const key of ['tty', 'stdin'] as const) {
    const v = opts[key];
    if (v !== undefined && typeof v !== 'boolean') fail(scope, p(key), `must be a boolean, got ${show(v)}`);
  }
  return {
    props, ports, writablePaths, memory: exactMemory, ephemeralStorage, terminal: { tty: opts.tty ?? false, stdin: opts.stdin ?? false }, role,
    shutdownDelaySeconds, sleepAction,
  };
}

/** A size as cdk8s-plus renders whole mebibytes (`256Mi`, `1024Mi`), else exactly (`1536Ki`): the same bytes as before for every whole mebibyte. */
function mebibytesOrExact(q: Quantity): string {
  const mi = 1024n * 1024n * 1_000_000_000n;
  return q.nanos % mi === 0n ? `${q.nanos / mi}Mi` : q.text;
}

/**
 * Merges resource options field by field, later layers winning; a field left undefined never erases an earlier
 * one (so `{ cpuLimit: x }` over the defaults keeps every other default).
 */
export function mergeResources(...layers: (ResourceOptions | undefined)[]): ResourceOptions {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined) out[k] = v;
  }
  return out as ResourceOptions;
}

/** A readable volume name for a writable path: `/tmp` -> `tmp`, `/var/cache/nginx` -> `var-cache-nginx`. */
export function volumeNameForPath(path: string): string {
  const n = path.replace(/^\/+|\/+$/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return (n || 'root').slice(0, 63).replace(/-+$/, '');
}

/**
 * Adds a resolved container to a workload, as its resolved role says (`init: true` forces an init container), and
 * mounts one emptyDir per writable path (volume `<prefix><path-name>`, e.g. `tmp` for the main container,
 * `sidecar-tmp` for others).
 */
export function addContainer(scope: Construct, workload: kplus.AbstractPod, resolved: ResolvedContainer, volumePrefix = '', init = false): kplus.Container {
  const role = init ? ContainerRole.INIT : resolved.role;
  let container: kplus.Container;
  if (role === ContainerRole.NATIVE_SIDECAR) {
    // cdk8s-plus-27 refuses probes on init containers, and the 1.27 schema has no container restartPolicy
    const { readiness, liveness, startup, ...rest } = resolved.props;
    container = workload.addInitContainer(rest);
    patchRenderedContainer(workload, container, '/restartPolicy', 'Always');
    const probes = { readinessProbe: readiness, livenessProbe: liveness, startupProbe: startup };
    for (const [field, probe] of Object.entries(probes)) {
      if (probe) patchContainer(workload, container, `/${field}`, renderProbe(probe, container));
    }
  } else {
    container = role === ContainerRole.INIT ? workload.addInitContainer(resolved.props) : workload.addContainer(resolved.props);
  }
  // memory and ephemeral-storage through typed L1 quantities, exactly: cdk8s-plus-27 renders memory in whole
  // mebibytes (1536Ki throws) and ephemeral storage in whole gibibytes (64Mi throws)
  patchContainer(workload, container, '/resources/limits/memory', k8s.Quantity.fromString(resolved.memory.limit));
  patchContainer(workload, container, '/resources/requests/memory', k8s.Quantity.fromString(resolved.memory.request));
  patchContainer(workload, container, '/resources/requests/ephemeral-storage', k8s.Quantity.fromString(resolved.ephemeralStorage.request));
  patchContainer(workload, container, '/resources/limits/ephemeral-storage', k8s.Quantity.fromString(resolved.ephemeralStorage.limit));
  // cdk8s-plus-27 has no tty/stdin
  if (resolved.terminal.tty) patchContainer(workload, container, '/tty', true);
  if (resolved.terminal.stdin) patchContainer(workload, container, '/stdin', true);
  // the 1.27 L1 classes drop the sleep action's field: patch the rendered manifest
  if (resolved.shutdownDelaySeconds > 0 && resolved.sleepAction) {
    patchRenderedContainer(workload, container, '/lifecycle', { preStop: { sleep: { seconds: resolved.shutdownDelaySeconds } } });
  }
  for (const path of resolved.writablePaths) {
    const volName = `${volumePrefix}${volumeNameForPath(path)}`;
    const vol = kplus.Volume.fromEmptyDir(scope, `Writable-${volName}`, volName, { sizeLimit: Size.mebibytes(64) });
    container.mount(path, vol);
  }
  return container;
}
