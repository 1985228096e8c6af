import { randomBytes } from 'crypto';
import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { addContainer, resolveContainer } from '../../lib/workload/container';
import { AppPod, AppPodProps, addInitContainer, addSidecar, podSecurityOf, shareEmptyDir } from '../../lib/workload/pods';
import { applyPodSecurity, podSecurityContextProps, resolvePodSecurity } from '../../lib/security/pod-security';
import { Manifest, allOf, find, podSpecOf, restrictedViolations, testChart } from '../util';
import { PersistentVolumeClaim } from '../../lib/storage/storage';
import { BundleSecret, ConfigBundle } from '../../lib/config/config-bundle';
import { SecretSource } from '../../lib/config/secret-source';
import { ServiceType } from '../../lib/network/service';
import { TargetPortStyle } from '../../lib/workload/types';
import { KUBERNETES_VERSION_CONTEXT } from '../../lib/core/target-version';

type Container = Manifest;

function synthPod(props: Partial<AppPodProps> = {}, name = 'writer'): { pod: AppPod; manifests: Manifest[]; spec: Manifest } {
  const chart = testChart();
  const pod = new AppPod(chart, name, { image: 'busybox:1.36.1', ...props });
  const manifests = Testing.synth(chart);
  return { pod, manifests, spec: podSpecOf(find(manifests, 'Pod', pod.name)) };
}

function container(spec: Manifest, name: string): Container {
  const hit = [...(spec.initContainers ?? []), ...spec.containers].filter((c: Container) => c.name === name);
  if (hit.length !== 1) throw new Error(`expected one container ${name}, found ${hit.length}`);
  return hit[0];
}

function volume(spec: Manifest, name: string): Manifest {
  const hit = (spec.volumes ?? []).filter((v: Manifest) => v.name === name);
  if (hit.length !== 1) throw new Error(`expected one volume ${name}, found ${hit.length}`);
  return hit[0];
}

const LOG_PAIR: Partial<AppPodProps> = {
  command: ['sh', '-c', 'while true; do date >> /out/log; sleep 5; done'],
  sidecars: [{ name: 'reader', image: 'busybox:1.36.1', command: ['sh', '-c', 'tail -F /in/log'] }],
  sharedVolumes: [{ name: 'shared', mounts: [{ container: 'app', path: '/out' }, { container: 'reader', path: '/in', readOnly: true }] }],
};

