import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AddableCapability } from '../../lib/security/pod-security';
import { ExternalTrafficPolicy, ServiceType, SessionAffinity } from '../../lib/network/service';
import { TopologyKey, WebApp, WebAppProps, WhenUnsatisfiable } from '../../lib/workload/web-app';
import { RolloutStrategy, WebAppPort } from '../../lib/workload/types';
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
    expect(pdb.spec).toEqual({ selector: { matchLabels: SELECTOR }, maxUnavailable: 1 });
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
