import { Chart, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import {
  AppContainerOptions, ContainerRole, DEFAULT_RESOURCES, addContainer, mergeResources, resolveContainer, volumeNameForPath,
} from '../../lib/workload/container';
import { KUBERNETES_VERSION_CONTEXT } from '../../lib/core/target-version';
import { AddableCapability, applyPodSecurity, podSecurityContextProps, resolvePodSecurity } from '../../lib/security/pod-security';
import { Manifest, find, podSpecOf, restrictedViolations, synthAll, testChart } from '../util';
import { WebApp, WebAppProps } from '../../lib/workload/web-app';

const IMAGE = 'ghcr.io/acme/api:1.4.2';
const WEB: AppContainerOptions = { image: IMAGE, ports: [{ name: 'http', port: 8080 }] };

interface Built {
  readonly scope: Construct;
  readonly deployment: kplus.Deployment;
  readonly container: kplus.Container;
  readonly manifests: Manifest[];
  readonly spec: Manifest;
}

/** A bare kplus Deployment `web` in chart `test` (scope path `test/web`), with the container added by `addContainer`. */
function build(opts: AppContainerOptions = WEB, name = 'app'): Built {
  const chart = testChart();
  const scope = new Construct(chart, 'web');
  const pod = resolvePodSecurity(scope);
  const deployment = new kplus.Deployment(scope, 'Deployment', {
    metadata: { name: 'web' },
    select: false,
    podMetadata: { labels: { app: 'web' } },
    securityContext: podSecurityContextProps(pod),
    automountServiceAccountToken: false,
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
  applyPodSecurity(deployment, pod);
  const container = addContainer(scope, deployment, resolveContainer(scope, name, opts, pod));
  const manifests = Testing.synth(chart);
  return { scope, deployment, container, manifests, spec: podSpecOf(find(manifests, 'Deployment', 'web')) };
}

function containerOf(spec: Manifest, name: string, init = false): Manifest {
  const hit = ((init ? spec.initContainers : spec.containers) ?? []).filter((c: Manifest) => c.name === name);
  if (hit.length !== 1) throw new Error(`expected one container ${name}, found ${hit.length}`);
  return hit[0];
}

function volumeOf(spec: Manifest, name: string): Manifest {
  const hit = (spec.volumes ?? []).filter((v: Manifest) => v.name === name);
  if (hit.length !== 1) throw new Error(`expected one volume ${name}, found ${hit.length} among ${(spec.volumes ?? []).map((v: Manifest) => v.name).join(', ')}`);
  return hit[0];
}

/** Resolves options on a fresh scope at path `test/web` (validation only: nothing is added). */
function resolve(opts: Partial<AppContainerOptions>, name = 'app', prop = '') {
  const scope = new Construct(testChart(), 'web');
  return resolveContainer(scope, name, { image: IMAGE, ...opts }, resolvePodSecurity(scope), prop);
}

describe('container defaults', () => {
  test('resources: cpu 100m/500m, memory 128Mi/256Mi, ephemeral storage 64Mi/512Mi, as exact strings', () => {
    const c = containerOf(build().spec, 'app');
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '512Mi' },
    });
  });

  test('DEFAULT_RESOURCES documents the same values', () => {
    expect(DEFAULT_RESOURCES.cpuRequest.amount).toBe('100m');
    expect(DEFAULT_RESOURCES.cpuLimit.amount).toBe('500m');
    expect(DEFAULT_RESOURCES.memoryRequest.toMebibytes()).toBe(128);
    expect(DEFAULT_RESOURCES.memoryLimit.toMebibytes()).toBe(256);
    expect(DEFAULT_RESOURCES.ephemeralStorageRequest.toMebibytes()).toBe(64);
    expect(DEFAULT_RESOURCES.ephemeralStorageLimit.toMebibytes()).toBe(512);
  });

  test('image as given, pull policy IfNotPresent, named ports with protocol TCP', () => {
    const c = containerOf(build({ image: IMAGE, ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }).spec, 'app');
    expect(c.image).toBe(IMAGE);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
  });

  test('readiness is TCP on the first port; no liveness or startup probe', () => {
    const c = containerOf(build({ image: IMAGE, ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }).spec, 'app');
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(c.readinessProbe.httpGet).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
    expect(c.startupProbe).toBeUndefined();
  });

  test('no ports: no readiness probe and no ports list', () => {
    const c = containerOf(build({ image: IMAGE }).spec, 'app');
    expect(c.readinessProbe).toBeUndefined();
    expect(c.ports ?? []).toEqual([]);
  });

  test('readiness: false leaves the probe out even with ports', () => {
    const c = containerOf(build({ ...WEB, readiness: false }).spec, 'app');
    expect(c.readinessProbe).toBeUndefined();
    expect(c.ports).toHaveLength(1);
  });

  test('one writable emptyDir at /tmp, volume "tmp", 64Mi', () => {
    const { spec } = build();
    expect(volumeOf(spec, 'tmp')).toEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(spec.volumes).toHaveLength(1);
    expect(containerOf(spec, 'app').volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('restricted security context on the container; the whole pod passes Pod Security "restricted"', () => {
    const { spec } = build();
    expect(containerOf(spec, 'app').securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'] },
    });
    expect(restrictedViolations(spec)).toEqual([]);
  });

  test('no env, command, args or workingDir unless given', () => {
    const c = containerOf(build().spec, 'app');
    expect(c.env).toBeUndefined();
    expect(c.envFrom).toBeUndefined();
    expect(c.command).toBeUndefined();
    expect(c.args).toBeUndefined();
    expect(c.workingDir).toBeUndefined();
  });

  test('the returned container is the escape hatch: the one on the workload', () => {
    const { deployment, container } = build();
    expect(deployment.containers).toContain(container);
    expect(container.name).toBe('app');
  });

  test('resolveContainer exposes the resolved ports, writable paths and ephemeral storage', () => {
    const r = resolve({ ports: [{ name: 'http', port: 8080 }] });
    expect(r.ports).toEqual([{ name: 'http', port: 8080 }]);
    expect(r.writablePaths).toEqual(['/tmp']);
    expect(r.ephemeralStorage).toEqual({ request: '64Mi', limit: '512Mi' });
    expect(r.props.imagePullPolicy).toBe(kplus.ImagePullPolicy.IF_NOT_PRESENT);
  });
});

describe('container overrides', () => {
  test('resources are merged field by field over the defaults', () => {
    const c = containerOf(build({ ...WEB, resources: { cpuLimit: kplus.Cpu.millis(1000), memoryRequest: Size.mebibytes(200), ephemeralStorageLimit: Size.gibibytes(1) } }).spec, 'app');
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '200Mi', 'ephemeral-storage': '64Mi' },
      limits: { cpu: '1000m', memory: '256Mi', 'ephemeral-storage': '1024Mi' },
    });
  });

  test('a resource field given as undefined keeps its default', () => {
    const c = containerOf(build({ ...WEB, resources: { cpuRequest: undefined, ephemeralStorageRequest: undefined } }).spec, 'app');
    expect(c.resources.requests).toEqual({ cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' });
  });

  test('ephemeral storage below a gibibyte renders in mebibytes (cdk8s-plus only renders whole gibibytes)', () => {
    const c = containerOf(build({ ...WEB, resources: { ephemeralStorageRequest: Size.mebibytes(100), ephemeralStorageLimit: Size.mebibytes(300) } }).spec, 'app');
    expect(c.resources.requests['ephemeral-storage']).toBe('100Mi');
    expect(c.resources.limits['ephemeral-storage']).toBe('300Mi');
  });

  test('image pull policy, command, args, workingDir and env are passed through', () => {
    const c = containerOf(build({
      ...WEB,
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      command: ['/app/server'],
      args: ['--port', '$(PORT)'],
      workingDir: '/app',
      env: { PORT: '8080', 'log.level': kplus.EnvValue.fromValue('debug') },
    }).spec, 'app');
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.command).toEqual(['/app/server']);
    expect(c.args).toEqual(['--port', '$(PORT)']);
    expect(c.workingDir).toBe('/app');
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'PORT', value: '8080' }, { name: 'log.level', value: 'debug' }]));
    expect(c.env).toHaveLength(2);
  });

  test('an explicit protocol is kept; the same number on TCP and UDP is allowed', () => {
    const c = containerOf(build({ image: IMAGE, ports: [{ name: 'dns-tcp', port: 5353 }, { name: 'dns-udp', port: 5353, protocol: kplus.Protocol.UDP }] }).spec, 'app');
    expect(c.ports).toEqual([
      { name: 'dns-tcp', containerPort: 5353, protocol: 'TCP' },
      { name: 'dns-udp', containerPort: 5353, protocol: 'UDP' },
    ]);
  });

  test('security context overrides change only the field given', () => {
    const c = containerOf(build({ ...WEB, securityContext: { readOnlyRootFilesystem: false, addCapabilities: [AddableCapability.NET_BIND_SERVICE] } }).spec, 'app');
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
    });
  });

  test('writable paths: one emptyDir each, named from the path', () => {
    const { spec } = build({ ...WEB, writablePaths: ['/var/cache/nginx', '/run', '/tmp'] });
    for (const name of ['var-cache-nginx', 'run', 'tmp']) {
      expect(volumeOf(spec, name)).toEqual({ name, emptyDir: { sizeLimit: '64Mi' } });
    }
    expect(containerOf(spec, 'app').volumeMounts).toEqual([
      { name: 'var-cache-nginx', mountPath: '/var/cache/nginx' },
      { name: 'run', mountPath: '/run' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
  });

  test('writablePaths: [] mounts nothing', () => {
    const { spec } = build({ ...WEB, writablePaths: [] });
    expect(spec.volumes ?? []).toEqual([]);
    expect(containerOf(spec, 'app').volumeMounts ?? []).toEqual([]);
  });

  test('a volume prefix names the emptyDirs of a second container apart from the first', () => {
    const { spec } = (() => {
      const chart = testChart();
      const scope = new Construct(chart, 'web');
      const pod = resolvePodSecurity(scope);
      const d = new kplus.Deployment(scope, 'Deployment', { metadata: { name: 'web' }, select: false, podMetadata: { labels: { app: 'web' } } });
      d.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
      addContainer(scope, d, resolveContainer(scope, 'app', WEB, pod));
      addContainer(scope, d, resolveContainer(scope, 'proxy', { image: 'envoyproxy/envoy:v1.31.2', resources: { ephemeralStorageLimit: Size.mebibytes(128) } }, pod), 'proxy-');
      addContainer(scope, d, resolveContainer(scope, 'init', { image: 'busybox:1.36.1', resources: { ephemeralStorageRequest: Size.mebibytes(16) } }, pod), 'init-', true);
      return { spec: podSpecOf(find(Testing.synth(chart), 'Deployment', 'web')) };
    })();
    expect(containerOf(spec, 'app').volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(containerOf(spec, 'proxy').volumeMounts).toEqual([{ name: 'proxy-tmp', mountPath: '/tmp' }]);
    expect(containerOf(spec, 'init', true).volumeMounts).toEqual([{ name: 'init-tmp', mountPath: '/tmp' }]);
    expect(spec.volumes.map((v: Manifest) => v.name).sort()).toEqual(['init-tmp', 'proxy-tmp', 'tmp']);
    // ephemeral storage lands on each container's own resources (patched by index)
    expect(containerOf(spec, 'app').resources.limits['ephemeral-storage']).toBe('512Mi');
    expect(containerOf(spec, 'proxy').resources.limits['ephemeral-storage']).toBe('128Mi');
    expect(containerOf(spec, 'init', true).resources.requests['ephemeral-storage']).toBe('16Mi');
    expect(containerOf(spec, 'init', true).resources.limits['ephemeral-storage']).toBe('512Mi');
  });
});

describe('probes target the first port (compat probeWithDefaultPort)', () => {
  test('HTTP liveness and readiness without a port target the first port, not 80', () => {
    const c = containerOf(build({
      image: IMAGE,
      ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9000 }],
      readiness: kplus.Probe.fromHttpGet('/ready'),
      liveness: kplus.Probe.fromHttpGet('/healthz', { failureThreshold: 5 }),
    }).spec, 'app');
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/ready', port: 8080 });
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
    expect(c.livenessProbe.failureThreshold).toBe(5);
  });

  test('TCP startup without a port targets the first port; its options are kept', () => {
    const c = containerOf(build({ ...WEB, startup: kplus.Probe.fromTcpSocket({ failureThreshold: 30 }) }).spec, 'app');
    expect(c.startupProbe.tcpSocket).toEqual({ port: 8080 });
    expect(c.startupProbe.failureThreshold).toBe(30);
  });

  test('a probe with an explicit port keeps it', () => {
    const c = containerOf(build({ ...WEB, liveness: kplus.Probe.fromHttpGet('/healthz', { port: 9000 }), readiness: kplus.Probe.fromTcpSocket({ port: 9001 }) }).spec, 'app');
    expect(c.livenessProbe.httpGet.port).toBe(9000);
    expect(c.readinessProbe.tcpSocket.port).toBe(9001);
  });

  test('a command probe is unchanged', () => {
    const c = containerOf(build({ ...WEB, liveness: kplus.Probe.fromCommand(['pg_isready']) }).spec, 'app');
    expect(c.livenessProbe.exec).toEqual({ command: ['pg_isready'] });
    expect(c.livenessProbe.httpGet).toBeUndefined();
  });
});