describe('AppPod', () => {
  test('defaults snapshot', () => {
    expect(synthPod().manifests).toMatchSnapshot();
  });

  test('a pod with init container, sidecar and shared volume passes Pod Security restricted', () => {
    const { spec } = synthPod({
      ...LOG_PAIR,
      initContainers: [{ name: 'render', image: 'busybox:1.36.1', command: ['sh', '-c', 'echo ok'] }],
    });
    expect(spec.containers.map((c: Container) => c.name)).toEqual(['app', 'reader']);
    expect(spec.initContainers.map((c: Container) => c.name)).toEqual(['render']);
    expect(restrictedViolations(spec)).toEqual([]);
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    }
  });

  test('has a stable name and its own ServiceAccount that does not mount a token', () => {
    const { manifests, spec } = synthPod({}, 'writer');
    const pod = find(manifests, 'Pod', 'writer');
    expect(pod.metadata.namespace).toBe('demo');
    const sa = find(manifests, 'ServiceAccount', 'writer');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('writer');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
  });

  test('the name prop overrides the construct id', () => {
    const { manifests } = synthPod({ name: 'log-writer' }, 'Writer');
    expect(find(manifests, 'Pod', 'log-writer').metadata.labels['app.kubernetes.io/name']).toBe('log-writer');
    expect(find(manifests, 'ServiceAccount', 'log-writer')).toBeDefined();
  });

  test('carries the recommended labels, custom labels and no construct-path label', () => {
    const { manifests } = synthPod({ labels: { tier: 'backend', 'example.com/team': 'data' }, component: 'worker', partOf: 'shop', instance: 'writer-dev' });
    expect(find(manifests, 'Pod', 'writer').metadata.labels).toEqual({
      tier: 'backend',
      'example.com/team': 'data',
      'app.kubernetes.io/name': 'writer',
      'app.kubernetes.io/instance': 'writer-dev',
      'app.kubernetes.io/version': '1.36.1',
      'app.kubernetes.io/component': 'worker',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/managed-by': 'kubecraft',
    });
  });

  test('version follows the image tag unless given', () => {
    expect(synthPod({ image: 'nginx:1.27.3' }).pod.labels['app.kubernetes.io/version']).toBe('1.27.3');
    expect(synthPod({ image: 'nginx:1.27.3', version: 'v2' }).pod.labels['app.kubernetes.io/version']).toBe('v2');
  });

  test('emits named containerPorts with protocol, and a TCP readiness probe on the first', () => {
    const { spec } = synthPod({ ports: [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: kplus.Protocol.UDP }] });
    const app = container(spec, 'app');
    expect(app.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'dns', containerPort: 5353, protocol: 'UDP' },
    ]);
    expect(app.readinessProbe.tcpSocket).toEqual({ port: 8080 });
  });

  test('imagePullPolicy defaults to IfNotPresent and can be set', () => {
    expect(container(synthPod().spec, 'app').imagePullPolicy).toBe('IfNotPresent');
    expect(container(synthPod({ imagePullPolicy: kplus.ImagePullPolicy.ALWAYS }).spec, 'app').imagePullPolicy).toBe('Always');
    expect(container(synthPod({ imagePullPolicy: kplus.ImagePullPolicy.NEVER }).spec, 'app').imagePullPolicy).toBe('Never');
  });

  test('command and args keep $(VAR) references for Kubernetes to expand from literal env', () => {
    const { spec } = synthPod({
      command: ['/bin/echo'],
      args: ['$(GREETING) $(NAME)', '$$(NOT_EXPANDED)'],
      env: { GREETING: 'Hello', NAME: 'Kubernetes' },
    });
    const app = container(spec, 'app');
    expect(app.command).toEqual(['/bin/echo']);
    expect(app.args).toEqual(['$(GREETING) $(NAME)', '$$(NOT_EXPANDED)']);
    expect(app.env).toEqual([
      { name: 'GREETING', value: 'Hello' },
      { name: 'NAME', value: 'Kubernetes' },
    ]);
  });

  test('restartPolicy defaults to Always and can be OnFailure or Never', () => {
    expect(synthPod().spec.restartPolicy).toBe('Always');
    expect(synthPod({ restartPolicy: kplus.RestartPolicy.ON_FAILURE }).spec.restartPolicy).toBe('OnFailure');
    const never = synthPod({ restartPolicy: kplus.RestartPolicy.NEVER });
    expect(never.spec.restartPolicy).toBe('Never');
    expect(never.pod.restartPolicy).toBe(kplus.RestartPolicy.NEVER);
  });

  test('terminationGracePeriodSeconds defaults to 30 and can be set', () => {
    expect(synthPod().spec.terminationGracePeriodSeconds).toBe(30);
    expect(synthPod({ terminationGracePeriodSeconds: 5 }).spec.terminationGracePeriodSeconds).toBe(5);
    expect(synthPod({ terminationGracePeriodSeconds: 0 }).spec.terminationGracePeriodSeconds).toBe(0);
  });

  test('resources are emitted as given (cpu 0.1 or 500m), no other values injected', () => {
    const { spec } = synthPod({ resources: { cpuRequest: kplus.Cpu.units(0.1), cpuLimit: kplus.Cpu.millis(500), memoryRequest: Size.mebibytes(64), memoryLimit: Size.mebibytes(64) } });
    expect(container(spec, 'app').resources).toEqual({ requests: { cpu: '0.1', memory: '64Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '64Mi', 'ephemeral-storage': '512Mi' } });
  });

  test('pod security can use the image user', () => {
    const { spec } = synthPod({ ...LOG_PAIR, podSecurity: { runAsUser: 101, runAsGroup: 101 } });
    expect(spec.securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 101, fsGroup: 101 });
    expect(container(spec, 'reader').securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 101 });
  });

  test('annotations land on the pod', () => {
    const { manifests } = synthPod({ annotations: { 'example.com/owner': 'team-a' } });
    expect(find(manifests, 'Pod', 'writer').metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
  });
});

