import { Chart, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AddableCapability } from '../../lib/security/pod-security';
import { ExternalTrafficPolicy, ServiceType, SessionAffinity } from '../../lib/network/service';
import { TopologyKey, WebApp, WebAppProps, WhenUnsatisfiable } from '../../lib/workload/web-app';
import { RolloutStrategy, TargetPortStyle, WebAppPort } from '../../lib/workload/types';
import { KUBERNETES_VERSION_CONTEXT } from '../../lib/core/target-version';
import { IngressPathType } from '../../lib/network/ingress';
import { NetworkPort, allowExternalIngress } from '../../lib/network/network-policy';
import { Manifest, allOf, find, podSpecOf, restrictedViolations, synthAll, testChart } from '../util';

const IMAGE = 'ghcr.io/acme/api:1.4.2';
const SELECTOR = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };

function build(props: Partial<WebAppProps> = {}, id = 'api') {
  const chart = testChart();
  const app = new WebApp(chart, id, { image: IMAGE, ...props });
  return { chart, app, all: () => synthAll(chart) };
}

function mainContainer(all: Manifest[], name = 'api'): Manifest {
  return podSpecOf(find(all, 'Deployment', name)).containers.find((c: Manifest) => c.name === name);
}

describe('WebApp', () => {
  describe('defaults', () => {
    const { app, all } = build();
    const manifests = all();
    const deployment = find(manifests, 'Deployment', 'api');
    const spec = podSpecOf(deployment);

    test('emits exactly a ServiceAccount, a Deployment and a Service, all named after the id', () => {
      expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual(['Deployment/api', 'Service/api', 'ServiceAccount/api']);
      expect(manifests).toMatchSnapshot();
    });

    test('recommended labels on every object and the pod template; the selector uses only name and instance', () => {
      const labels = {
        ...SELECTOR,
        'app.kubernetes.io/version': '1.4.2',
        'app.kubernetes.io/component': 'frontend',
        'app.kubernetes.io/managed-by': 'kubecraft',
      };
      for (const m of manifests) expect(m.metadata.labels).toEqual(labels);
      expect(deployment.spec.template.metadata.labels).toEqual(labels);
      expect(deployment.spec.selector).toEqual({ matchLabels: SELECTOR });
      expect(JSON.stringify(manifests)).not.toContain('cdk8s.io/metadata.addr');
      expect(app.labels).toEqual(labels);
    });

    test('2 replicas, RollingUpdate 25%/25%, explicit rollout settings', () => {
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
      expect(deployment.spec.minReadySeconds).toBe(0);
      expect(deployment.spec.progressDeadlineSeconds).toBe(600);
      expect(deployment.spec.revisionHistoryLimit).toBe(10);
      expect(spec.terminationGracePeriodSeconds).toBe(30);
      expect(app.replicas).toBe(2);
    });

    test('one app container on port 8080 with explicit resources, TCP readiness and a writable /tmp', () => {
      const c = mainContainer(manifests);
      expect(spec.containers).toHaveLength(1);
      expect(c.image).toBe(IMAGE);
      expect(c.imagePullPolicy).toBe('IfNotPresent');
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '512Mi' } });
      expect(c.readinessProbe.tcpSocket).toEqual({ port: 8080 });
      expect(c.livenessProbe).toBeUndefined();
      expect(c.startupProbe).toBeUndefined();
      expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    });

    test('passes Pod Security "restricted", with its own ServiceAccount and no token', () => {
      expect(restrictedViolations(spec)).toEqual([]);
      expect(spec.serviceAccountName).toBe('api');
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(find(manifests, 'ServiceAccount', 'api').automountServiceAccountToken).toBe(false);
      expect(spec.enableServiceLinks).toBe(false);
    });

    test('a ClusterIP Service targeting the container port by name', () => {
      const svc = find(manifests, 'Service', 'api');
      expect(svc.spec).toEqual({
        type: 'ClusterIP',
        selector: SELECTOR,
        ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }],
      });
      expect(app.backendPorts).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
      expect(app.endpoint.fqdn).toBe('api.demo.svc.cluster.local');
      expect(app.peerName).toBe('api');
      expect(app.podSelector).toEqual(SELECTOR);
      expect(app.namespace).toBe('demo');
    });
  });

  test('explicit name, identity labels and container name', () => {
    const { all } = build({ name: 'store', instance: 'store-eu', version: 'v2', component: 'backend', partOf: 'shop', containerName: 'app' }, 'Store');
    const d = find(all(), 'Deployment', 'store');
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'store', 'app.kubernetes.io/instance': 'store-eu' });
    expect(d.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/version': 'v2', 'app.kubernetes.io/component': 'backend', 'app.kubernetes.io/part-of': 'shop' });
    expect(podSpecOf(d).containers[0].name).toBe('app');
    find(all(), 'Service', 'store');
    find(all(), 'ServiceAccount', 'store');
  });

  test('Service port != targetPort, several named ports, a container-only port', () => {
    const { all, app } = build({
      ports: [
        { name: 'http', port: 8080, servicePort: 80 },
        { name: 'grpc', port: 9000, appProtocol: 'kubernetes.io/h2c' },
        { name: 'debug', port: 6060, expose: false },
      ],
    });
    const svc = find(all(), 'Service', 'api');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'grpc', port: 9000, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
    ]);
    expect(mainContainer(all()).ports.map((p: Manifest) => p.name)).toEqual(['http', 'grpc', 'debug']);
    expect(app.endpoint.url()).toBe('http://api.demo.svc.cluster.local');
    expect(app.backendPorts.map((p) => p.targetPort)).toEqual([8080, 9000]);
  });

  test('NodePort with a fixed nodePort opens the target ports to every source by NetworkPolicy', () => {
    const { all, app } = build({
      ports: [{ name: 'http', port: 8080, servicePort: 80, nodePort: 30080 }],
      service: { type: ServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL },
    });
    const svc = find(all(), 'Service', 'api');
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(svc.spec.ports[0]).toEqual({ name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' });
    const np = find(all(), 'NetworkPolicy', 'api-from-external');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: SELECTOR },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
    expect(app.exposurePolicy).toBeDefined();
  });

  test('LoadBalancer with session affinity; ports added later are opened too', () => {
    const { all, app } = build({ service: { type: ServiceType.LOAD_BALANCER, sessionAffinity: SessionAffinity.CLIENT_IP } });
    app.addPort({ name: 'metrics', port: 9090 });
    const svc = find(all(), 'Service', 'api');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.sessionAffinity).toBe('ClientIP');
    expect(find(all(), 'NetworkPolicy', 'api-from-external').spec.ingress[0].ports).toEqual([
      { port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' },
    ]);
  });

  test('the external policy is the one allowExternalIngress builds (so a second one collides), with the app labels', () => {
    const { all, app } = build({ partOf: 'shop', service: { type: ServiceType.LOAD_BALANCER } });
    const np = find(all(), 'NetworkPolicy', 'api-from-external');
    expect(np.metadata.labels).toEqual(app.labels);
    expect(np.metadata.namespace).toBe('demo');
    expect(app.exposurePolicy?.name).toBe('api-from-external');
    expect(() => allowExternalIngress(app, { ports: [NetworkPort.tcp(8080)] })).toThrow(`test/api: 'networkPolicy' "api-from-external" already exists for this workload`);
  });

  test('ClusterIP without Ingress emits no NetworkPolicy of its own', () => {
    expect(allOf(build().all(), 'NetworkPolicy')).toEqual([]);
  });

  test('rolling update numbers and percentages, minReady, history, deadline', () => {
    const { all } = build({
      replicas: 4,
      strategy: RolloutStrategy.rollingUpdate({ maxSurge: 1, maxUnavailable: 0 }),
      minReadySeconds: 10, revisionHistoryLimit: 3, progressDeadlineSeconds: 120, terminationGracePeriodSeconds: 45,
    });
    const d = find(all(), 'Deployment', 'api');
    expect(d.spec.replicas).toBe(4);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(d.spec.minReadySeconds).toBe(10);
    expect(d.spec.revisionHistoryLimit).toBe(3);
    expect(d.spec.progressDeadlineSeconds).toBe(120);
    expect(podSpecOf(d).terminationGracePeriodSeconds).toBe(45);
    const pct = find(build({ strategy: RolloutStrategy.rollingUpdate({ maxSurge: '50%', maxUnavailable: '0%' }) }).all(), 'Deployment', 'api');
    expect(pct.spec.strategy.rollingUpdate).toEqual({ maxSurge: '50%', maxUnavailable: '0%' });
  });

  test('Recreate strategy', () => {
    const d = find(build({ strategy: RolloutStrategy.recreate() }).all(), 'Deployment', 'api');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('probes: HTTP without a port targets the first container port (not 80); explicit ports are kept', () => {
    const { all } = build({
      ports: [{ name: 'http', port: 8080 }, { name: 'admin', port: 9901 }],
      readiness: kplus.Probe.fromHttpGet('/ready'),
      liveness: kplus.Probe.fromHttpGet('/live', { port: 9901, failureThreshold: 5 }),
      startup: kplus.Probe.fromTcpSocket({ failureThreshold: 30 }),
    });
    const c = mainContainer(all());
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 8080, scheme: 'HTTP' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/live', port: 9901, scheme: 'HTTP' });
    expect(c.livenessProbe.failureThreshold).toBe(5);
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 8080 }, failureThreshold: 30 });
    expect(mainContainer(build({ readiness: false }).all()).readinessProbe).toBeUndefined();
  });

  test('resources, command, args and env are passed through; security can be relaxed prop by prop', () => {
    const { all } = build({
      resources: { cpuRequest: kplus.Cpu.millis(250), memoryLimit: Size.mebibytes(512) },
      command: ['/app/server'], args: ['--port=$(PORT)'], env: { PORT: '8080' },
      podSecurity: { runAsUser: 101, runAsGroup: 101 },
      securityContext: { readOnlyRootFilesystem: false, addCapabilities: [AddableCapability.NET_BIND_SERVICE] },
      writablePaths: ['/tmp', '/var/cache/nginx'],
    });
    const d = find(all(), 'Deployment', 'api');
    const c = mainContainer(all());
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '512Mi' } });
    expect(c.command).toEqual(['/app/server']);
    expect(c.args).toEqual(['--port=$(PORT)']);
    expect(c.env).toEqual([{ name: 'PORT', value: '8080' }]);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(false);
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(podSpecOf(d).securityContext.runAsUser).toBe(101);
    expect(c.volumeMounts.map((m: Manifest) => m.mountPath)).toEqual(['/tmp', '/var/cache/nginx']);
    expect(restrictedViolations(podSpecOf(d))).toEqual([]);
  });

  test('PodDisruptionBudget: true gives maxUnavailable 1 with the selector labels', () => {
    const pdb = find(build({ disruptionBudget: true }).all(), 'PodDisruptionBudget', 'api');
    expect(pdb.spec).toEqual({ selector: { matchLabels: SELECTOR }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    const pdb2 = find(build({ replicas: 3, disruptionBudget: { minAvailable: '50%' } }).all(), 'PodDisruptionBudget', 'api');
    expect(pdb2.spec.minAvailable).toBe('50%');
  });

  test('autoscaling: an autoscaling/v2 HPA owns the replica count', () => {
    const { all, app } = build({ autoscaling: { minReplicas: 3, maxReplicas: 10, memoryUtilizationPercent: 80, cpuUtilizationPercent: 60 }, disruptionBudget: { minAvailable: 2 } });
    const hpa = find(all(), 'HorizontalPodAutoscaler', 'api');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      ],
    });
    expect(find(all(), 'Deployment', 'api').spec.replicas).toBeUndefined();
    expect(app.replicas).toBeUndefined();
    const defaults = find(build({ autoscaling: { maxReplicas: 4 } }).all(), 'HorizontalPodAutoscaler', 'api');
    expect(defaults.spec.minReplicas).toBe(2);
    expect(defaults.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  });

  test('topology spread constraints over the app pods', () => {
    const d = find(build({
      topologySpread: [
        { topologyKey: TopologyKey.ZONE },
        { topologyKey: TopologyKey.HOSTNAME, maxSkew: 2, whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE, minDomains: 2 },
      ],
    }).all(), 'Deployment', 'api');
    expect(podSpecOf(d).topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', minDomains: 2, labelSelector: { matchLabels: SELECTOR } },
    ]);
  });

  test('Ingress with class, host, paths and TLS, and a NetworkPolicy from the ingress controller namespace', () => {
    const { all } = build({
      ports: [{ name: 'http', port: 8080, servicePort: 80 }],
      ingress: {
        className: 'nginx', host: 'api.example.com', tlsSecretName: 'api-tls',
        paths: [{ path: '/api', pathType: IngressPathType.PREFIX }, { path: '/healthz', pathType: IngressPathType.EXACT }],
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' },
      },
    });
    const ing = find(all(), 'Ingress', 'api');
    expect(ing.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' });
    expect(ing.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [{
        host: 'api.example.com',
        http: {
          paths: [
            { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } },
            { path: '/healthz', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 80 } } } },
          ],
        },
      }],
      tls: [{ hosts: ['api.example.com'], secretName: 'api-tls' }],
    });
    const np = find(all(), 'NetworkPolicy', 'api-from-ingress');
    expect(np.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
    const custom = find(build({ ingress: {}, ingressControllerNamespace: 'traefik' }).all(), 'NetworkPolicy', 'api-from-ingress');
    expect(custom.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('traefik');
  });

  test('pod annotations from props and added after construction (e.g. a config checksum) are rendered', () => {
    const { all, app } = build({ podAnnotations: { 'prometheus.io/scrape': 'true' } });
    app.addPodAnnotation('checksum/config', 'abc123');
    expect(find(all(), 'Deployment', 'api').spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'checksum/config': 'abc123',
    });
    expect(app.podAnnotations).toEqual({ 'prometheus.io/scrape': 'true', 'checksum/config': 'abc123' });
  });

  test('connectTo sets the FQDN URL env var and emits the egress and ingress NetworkPolicies', () => {
    const chart = testChart();
    const api = new WebApp(chart, 'api', { image: IMAGE, ports: [{ name: 'http', port: 8080, servicePort: 80 }] });
    const web = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:2.0.0' });
    web.connectTo(api, { env: 'API_URL' });
    const all = synthAll(chart);
    expect(mainContainer(all, 'web').env).toEqual([{ name: 'API_URL', value: 'http://api.demo.svc.cluster.local' }]);
    expect(find(all, 'NetworkPolicy', 'web-to-api').spec.egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(find(all, 'NetworkPolicy', 'api-from-web').spec.podSelector.matchLabels).toEqual(SELECTOR);
  });

  test('sidecars, init containers, envFrom, extra env and volumes', () => {
    const { all, app } = build();
    app.addSidecar('proxy', { image: 'envoyproxy/envoy:v1.31.0', ports: [{ name: 'admin', port: 9901 }] });
    app.addInitContainer('wait-db', { image: 'busybox:1.36', command: ['sh', '-c', 'until nslookup db; do sleep 2; done'] });
    const cm = new kplus.ConfigMap(app, 'Config', { metadata: { name: 'api-config' }, data: { A: '1' } });
    app.addEnvFrom(kplus.Env.fromConfigMap(cm));
    app.addEnv('SECRET_TOKEN', kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(app, 'S', 'api-secret'), key: 'token' }));
    app.mount('/config', kplus.Volume.fromConfigMap(app, 'ConfigVolume', cm, { name: 'config' }), { readOnly: true });
    const spec = podSpecOf(find(all(), 'Deployment', 'api'));
    expect(spec.containers.map((c: Manifest) => c.name)).toEqual(['api', 'proxy']);
    expect(spec.initContainers.map((c: Manifest) => c.name)).toEqual(['wait-db']);
    expect(spec.initContainers[0].readinessProbe).toBeUndefined();
    const c = mainContainer(all());
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'api-config' } }]);
    expect(c.env).toEqual([{ name: 'SECRET_TOKEN', valueFrom: { secretKeyRef: { name: 'api-secret', key: 'token' } } }]);
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/config', readOnly: true });
    expect(spec.volumes.map((v: Manifest) => v.name).sort()).toEqual(['config', 'proxy-tmp', 'tmp', 'wait-db-tmp']);
    expect(restrictedViolations(spec)).toEqual([]);
    expect(() => app.addSidecar('api', { image: 'x:1' })).toThrow(/'sidecars\.api' container name "api" is already used/);
    expect(() => app.addSidecar('wait-db', { image: 'x:1' })).toThrow(/'sidecars\.wait-db' container name "wait-db" is already used/);
    expect(() => app.addInitContainer('proxy', { image: 'x:1' })).toThrow(/'initContainers\.proxy' container name "proxy" is already used/);
    // init containers take no probes: a compile error (checked by tsc), and cdk8s-plus throws at run time
    // @ts-expect-error liveness is not an init container option
    expect(() => app.addInitContainer('migrate', { image: 'x:1', liveness: kplus.Probe.fromTcpSocket() })).toThrow(/must not have a liveness probe/);
    expect(() => app.addEnv('SECRET_TOKEN', 'x')).toThrow(/'env' already has a variable "SECRET_TOKEN"/);
  });

  test('a subclass can add a container port that the Service exposes', () => {
    class MetricsApp extends WebApp {
      constructor(scope: Construct, id: string, props: WebAppProps) {
        super(scope, id, props);
        this.addPort({ name: 'metrics', port: 9090, servicePort: 9090 });
        this.addPodAnnotation('prometheus.io/port', '9090');
      }
    }
    const chart = testChart();
    new MetricsApp(chart, 'api', { image: IMAGE });
    const all = synthAll(chart);
    expect(mainContainer(all).ports.map((p: Manifest) => `${p.name}:${p.containerPort}`)).toEqual(['http:8080', 'metrics:9090']);
    expect(find(all, 'Service', 'api').spec.ports.map((p: Manifest) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['http:8080->http', 'metrics:9090->metrics']);
  });

  describe('rejects bad input, naming path, prop, value and what is allowed', () => {
    const bad: [string, Partial<WebAppProps>, RegExp][] = [
      ['replicas < 0', { replicas: -1 }, /^test\/api: 'replicas' must be >= 0, got -1$/],
      ['fractional replicas', { replicas: 1.5 }, /'replicas' must be an integer, got 1.5/],
      ['a port outside 1-65535', { ports: [{ name: 'http', port: 70000 }] }, /test\/api: 'ports\[0\]\.port' must be a port number between 1 and 65535, got 70000/],
      ['a service port outside 1-65535', { ports: [{ name: 'http', port: 8080, servicePort: 0 }] }, /'ports\[0\]\.servicePort' must be a port number between 1 and 65535, got 0/],
      ['duplicate port names', { ports: [{ name: 'http', port: 8080 }, { name: 'http', port: 8081 }] }, /'ports\[\]\.name' must not contain duplicates, got "http" twice/],
      ['duplicate service ports', { ports: [{ name: 'a', port: 8080, servicePort: 80 }, { name: 'b', port: 8081, servicePort: 80 }] }, /'ports\[\]\.servicePort' must not contain duplicates/],
      ['an invalid port name', { ports: [{ name: 'Web_Port', port: 8080 }] }, /'ports\[0\]\.name' must be a port name/],
      ['no ports', { ports: [] }, /'ports' must contain at least one port/],
      ['nodePort outside 30000-32767', { service: { type: ServiceType.NODE_PORT }, ports: [{ name: 'http', port: 8080, nodePort: 8080 }] }, /'ports\[0\]\.nodePort' must be between 30000 and 32767 \(the default node port range\), got 8080/],
      ['nodePort on a ClusterIP Service', { ports: [{ name: 'http', port: 8080, nodePort: 30080 }] }, /'ports\[0\]\.nodePort' is only allowed with service type NodePort or LoadBalancer, got 30080 with ClusterIP/],
      ['maxUnavailable 0 with maxSurge 0', { strategy: RolloutStrategy.rollingUpdate({ maxSurge: 0, maxUnavailable: 0 }) }, /'strategy\.maxUnavailable' must not be 0 when 'maxSurge' is 0 too.*got 0/],
      ['maxUnavailable 0% with maxSurge 0%', { strategy: RolloutStrategy.rollingUpdate({ maxSurge: '0%', maxUnavailable: '0%' }) }, /'strategy\.maxUnavailable' must not be 0 when 'maxSurge' is 0/],
      ['a malformed maxSurge', { strategy: RolloutStrategy.rollingUpdate({ maxSurge: '25 percent' }) }, /'strategy\.maxSurge' must be a non-negative integer or a percentage/],
      ['an invalid DNS-1123 name', { name: 'My_App' }, /test\/api: 'name' must be a DNS-1123 label.*got "My_App"/],
      ['a name longer than 63 characters', { name: 'a'.repeat(64) }, /'name' must be a DNS-1123 label/],
      ['an image without tag', { image: 'nginx' }, /'image' must carry an explicit tag or digest.*got "nginx"/],
      ['an image with :latest', { image: 'nginx:latest' }, /'image' must not use the "latest" tag/],
      ['cpu limit below request', { resources: { cpuRequest: kplus.Cpu.millis(800), cpuLimit: kplus.Cpu.millis(500) } }, /'resources\.cpuLimit' must be >= cpuRequest \(800m\), got 500m/],
      ['memory limit below request', { resources: { memoryRequest: Size.mebibytes(512) } }, /'resources\.memoryLimit' must be >= memoryRequest \(512Mi\), got 256Mi/],
      ['a PDB whose minAvailable equals replicas', { replicas: 2, disruptionBudget: { minAvailable: 2 } }, /'disruptionBudget\.minAvailable' must be lower than the 2 replica\(s\)/],
      ['a PDB with maxUnavailable 0', { disruptionBudget: { maxUnavailable: 0 } }, /'disruptionBudget\.maxUnavailable' must be at least 1 or 1% \(0 never allows a disruption.*got 0$/],
      ['a PDB against a single replica', { replicas: 1, disruptionBudget: { minAvailable: 1 } }, /'disruptionBudget\.minAvailable' must be lower than the 1 replica/],
      ['a PDB against HPA minReplicas', { autoscaling: { minReplicas: 2, maxReplicas: 5 }, disruptionBudget: { minAvailable: 2 } }, /'disruptionBudget\.minAvailable' must be lower than the 2 replica/],
      ['replicas with autoscaling', { replicas: 3, autoscaling: { maxReplicas: 5 } }, /'replicas' must not be set together with 'autoscaling'/],
      ['maxReplicas below minReplicas', { autoscaling: { minReplicas: 4, maxReplicas: 2 } }, /'autoscaling\.maxReplicas' must be >= minReplicas \(4\), got 2/],
      ['minReplicas 0', { autoscaling: { minReplicas: 0, maxReplicas: 2 } }, /^test\/api: 'autoscaling\.minReplicas' must be >= 1, got 0$/],
      ['a CPU target of 0%', { autoscaling: { maxReplicas: 2, cpuUtilizationPercent: 0 } }, /'autoscaling\.cpuUtilizationPercent' must be between 1 and 1000, got 0/],
      ['a memory target above 1000%', { autoscaling: { maxReplicas: 2, memoryUtilizationPercent: 1001 } }, /'autoscaling\.memoryUtilizationPercent' must be between 1 and 1000, got 1001/],
      ['progressDeadline not above minReady', { minReadySeconds: 600 }, /'progressDeadlineSeconds' must be greater than minReadySeconds \(600\), got 600/],
      ['negative revisionHistoryLimit', { revisionHistoryLimit: -1 }, /'revisionHistoryLimit' must be >= 0, got -1/],
      ['minDomains with ScheduleAnyway', { topologySpread: [{ topologyKey: TopologyKey.ZONE, minDomains: 2 }] }, /'topologySpread\[0\]\.minDomains' requires whenUnsatisfiable DoNotSchedule/],
      ['a bad topology key', { topologySpread: [{ topologyKey: TopologyKey.of('not a key') }] }, /'topologySpread\[0\]\.topologyKey' must be a valid label key .*, got "not a key"/],
      ['a topology key spread twice', { topologySpread: [{ topologyKey: TopologyKey.ZONE }, { topologyKey: TopologyKey.ZONE, maxSkew: 2 }] }, /'topologySpread\[\]\.topologyKey' must not contain duplicates, got "topology.kubernetes.io\/zone" twice/],
      ['a maxSkew of 0', { topologySpread: [{ topologyKey: TopologyKey.ZONE, maxSkew: 0 }] }, /'topologySpread\[0\]\.maxSkew' must be >= 1, got 0/],
      ['TLS without a host', { ingress: { tlsSecretName: 'tls' } }, /'tlsSecretName' requires a 'host'/],
      ['an ingress path without a leading slash', { ingress: { paths: [{ path: 'api' }] } }, /'paths\[0\]\.path' must be an absolute path/],
      ['an ingress controller namespace without ingress', { ingressControllerNamespace: 'traefik' }, /'ingressControllerNamespace' only applies with 'ingress'/],
      ['a privileged container', { securityContext: { privileged: true } }, /'securityContext\.privileged' must not be true without the explicit opt-out/],
    ];
    test.each(bad)('%s', (_name, props, err) => {
      expect(() => build(props)).toThrow(err);
    });

    test('mount rejects a relative path', () => {
      const { app } = build();
      expect(() => app.mount('data', kplus.Volume.fromEmptyDir(app, 'Data', 'data'))).toThrow(/^test\/api: 'mount\.path' must be an absolute path, got "data"$/);
    });

    test('allowLatest accepts :latest', () => {
      expect(() => build({ image: 'nginx:latest', allowLatest: true })).not.toThrow();
    });

    test('addPort rejects a duplicate name or port and a nodePort on ClusterIP', () => {
      const { app } = build();
      expect(() => app.addPort({ name: 'http', port: 9000 })).toThrow(/'ports\[1\]\.name' must not contain duplicates, got "http" twice/);
      expect(() => app.addPort({ name: 'alt', port: 8080 })).toThrow(/'ports\[1\]\.port' must not contain duplicates, got 8080 twice/);
      const p: WebAppPort = { name: 'np', port: 9000, nodePort: 30001 };
      expect(() => app.addPort(p)).toThrow(/'ports\[1\]\.nodePort' is only allowed with service type NodePort/);
      expect(() => app.addPort({ name: 'dns', port: 8080, protocol: kplus.Protocol.UDP })).not.toThrow();
    });
  });
});