describe('volumeNameForPath', () => {
  test.each([
    ['/tmp', 'tmp'],
    ['/var/cache/nginx', 'var-cache-nginx'],
    ['/var/run/', 'var-run'],
    ['//data//db', 'data-db'],
    ['/Data_Dir/.cache', 'data-dir-cache'],
    ['/', 'root'],
    ['/_/', 'root'],
  ])('%p -> %p', (path, name) => {
    expect(volumeNameForPath(path)).toBe(name);
  });

  test('a long path is cut to 63 characters without a trailing "-"', () => {
    const name = volumeNameForPath(`/${'a'.repeat(62)}/b`);
    expect(name).toBe('a'.repeat(62));
    expect(volumeNameForPath(`/${'x'.repeat(100)}`)).toHaveLength(63);
  });
});

describe('container validation', () => {
  test.each(['App', 'my_app', '-app', 'a'.repeat(64), ''])('container name %p', (name) => {
    expect(() => resolve({}, name)).toThrow(new RegExp(`^test/web: 'name' must be a DNS-1123 label .*, got ${JSON.stringify(name)}$`));
  });

  test('a prop prefix names the nested prop', () => {
    expect(() => resolve({}, 'Bad', 'sidecars[0]')).toThrow(/^test\/web: 'sidecars\[0\]\.name' must be a DNS-1123 label .*, got "Bad"$/);
    expect(() => resolve({ ports: [{ name: 'http', port: 0 }] }, 'proxy', 'sidecars[1]')).toThrow(/^test\/web: 'sidecars\[1\]\.ports\[0\]\.port' /);
  });

  test('image without tag, :latest, and the allowLatest opt-out', () => {
    expect(() => resolve({ image: 'nginx' })).toThrow(/^test\/web: 'image' must carry an explicit tag or digest .*got "nginx"; set 'allowLatest' to accept it$/);
    expect(() => resolve({ image: 'localhost:5000/app:latest' })).toThrow(/^test\/web: 'image' must not use the "latest" tag, got "localhost:5000\/app:latest"; pin a version or set 'allowLatest'$/);
    expect(() => resolve({ image: 'nginx:latest', allowLatest: true })).not.toThrow();
  });

  test.each<[string, number, string]>([
    ['HTTP', 8080, "'ports[0].name' must be a port name"],
    ['a-very-long-port-name', 8080, "'ports[0].name' must be a port name"],
    ['http', 0, "'ports[0].port' must be a port number between 1 and 65535, got 0"],
    ['http', 70000, "'ports[0].port' must be a port number between 1 and 65535, got 70000"],
    ['http', 80.5, "'ports[0].port' must be a port number between 1 and 65535, got 80.5"],
  ])('port %p %p', (name, port, message) => {
    expect(() => resolve({ ports: [{ name, port }] })).toThrow(`test/web: ${message}`);
  });

  test('the second port is named by its index', () => {
    expect(() => resolve({ ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: -1 }] })).toThrow(new Error("test/web: 'ports[1].port' must be a port number between 1 and 65535, got -1"));
  });

  test('duplicate port names', () => {
    expect(() => resolve({ ports: [{ name: 'http', port: 8080 }, { name: 'http', port: 8081 }] })).toThrow(new Error("test/web: 'ports[].name' must not contain duplicates, got \"http\" twice"));
  });

  test('duplicate port numbers on the same protocol (TCP by default)', () => {
    expect(() => resolve({ ports: [{ name: 'http', port: 8080 }, { name: 'alt', port: 8080, protocol: kplus.Protocol.TCP }] })).toThrow(
      new Error("test/web: 'ports[].port' must not contain duplicates, got \"8080/TCP\" twice"),
    );
  });

  test('cpu limit below the request (also across units)', () => {
    expect(() => resolve({ resources: { cpuRequest: kplus.Cpu.millis(600) } })).toThrow(new Error("test/web: 'resources.cpuLimit' must be >= cpuRequest (600m), got 500m"));
    expect(() => resolve({ resources: { cpuRequest: kplus.Cpu.units(2), cpuLimit: kplus.Cpu.millis(1500) } })).toThrow(new Error("test/web: 'resources.cpuLimit' must be >= cpuRequest (2), got 1500m"));
    expect(() => resolve({ resources: { cpuRequest: kplus.Cpu.units(1), cpuLimit: kplus.Cpu.millis(1000) } })).not.toThrow();
  });

  test('memory limit below the request', () => {
    expect(() => resolve({ resources: { memoryLimit: Size.mebibytes(64) } })).toThrow(new Error("test/web: 'resources.memoryLimit' must be >= memoryRequest (128Mi), got 64Mi"));
    expect(() => resolve({ resources: { memoryRequest: Size.gibibytes(1), memoryLimit: Size.mebibytes(1024) } })).not.toThrow();
  });

  test('ephemeral storage limit below the request', () => {
    expect(() => resolve({ resources: { ephemeralStorageRequest: Size.gibibytes(1) } })).toThrow(
      new Error("test/web: 'resources.ephemeralStorageLimit' must be >= ephemeralStorageRequest (1024Mi), got 512Mi"),
    );
  });

  test('a relative writable path', () => {
    expect(() => resolve({ writablePaths: ['/tmp', 'cache'] })).toThrow(new Error("test/web: 'writablePaths[1]' must be an absolute path, got \"cache\""));
  });

  test('a duplicate writable path', () => {
    expect(() => resolve({ writablePaths: ['/tmp', '/run', '/tmp'] })).toThrow(new Error("test/web: 'writablePaths' must not contain duplicates, got \"/tmp\" twice"));
  });

  test('writable paths that would share a volume name are rejected at construction, not by a construct-id clash', () => {
    expect(() => resolve({ writablePaths: ['/tmp', '/tmp/'] })).toThrow(
      new Error('test/web: \'writablePaths\' must not contain paths that share a volume name ("/tmp" and "/tmp/" both become "tmp"), got "/tmp/"'),
    );
    expect(() => resolve({ writablePaths: ['/var/cache', '/var-cache'] })).toThrow(/^test\/web: 'writablePaths' .*got "\/var-cache"/);
  });

  test.each(['1PORT', 'MY VAR', 'A=B', ''])('env name %p', (name) => {
    expect(() => resolve({ env: { [name]: 'x' } })).toThrow(new Error(`test/web: 'env' must only contain valid environment variable names (letters, digits, '_', '-' and '.', not starting with a digit), got ${JSON.stringify(name)}`));
  });

  test.each(['PORT', '_X', 'log.level', 'my-var', 'A1'])('env name %p is valid', (name) => {
    expect(() => resolve({ env: { [name]: 'x' } })).not.toThrow();
  });

  test('security context validation runs with the container prop prefix', () => {
    expect(() => resolve({ securityContext: { privileged: true } }, 'app', 'sidecars[0]')).toThrow(/^test\/web: 'sidecars\[0\]\.securityContext\.privileged' must not be true .*got true$/);
  });
});