describe('sidecars and shared emptyDirs', () => {
  test('app and sidecar share one emptyDir at different paths, the reader read-only', () => {
    const { spec } = synthPod(LOG_PAIR);
    expect(volume(spec, 'shared')).toEqual({ name: 'shared', emptyDir: { sizeLimit: '64Mi' } });
    expect(container(spec, 'app').volumeMounts).toContainEqual({ name: 'shared', mountPath: '/out', readOnly: false });
    expect(container(spec, 'reader').volumeMounts).toContainEqual({ name: 'shared', mountPath: '/in', readOnly: true });
  });

  test('each container keeps its own writable /tmp', () => {
    const { spec } = synthPod(LOG_PAIR);
    expect(container(spec, 'app').volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(container(spec, 'reader').volumeMounts).toContainEqual({ name: 'reader-tmp', mountPath: '/tmp' });
    expect(volume(spec, 'reader-tmp').emptyDir).toEqual({ sizeLimit: '64Mi' });
  });

  test('a shared volume can be memory-backed with its own size limit', () => {
    const { spec } = synthPod({
      ...LOG_PAIR,
      sharedVolumes: [{ name: 'cache', medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(16), mounts: [{ container: 'app', path: '/cache' }, { container: 'reader', path: '/cache' }] }],
    });
    expect(volume(spec, 'cache').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Mi' });
  });

  test('methods add sidecars, init containers and shared volumes after construction', () => {
    const chart = testChart();
    const pod = new AppPod(chart, 'web', { image: 'nginx:1.27.3' });
    const init = pod.addInitContainer({ name: 'fetch', image: 'busybox:1.36.1', command: ['sh', '-c', 'echo hi > /work/index.html'] });
    pod.addSidecar({ name: 'reloader', image: 'busybox:1.36.1' });
    pod.shareEmptyDir({ name: 'content', mounts: [{ container: init, path: '/work' }, { container: pod.container, path: '/usr/share/nginx/html', readOnly: true }] });
    const spec = podSpecOf(find(Testing.synth(chart), 'Pod', 'web'));
    expect(container(spec, 'fetch').volumeMounts).toContainEqual({ name: 'content', mountPath: '/work', readOnly: false });
    expect(container(spec, 'app').volumeMounts).toContainEqual({ name: 'content', mountPath: '/usr/share/nginx/html', readOnly: true });
    expect(spec.containers.map((c: Container) => c.name)).toEqual(['app', 'reloader']);
    expect(restrictedViolations(spec)).toEqual([]);
  });

  test('init containers run in the order given, before the app, with no probes', () => {
    const { spec } = synthPod({
      ports: [{ name: 'http', port: 8080 }],
      initContainers: [
        { name: 'first', image: 'busybox:1.36.1', ports: [{ name: 'x', port: 9000 }] },
        { name: 'second', image: 'busybox:1.36.1' },
      ],
    });
    expect(spec.initContainers.map((c: Container) => c.name)).toEqual(['first', 'second']);
    for (const c of spec.initContainers) {
      expect(c.readinessProbe).toBeUndefined();
      expect(c.livenessProbe).toBeUndefined();
      expect(c.startupProbe).toBeUndefined();
    }
  });
});

describe('helpers on any cdk8s-plus workload', () => {
  function deployment(runAsUser?: number) {
    const chart = testChart();
    const resolved = resolvePodSecurity(chart, { runAsUser, runAsGroup: runAsUser });
    const d = new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web' },
      select: false,
      podMetadata: { labels: { app: 'web' } },
      securityContext: podSecurityContextProps(resolved),
    });
    d.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    addContainer(chart, d, resolveContainer(chart, 'main', { image: 'nginx:1.27.3' }, resolved));
    applyPodSecurity(d, resolved);
    return { chart, d };
  }

  test('a sidecar on a Deployment runs as the pod user, restricted', () => {
    const { chart, d } = deployment(101);
    expect(podSecurityOf(d)).toMatchObject({ runAsUser: 101, runAsGroup: 101, runAsNonRoot: true });
    addSidecar(d, { name: 'shipper', image: 'fluent/fluent-bit:3.1.9', resources: { memoryLimit: Size.mebibytes(128) } });
    shareEmptyDir(d, { name: 'logs', mounts: [{ container: 'main', path: '/var/log/nginx' }, { container: 'shipper', path: '/logs', readOnly: true }] });
    addInitContainer(d, { name: 'init', image: 'busybox:1.36.1' });
    const spec = podSpecOf(find(Testing.synth(chart), 'Deployment', 'web'));
    expect(restrictedViolations(spec)).toEqual([]);
    expect(container(spec, 'shipper').securityContext).toMatchObject({ runAsUser: 101, runAsGroup: 101 });
    expect(container(spec, 'shipper').resources.limits.memory).toBe('128Mi');
    expect(container(spec, 'main').volumeMounts).toContainEqual({ name: 'logs', mountPath: '/var/log/nginx', readOnly: false });
    expect(container(spec, 'shipper').volumeMounts).toContainEqual({ name: 'logs', mountPath: '/logs', readOnly: true });
    expect(allOf(Testing.synth(chart), 'Deployment')).toHaveLength(1);
  });
});