describe('WebApp: labels, selector and annotations of your own', () => {
  const BOOK = { app: 'hello-world' };

  test('selectorLabels replace the default selector everywhere; pods carry them next to the recommended labels', () => {
    const { app, all } = build({
      selectorLabels: BOOK, labels: { team: 'shop' }, podLabels: { tier: 'web' }, annotations: { 'example.com/owner': 'a' },
      podAnnotations: { 'example.com/scrape': 'true' }, disruptionBudget: true, topologySpread: [{ topologyKey: TopologyKey.ZONE }],
      service: { type: ServiceType.LOAD_BALANCER }, ingress: { host: 'a.example.com' }, autoscaling: { maxReplicas: 4 },
    });
    const m = all();
    const d = find(m, 'Deployment', 'api');
    expect(d.spec.selector).toEqual({ matchLabels: BOOK });
    expect(d.spec.template.metadata.labels).toEqual({ team: 'shop', tier: 'web', app: 'hello-world', ...SELECTOR,
      'app.kubernetes.io/version': '1.4.2', 'app.kubernetes.io/component': 'frontend', 'app.kubernetes.io/managed-by': 'kubecraft' });
    expect(d.spec.template.metadata.annotations).toEqual({ 'example.com/scrape': 'true' });
    expect(find(m, 'Service', 'api').spec.selector).toEqual(BOOK);
    expect(find(m, 'PodDisruptionBudget', 'api').spec.selector).toEqual({ matchLabels: BOOK });
    expect(podSpecOf(d).topologySpreadConstraints[0].labelSelector).toEqual({ matchLabels: BOOK });
    expect(podSpecOf(d).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector)
      .toEqual({ matchLabels: BOOK });
    expect(find(m, 'NetworkPolicy', 'api-from-external').spec.podSelector).toEqual({ matchLabels: BOOK });
    expect(app.podSelector).toEqual(BOOK);
    // labels and annotations of your own on every object the WebApp emits (pod-only labels only on the pods)
    for (const o of m) {
      expect([o.kind, o.metadata.labels]).toEqual([o.kind, expect.objectContaining({ team: 'shop', 'app.kubernetes.io/name': 'api' })]);
      expect([o.kind, o.metadata.labels.tier]).toEqual([o.kind, undefined]);
      expect([o.kind, o.metadata.annotations]).toEqual([o.kind, expect.objectContaining({ 'example.com/owner': 'a' })]);
    }
    expect(m.map((o) => o.kind).sort()).toEqual([
      'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount',
    ]);
  });

  test('connectTo policies select the pods by the chosen selector', () => {
    const chart = testChart();
    const api = new WebApp(chart, 'api', { image: IMAGE, selectorLabels: { app: 'api' } });
    const web = new WebApp(chart, 'web', { image: IMAGE, selectorLabels: { app: 'web' } });
    web.connectTo(api, { env: 'API_URL' });
    const policies = allOf(synthAll(chart), 'NetworkPolicy');
    expect(policies.map((p) => p.spec.podSelector.matchLabels)).toEqual(expect.arrayContaining([{ app: 'api' }, { app: 'web' }]));
  });

  const bad: [string, Partial<WebAppProps>, string][] = [
    ['an empty selector', { selectorLabels: {} }, `'selectorLabels' must contain at least one label (leave it out for app.kubernetes.io/name and instance), got {}`],
    ['the version label in the selector', { selectorLabels: { 'app.kubernetes.io/version': '1.4.2' } },
      `'selectorLabels' must not contain "app.kubernetes.io/version": it changes with every release, and a workload's selector is immutable`],
    ['the image tag as a selector value', { selectorLabels: { app: 'api', release: '1.4.2' } },
      `'selectorLabels["release"]' must not be a version or image tag (it would change with a release, and a workload's selector is immutable), got "1.4.2"`],
    ['a controller label in the selector', { selectorLabels: { 'pod-template-hash': 'abc' } },
      `'selectorLabels' must not contain "pod-template-hash": controllers set it per pod or revision, got "abc"`],
    ['a recommended label with another value', { selectorLabels: { 'app.kubernetes.io/name': 'web' } },
      `'selectorLabels["app.kubernetes.io/name"]' must equal the recommended label the construct sets ("api"), got "web"`],
    ['a bad selector value', { selectorLabels: { app: 'hello world' } }, `'selectorLabels["app"]' must be a valid label value`],
    ['a recommended label in labels', { labels: { 'app.kubernetes.io/part-of': 'x' } },
      `'labels' must not set the recommended label "app.kubernetes.io/part-of": use the matching prop (name, instance, version, component, partOf)`],
    ['a pod label contradicting the selector', { selectorLabels: BOOK, podLabels: { app: 'other' } },
      `'podLabels["app"]' must not give the pods another value than 'selectorLabels' ("hello-world"), got "other"`],
    ['a pod label contradicting labels', { labels: { tier: 'a' }, podLabels: { tier: 'b' } },
      `'podLabels["tier"]' must not give the pods another value than 'labels' ("a"), got "b"`],
    ['a bad annotation key', { annotations: { 'not ok': 'x' } }, `'annotations' must have qualified-name keys`],
    ['a non-string annotation', { podAnnotations: { a: 1 as unknown as string } }, `'podAnnotations["a"]' must be a string, got 1`],
  ];
  test.each(bad)('rejects %s', (_what, props, message) => {
    expect(() => build(props)).toThrow(`test/api: ${message}`);
  });
});