describe('mergeResources', () => {
  test('merges field by field, later layers winning, undefined never erasing an earlier value', () => {
    const cpu = kplus.Cpu.millis(250);
    const merged = mergeResources(DEFAULT_RESOURCES, { cpuLimit: cpu, memoryLimit: undefined }, undefined);
    expect(merged.cpuLimit).toBe(cpu);
    expect(merged.memoryLimit).toBe(DEFAULT_RESOURCES.memoryLimit);
    expect(merged.cpuRequest).toBe(DEFAULT_RESOURCES.cpuRequest);
    expect(mergeResources()).toEqual({});
  });
});

describe('tty and stdin (cdk8s-plus-27 has neither: rendered by compat patchContainer)', () => {
  test('tty and stdin render on the container; left out they are absent', () => {
    const c = containerOf(build({ image: IMAGE, tty: true, stdin: true }).spec, 'app');
    expect(c).toMatchObject({ tty: true, stdin: true });
    const plain = containerOf(build().spec, 'app');
    expect(plain.tty).toBeUndefined();
    expect(plain.stdin).toBeUndefined();
  });

  test('a JavaScript caller passing something else than a boolean is told', () => {
    expect(() => resolve({ tty: 'yes' as unknown as boolean })).toThrow(/^test\/web: 'tty' must be a boolean, got "yes"$/);
    expect(() => resolve({ stdin: 1 as unknown as boolean }, 'app', 'sidecars[0]')).toThrow(/^test\/web: 'sidecars\[0\]\.stdin' must be a boolean, got 1$/);
  });
});