describe('bad input', () => {
  test.each<[string, Partial<AppPodProps>, string, RegExp]>([
    ['an invalid name', { name: 'Writer_1' }, 'writer', /test\/writer: 'name' must be a DNS-1123 label.*got "Writer_1"/],
    ['a negative grace period', { terminationGracePeriodSeconds: -1 }, 'writer', /'terminationGracePeriodSeconds' must be >= 0, got -1/],
    ['a fractional grace period', { terminationGracePeriodSeconds: 1.5 }, 'writer', /'terminationGracePeriodSeconds' must be an integer, got 1.5/],
    ['an invalid label key', { labels: { 'bad key': 'x' } }, 'writer', /'labels' must be a valid label key .*, got "bad key"/],
    ['an invalid label value', { labels: { tier: 'not valid!' } }, 'writer', /'labels\["tier"\]' must be a valid label value.*got "not valid!"/],
    ['a recommended label in labels', { labels: { 'app.kubernetes.io/name': 'x' } }, 'writer', /'labels' must not set the recommended label "app.kubernetes.io\/name"/],
    ['an invalid version', { version: 'v 1' }, 'writer', /'version' must be a valid label value.*got "v 1"/],
    ['an invalid instance', { instance: 'a b' }, 'writer', /test\/writer: 'instance' must be a valid label value.*got "a b"/],
    ['an invalid component', { component: 'a/b' }, 'writer', /test\/writer: 'component' must be a valid label value.*got "a\/b"/],
    ['an invalid partOf', { partOf: 'x'.repeat(64) }, 'writer', /test\/writer: 'partOf' must be a valid label value/],
    ['a sidecar named like the app', { sidecars: [{ name: 'app', image: 'busybox:1.36.1' }] }, 'writer', /'sidecars\[app\].name' must be unique in the pod \(containers and init containers: app\), got "app"/],
    ['an init container named like the app', { containerName: 'main', initContainers: [{ name: 'main', image: 'busybox:1.36.1' }] }, 'writer', /'containerName' must be unique in the pod \(containers and init containers: main\), got "main"/],
    ['a sidecar with an untagged image', { sidecars: [{ name: 'log', image: 'busybox' }] }, 'writer', /'sidecars\[log\].image' must carry an explicit tag/],
    ['a sidecar with an invalid name', { sidecars: [{ name: 'Log', image: 'busybox:1.36.1' }] }, 'writer', /'sidecars\[Log\].name' must be a DNS-1123 label/],
    ['a shared volume for an unknown container', { sharedVolumes: [{ name: 'x', mounts: [{ container: 'nope', path: '/x' }] }] }, 'writer', /'sharedVolumes\[x\].mounts\[0\].container' must name a container of the pod \(app\), got "nope"/],
    ['a relative mount path', { sharedVolumes: [{ name: 'x', mounts: [{ container: 'app', path: 'x' }] }] }, 'writer', /'sharedVolumes\[x\].mounts\[0\].path' must be an absolute path without ':', got "x"/],
    ['a mount path already used', { sharedVolumes: [{ name: 'x', mounts: [{ container: 'app', path: '/tmp' }] }] }, 'writer', /'sharedVolumes\[x\].mounts\[0\].path' is already a mount point of container "app", got "\/tmp"/],
    ['a volume name already used', { sharedVolumes: [{ name: 'tmp', mounts: [{ container: 'app', path: '/x' }] }] }, 'writer', /'sharedVolumes\[tmp\].name' must be unique in the pod \(volumes: tmp\), got "tmp"/],
    ['a shared volume with no mounts', { sharedVolumes: [{ name: 'x', mounts: [] }] }, 'writer', /'sharedVolumes\[x\].mounts' must contain at least one mount, got \[\]/],
    ['a container mounting the volume twice', { sharedVolumes: [{ name: 'x', mounts: [{ container: 'app', path: '/a' }, { container: 'app', path: '/b' }] }] }, 'writer', /'sharedVolumes\[x\].mounts\[1\].container' must mount the volume once per container, got "app" twice/],
    ['an invalid volume name', { sharedVolumes: [{ name: 'My_Vol', mounts: [{ container: 'app', path: '/a' }] }] }, 'writer', /'sharedVolumes\[My_Vol\].name' must be a DNS-1123 label/],
  ])('rejects %s', (_what, props, id, message) => {
    expect(() => synthPod(props, id)).toThrow(message);
  });

  test('rejects an env var name that is not valid, or already set', () => {
    const pod = new AppPod(testChart(), 'writer', { image: 'busybox:1.36.1', env: { MODE: 'a' } });
    expect(() => pod.addEnv('1 BAD', 'x')).toThrow(/'env' must only contain valid environment variable names .*, got "1 BAD"/);
    expect(() => pod.addEnv('MODE', 'b')).toThrow(/^test\/writer: 'env' already has a variable "MODE"$/);
    expect(pod.container.env.variables.MODE?.value).toBe('a');
  });

  test('rejects a mount into a container of another pod', () => {
    const chart = testChart();
    const a = new AppPod(chart, 'a', { image: 'busybox:1.36.1' });
    const b = new AppPod(chart, 'b', { image: 'busybox:1.36.1' });
    expect(() => a.shareEmptyDir({ name: 'x', mounts: [{ container: b.container, path: '/x' }] })).toThrow(/must name a container of the pod \(app\), got "app"/);
  });
});