describe('WebApp: its Service renamed, omitted, targeting by number, and more Services over the same pods', () => {
  test('service.name renames the Service (the DNS name clients use); the Deployment keeps the app name', () => {
    const { app, all } = build({ service: { name: 'lb-svc', type: ServiceType.LOAD_BALANCER } });
    const m = all();
    expect(find(m, 'Service', 'lb-svc').spec.type).toBe('LoadBalancer');
    expect(find(m, 'Deployment', 'api')).toBeDefined();
    expect(app.endpoint.fqdn).toBe('lb-svc.demo.svc.cluster.local');
  });

  test('targetPortStyle BY_NUMBER targets the container port number', () => {
    const { all } = build({ ports: [{ name: 'http', port: 8080, servicePort: 80 }], service: { targetPortStyle: TargetPortStyle.BY_NUMBER } });
    expect(find(all(), 'Service', 'api').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  });

  test('service: false emits no Service; the app then has no endpoint to connect to', () => {
    const { app, all } = build({ service: false });
    const m = all();
    expect(allOf(m, 'Service')).toEqual([]);
    expect(app.services).toEqual([]);
    expect(() => app.service).toThrow(`test/api: 'service' is false: this WebApp has no Service of its own to connect to or route to (use the AppService addService returned)`);
    expect(() => build({ service: false, ingress: { host: 'a.example.com' } })).toThrow(`test/api: 'ingress' needs the app's own Service, got service: false`);
  });

  test("addService: a second Service over the same pods (the book's lb-svc), opened to external traffic by NetworkPolicy", () => {
    const { app, all } = build({ selectorLabels: { app: 'hello-world' }, ports: [{ name: 'http', port: 8080 }] });
    const lb = app.addService('lb-svc', { type: ServiceType.LOAD_BALANCER, labels: { app: 'hello-world' }, ports: [{ port: 8080, protocol: kplus.Protocol.TCP }] });
    app.addService('np', { type: ServiceType.NODE_PORT, targetPortStyle: TargetPortStyle.BY_NUMBER });
    const m = all();
    const svc = find(m, 'Service', 'lb-svc');
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', selector: { app: 'hello-world' }, ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }] });
    expect(svc.metadata.labels).toMatchObject({ app: 'hello-world', 'app.kubernetes.io/name': 'api' });
    expect(find(m, 'Service', 'np').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
    expect(find(m, 'Service', 'api').spec.type).toBe('ClusterIP');
    expect(find(m, 'NetworkPolicy', 'api-from-external').spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(app.services.map((s) => s.name)).toEqual(['api', 'lb-svc', 'np']);
    expect(lb.endpoint.fqdn).toBe('lb-svc.demo.svc.cluster.local');
    // a port added later reaches the Services that carry every app port, not one with ports of its own
    app.addPort({ name: 'metrics', port: 9090 });
    const after = synthAll(app);
    expect(find(after, 'Service', 'np').spec.ports.map((p: Manifest) => p.name)).toEqual(['http', 'metrics']);
    expect(find(after, 'Service', 'lb-svc').spec.ports).toHaveLength(1);
  });

  test("addService with a selector: a subset of the pods, by labels they carry (the book's chapter: services)", () => {
    const { app, all } = build({ selectorLabels: { app: 'hello-world' }, podLabels: { chapter: 'services' } });
    app.addService('svc-test', { selector: { chapter: 'services' } });
    expect(find(all(), 'Service', 'svc-test').spec.selector).toEqual({ chapter: 'services' });
    expect(() => app.addService('x', { selector: { chapter: 'other' } })).toThrow(
      `test/api: 'services.x.selector["chapter"]' must be a label the pods carry (`);
    expect(() => app.addService('api')).toThrow(`test/api: 'services.api.name' must differ from the app's other Services ("api", "svc-test"), got "api"`);
    expect(() => app.addService('y', { selector: {} })).toThrow(`test/api: 'services.y.selector' must contain at least one label of the pods, got {}`);
  });
});

describe('WebApp: Duration time props (the *Seconds props are deprecated)', () => {
  test('minReady, progressDeadline and terminationGracePeriod', () => {
    const { all } = build({ minReady: Duration.seconds(10), progressDeadline: Duration.minutes(5), terminationGracePeriod: Duration.seconds(1) });
    const d = find(all(), 'Deployment', 'api');
    expect(d.spec).toMatchObject({ minReadySeconds: 10, progressDeadlineSeconds: 300 });
    expect(podSpecOf(d).terminationGracePeriodSeconds).toBe(1);
  });

  test('the deprecated twins still work; both at once is an error', () => {
    const { all } = build({ minReadySeconds: 5, terminationGracePeriodSeconds: 2 });
    const d = find(all(), 'Deployment', 'api');
    expect(d.spec.minReadySeconds).toBe(5);
    expect(podSpecOf(d).terminationGracePeriodSeconds).toBe(2);
    expect(() => build({ minReady: Duration.seconds(1), minReadySeconds: 1 })).toThrow(
      `test/api: 'minReady' must not be given together with the deprecated 'minReadySeconds', got both ("1 second" and 1)`);
    expect(() => build({ progressDeadline: Duration.seconds(10), minReady: Duration.seconds(10) })).toThrow(
      `test/api: 'progressDeadline' must be longer than minReady (10s), got 10s`);
    expect(() => build({ terminationGracePeriod: Duration.millis(1500) })).toThrow(
      `test/api: 'terminationGracePeriod' must be a whole number of seconds, got 1 second 500 millis`);
  });
});

describe('WebApp: containers', () => {
  test('every app container option is accepted as is (workingDir, tty, stdin)', () => {
    const { all } = build({ workingDir: '/srv', tty: true, stdin: true });
    expect(mainContainer(all())).toMatchObject({ workingDir: '/srv', tty: true, stdin: true });
  });

  test('a native sidecar needs the target version; with it, it is an init container with restartPolicy Always', () => {
    const { app } = build();
    expect(() => app.addSidecar('proxy', { image: 'envoyproxy/envoy:v1.31.0', native: true })).toThrow(
      `test/api: 'sidecars.proxy.native' needs Kubernetes 1.29 or newer`);
    const app2 = Testing.app();
    app2.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.29');
    const chart = new Chart(app2, 'test', { namespace: 'demo', disableResourceNameHashes: true });
    const web = new WebApp(chart, 'api', { image: IMAGE });
    web.addSidecar('proxy', { image: 'envoyproxy/envoy:v1.31.0', native: true });
    const spec = podSpecOf(find(Testing.synth(chart), 'Deployment', 'api'));
    expect(spec.initContainers.map((c: Manifest) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always']]);
    expect(spec.containers.map((c: Manifest) => c.name)).toEqual(['api']);
  });
});

describe('WebApp: a shutdown delay drains traffic before SIGTERM (preStop)', () => {
  function at(version: string | undefined, props: Partial<WebAppProps> = {}): Manifest {
    const app = Testing.app();
    if (version) app.node.setContext(KUBERNETES_VERSION_CONTEXT, version);
    const chart = new Chart(app, 'test', { namespace: 'demo', disableResourceNameHashes: true });
    new WebApp(chart, 'api', { image: IMAGE, ...props });
    return mainContainer(Testing.synth(chart));
  }

  test('5 s by default: the lifecycle sleep action from Kubernetes 1.30, `exec: sleep 5` below', () => {
    expect(at('1.30').lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(at('1.36').lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(at(undefined).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(at('1.29').lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
  });

  test('configurable, and Duration.seconds(0) removes the hook', () => {
    expect(at('1.30', { shutdownDelay: Duration.seconds(12) }).lifecycle).toEqual({ preStop: { sleep: { seconds: 12 } } });
    expect(at('1.30', { shutdownDelay: Duration.seconds(0) }).lifecycle).toBeUndefined();
    expect(at(undefined, { shutdownDelay: Duration.seconds(0) }).lifecycle).toBeUndefined();
  });

  test('sidecars get none by default', () => {
    const { app, all } = build();
    app.addSidecar('log', { image: 'busybox:1.36.1' });
    expect(podSpecOf(find(all(), 'Deployment', 'api')).containers.find((c: Manifest) => c.name === 'log').lifecycle).toBeUndefined();
  });

  test('refused when not shorter than the grace period, or not a Duration', () => {
    expect(() => build({ shutdownDelay: Duration.seconds(30) })).toThrow("test/api: 'shutdownDelay' must be shorter than terminationGracePeriod (30s), got 30s");
    expect(() => build({ shutdownDelay: Duration.seconds(10), terminationGracePeriod: Duration.seconds(10) }))
      .toThrow("test/api: 'shutdownDelay' must be shorter than terminationGracePeriod (10s), got 10s");
    expect(() => build({ shutdownDelay: 5 as unknown as Duration })).toThrow("test/api: 'shutdownDelay' must be a cdk8s Duration (e.g. Duration.seconds(30)), got 5");
    expect(() => build({ shutdownDelay: Duration.millis(500) })).toThrow("test/api: 'shutdownDelay' must be a whole number of seconds, got 500 millis");
  });
});

test('WebApp: the default shutdown delay never takes more than half a short grace period', () => {
  const c = (grace: number) => mainContainer(build({ terminationGracePeriod: Duration.seconds(grace) }).all()).lifecycle;
  expect(c(8)).toEqual({ preStop: { exec: { command: ['sleep', '4'] } } });
  expect(c(1)).toBeUndefined();
  expect(c(0)).toBeUndefined();
});