describe('native sidecars (init containers with restartPolicy: Always)', () => {
  function nativeBuild(version: string | undefined, opts: AppContainerOptions) {
    const app = Testing.app();
    if (version !== undefined) app.node.setContext(KUBERNETES_VERSION_CONTEXT, version);
    const chart = new Chart(app, 'test', { namespace: 'demo' });
    const scope = new Construct(chart, 'web');
    const pod = resolvePodSecurity(scope);
    const deployment = new kplus.Deployment(scope, 'Deployment', {
      metadata: { name: 'web' }, select: false, podMetadata: { labels: { app: 'web' } }, securityContext: podSecurityContextProps(pod),
    });
    deployment.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    applyPodSecurity(deployment, pod);
    addContainer(scope, deployment, resolveContainer(scope, 'app', WEB, pod));
    addContainer(scope, deployment, resolveContainer(scope, 'proxy', opts, pod, 'sidecars[0]', ContainerRole.NATIVE_SIDECAR), 'proxy-');
    return podSpecOf(find(Testing.synth(chart), 'Deployment', 'web'));
  }

  test('with a target of 1.29 or newer: an init container with restartPolicy Always, probes rendered, restricted', () => {
    const spec = nativeBuild('1.29', {
      image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'admin', port: 9901 }],
      startup: kplus.Probe.fromHttpGet('/ready'), liveness: kplus.Probe.fromTcpSocket(),
    });
    const proxy = containerOf(spec, 'proxy', true);
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.readinessProbe).toEqual({ tcpSocket: { port: 9901 }, failureThreshold: 3 });
    expect(proxy.startupProbe).toMatchObject({ httpGet: { path: '/ready', port: 9901 } });
    expect(proxy.livenessProbe).toMatchObject({ tcpSocket: { port: 9901 } });
    expect(proxy.resources.requests['ephemeral-storage']).toBe('64Mi');
    expect(spec.containers.map((c: Manifest) => c.name)).toEqual(['app']);
    expect(restrictedViolations(spec)).toEqual([]);
  });

  test('with the default target (1.27) it fails, naming the prop and how to raise the target', () => {
    expect(() => nativeBuild(undefined, { image: IMAGE })).toThrow(
      "test/web: 'sidecars[0].native' needs Kubernetes 1.29 or newer for a native sidecar (an init container with restartPolicy: Always), but the app targets 1.27;");
    expect(() => nativeBuild('1.28', { image: IMAGE })).toThrow(/but the app targets 1\.28;/);
  });
});