describe('AppPod: volumes, Services, labels and native sidecars', () => {
  test('volumes of a PersistentVolumeClaim, a ConfigMap and a Secret, mounted where the mounts say', () => {
    const chart = testChart();
    const claim = new PersistentVolumeClaim(chart, 'pvc1', { size: '10Gi', storageClass: 'test' });
    const secretValue = envVarFor('TKB_TEST_PASSWORD');
    const bundle = new ConfigBundle(chart, 'multimap', {
      name: 'multimap', configMapName: 'multimap', data: { given: 'Nigel' },
      secret: BundleSecret.opaque({ password: SecretSource.fromEnv(secretValue) }), secretName: 'tkb-secret',
    });
    const pod = new AppPod(chart, 'volpod', {
      image: 'busybox:1.36.1',
      sidecars: [{ name: 'reader', image: 'busybox:1.36.1' }],
      volumes: [
        { volume: claim.toVolume({ name: 'data' }), mounts: [{ path: '/data' }, { container: 'reader', path: '/in', readOnly: true, subPath: 'logs' }] },
        { volume: bundle.configVolume({ name: 'volmap' }), mounts: [{ path: '/etc/name' }] },
      ],
    });
    pod.mount('/etc/tkb', bundle.secretVolume({ name: 'secret-vol' }), { readOnly: true });
    const spec = podSpecOf(find(Testing.synth(chart), 'Pod', 'volpod'));
    expect(volume(spec, 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'pvc1', readOnly: false } });
    expect(volume(spec, 'volmap').configMap).toMatchObject({ name: 'multimap' });
    expect(volume(spec, 'secret-vol').secret).toMatchObject({ secretName: 'tkb-secret' });
    expect(container(spec, 'app').volumeMounts).toEqual(expect.arrayContaining([
      { mountPath: '/data', name: 'data', readOnly: false },
      { mountPath: '/etc/name', name: 'volmap', readOnly: false },
      { mountPath: '/etc/tkb', name: 'secret-vol', readOnly: true },
    ]));
    expect(container(spec, 'reader').volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/in', name: 'data', readOnly: true, subPath: 'logs' }]));
    expect(restrictedViolations(spec)).toEqual([]);
  });

  test.each<[string, (pod: AppPod, chart: Chart) => void, string]>([
    ['a volume name already used', (pod) => pod.addVolume({ volume: kplus.Volume.fromEmptyDir(pod, 'v', 'tmp'), mounts: [{ path: '/x' }] }),
      `'volumes[0].name' must be unique in the pod (volumes: tmp), got "tmp"`],
    ['no mounts', (pod) => pod.addVolume({ volume: kplus.Volume.fromEmptyDir(pod, 'v', 'x'), mounts: [] }), `'volumes[0].mounts' must contain at least one mount, got []`],
    ['an unknown container', (pod) => pod.addVolume({ volume: kplus.Volume.fromEmptyDir(pod, 'v', 'x'), mounts: [{ container: 'nope', path: '/x' }] }),
      `'volumes[0].mounts[0].container' must name a container of the pod (app), got "nope"`],
    ['a subPath going up', (pod) => pod.mount('/x', kplus.Volume.fromEmptyDir(pod, 'v', 'x'), { subPath: '../etc' }),
      `'volumes[0].mounts[0].subPath' must be a relative path without '..', got "../etc"`],
    ['the same path twice in one container', (pod) => pod.addVolume({ volume: kplus.Volume.fromEmptyDir(pod, 'v', 'x'), mounts: [{ path: '/x' }, { path: '/x' }] }),
      `'volumes[0].mounts[1].path' must differ from the other mounts of container "app", got "/x" twice`],
    ['something else than a volume', (pod) => pod.addVolume({ volume: 'pvc1' as unknown as kplus.Volume, mounts: [{ path: '/x' }] }),
      `'volumes[0].volume' must be a kplus.Volume (claim.toVolume(), bundle.configVolume(), bundle.secretVolume()), got "pvc1"`],
  ])('rejects %s', (_what, act, message) => {
    const chart = testChart();
    const pod = new AppPod(chart, 'writer', { image: 'busybox:1.36.1' });
    expect(() => act(pod, chart)).toThrow(`test/writer: ${message}`);
  });

  test('addService: a Service over the pod by its selector; NodePort/LoadBalancer open the target ports to external traffic', () => {
    const chart = testChart();
    const pod = new AppPod(chart, 'initpod', { image: 'nigelpoulton/web-app:1.0', selectorLabels: { app: 'initializer' }, ports: [{ name: 'http', port: 8080 }] });
    pod.addService('k8sbook', { ports: [{ port: 80, targetPort: 8080 }] });
    pod.addService('web', { type: ServiceType.NODE_PORT, targetPortStyle: TargetPortStyle.BY_NAME });
    const m = Testing.synth(chart);
    expect(find(m, 'Pod', 'initpod').metadata.labels).toMatchObject({ app: 'initializer', 'app.kubernetes.io/name': 'initpod' });
    expect(find(m, 'Service', 'k8sbook').spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'initializer' }, ports: [{ port: 80, targetPort: 8080 }] });
    expect(find(m, 'Service', 'web').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    const policy = find(m, 'NetworkPolicy', 'initpod-from-external');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'initializer' } });
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(pod.podSelector).toEqual({ app: 'initializer' });
    expect(() => pod.addService('k8sbook')).toThrow(`test/initpod: 'services[].name' must not contain duplicates, got "k8sbook" twice`);
  });

  test('labels and annotations go on the Pod, its ServiceAccount and its Services; the grace period is a Duration', () => {
    const chart = testChart();
    const pod = new AppPod(chart, 'jump', {
      image: 'ubuntu:24.04', labels: { env: 'marvel' }, annotations: { 'example.com/owner': 'a' }, terminationGracePeriod: Duration.seconds(5), tty: true, stdin: true,
    });
    pod.addService('svc', { ports: [{ port: 80 }] });
    const m = Testing.synth(chart);
    for (const o of m) {
      expect([o.kind, o.metadata.labels.env, o.metadata.annotations?.['example.com/owner']]).toEqual([o.kind, 'marvel', 'a']);
    }
    const spec = podSpecOf(find(m, 'Pod', 'jump'));
    expect(spec.terminationGracePeriodSeconds).toBe(5);
    expect(container(spec, 'app')).toMatchObject({ tty: true, stdin: true });
    expect(pod.terminationGracePeriodSeconds).toBe(5);
    expect(synthPod({ terminationGracePeriodSeconds: 7 }).spec.terminationGracePeriodSeconds).toBe(7);
    expect(() => synthPod({ terminationGracePeriod: Duration.seconds(1), terminationGracePeriodSeconds: 1 })).toThrow(
      `test/writer: 'terminationGracePeriod' must not be given together with the deprecated 'terminationGracePeriodSeconds', got both ("1 second" and 1)`);
  });

  test('a native sidecar is an init container with restartPolicy Always after the init containers (target 1.29+)', () => {
    const app = Testing.app();
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.36');
    const chart = new Chart(app, 'test', { namespace: 'demo' });
    new AppPod(chart, 'git-sync', {
      image: 'nginx:1.27.3',
      initContainers: [{ name: 'prepare', image: 'busybox:1.36.1' }],
      sidecars: [{ name: 'ctr-sync', image: 'registry.k8s.io/git-sync/git-sync:v4.1.0', native: true }, { name: 'classic', image: 'busybox:1.36.1' }],
      sharedVolumes: [{ name: 'html', mounts: [{ container: 'ctr-sync', path: '/tmp/git' }, { container: 'app', path: '/usr/share/nginx/' }] }],
    });
    const spec = podSpecOf(find(Testing.synth(chart), 'Pod', 'git-sync'));
    expect(spec.initContainers.map((c: Container) => [c.name, c.restartPolicy])).toEqual([['prepare', undefined], ['ctr-sync', 'Always']]);
    expect(spec.containers.map((c: Container) => c.name)).toEqual(['app', 'classic']);
    expect(container(spec, 'ctr-sync').volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/tmp/git', name: 'html', readOnly: false }]));
    expect(restrictedViolations(spec)).toEqual([]);
    expect(() => synthPod({ sidecars: [{ name: 'ctr-sync', image: 'busybox:1.36.1', native: true }] })).toThrow(
      `test/writer: 'sidecars[ctr-sync].native' needs Kubernetes 1.29 or newer`);
  });
});

const envVars: string[] = [];
/** A fresh variable holding a value made at run time (no secret value in source). */
function envVarFor(prefix: string): string {
  const name = `${prefix}_${randomBytes(4).toString('hex').toUpperCase()}`;
  process.env[name] = randomBytes(12).toString('hex');
  envVars.push(name);
  return name;
}
afterAll(() => {
  for (const n of envVars) delete process.env[n];
});