describe('container input checks (JavaScript callers, Kubernetes rules)', () => {
  const build = (props: Record<string, unknown>) => () => new WebApp(testChart(), 'api', { image: 'nginx:1.27.3', ...props } as WebAppProps);
  test.each([
    ['a string command (never split into characters)', { command: 'sh -c "sleep 1"' }, 'test/api: \'command\' must be an array of strings, got "sh -c \\"sleep 1\\""'],
    ['a numeric env value (never dropped)', { env: { PORT: 8080 } }, 'test/api: \'env["PORT"]\' must be a string or a kplus.EnvValue, got 8080'],
    ['ports: null (never defaulted)', { ports: null }, "test/api: 'ports' must be an array, got null"],
    ['an image that is not a string', { image: 42 }, 'test/api: \'image\' must be an image reference such as "nginx:1.27.3", got 42'],
    ['a memory request of "ten gigs"', { resources: { memoryRequest: 'ten gigs' } }, 'test/api: \'resources.memoryRequest\' must be a cdk8s Size (e.g. Size.mebibytes(512)), got "ten gigs"'],
    ['a negative cpu', { resources: { cpuRequest: kplus.Cpu.millis(-100) } }, 'test/api: \'resources.cpuRequest\' must not be negative, got "-100m"'],
    ['a NaN cpu limit', { resources: { cpuLimit: kplus.Cpu.units(NaN) } }, 'test/api: \'resources.cpuLimit\' must be a Kubernetes quantity such as "500m" or "2", got "NaN"'],
    ['a probe on port 0', { readiness: kplus.Probe.fromTcpSocket({ port: 0 }) }, "test/api: 'readiness.port' must be a port number between 1 and 65535, got 0"],
    ['a probe on port 70000', { liveness: kplus.Probe.fromHttpGet('/healthz', { port: 70000 }) }, "test/api: 'liveness.port' must be a port number between 1 and 65535, got 70000"],
    ['a probe that is not one', { liveness: '/healthz' }, 'test/api: \'liveness\' must be a kplus.Probe (Probe.fromHttpGet(), .fromTcpSocket(), .fromCommand()), got "/healthz"'],
    ['an unknown pull policy', { imagePullPolicy: 'Sometimes' }, 'test/api: \'imagePullPolicy\' must be one of Always, IfNotPresent, Never, got "Sometimes"'],
    ['a relative working directory', { workingDir: 'app' }, 'test/api: \'workingDir\' must be an absolute path, got "app"'],
    ['replicas above int32', { replicas: 2 ** 31 }, "test/api: 'replicas' must be at most 2147483647 (an int32), got 2147483648"],
  ])('refuses %s', (_n, props, message) => {
    expect(build(props)).toThrow(new Error(message));
  });

  test('any valid memory quantity is rendered exactly (1536Ki), whole mebibytes as before (1024Mi)', () => {
    const chart = testChart();
    new WebApp(chart, 'api', { image: 'nginx:1.27.3', resources: { memoryRequest: Size.kibibytes(1536), memoryLimit: Size.gibibytes(1) } });
    const c = podSpecOf(find(synthAll(chart), 'Deployment', 'api')).containers[0];
    expect(c.resources.requests.memory).toBe('1536Ki');
    expect(c.resources.limits.memory).toBe('1024Mi');
  });
});
