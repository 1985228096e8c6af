import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BlueGreenDeployment, BlueGreenDeploymentProps, ROLE_LABEL, ServiceRole, TrafficMode, VERSION_LABEL } from '../../lib/workload/blue-green';
import { AppPod } from '../../lib/workload/pods';
import { ServiceType, SessionAffinity } from '../../lib/network/service';
import { RolloutStrategy, TargetPortStyle } from '../../lib/workload/types';
import { connectionsOf } from '../../lib/network/wiring';
import { FixtureBackend } from '../backend-fixture';
import { Manifest, allOf, find, podSpecOf, restrictedViolations, synthAll, testChart } from '../util';

const VERSIONS = [
  { name: 'blue', image: 'ghcr.io/acme/web:1.4.2' },
  { name: 'green', image: 'ghcr.io/acme/web:1.5.0' },
];

function synth(props: Partial<BlueGreenDeploymentProps> = {}, namespace = 'demo'): { bg: BlueGreenDeployment; manifests: Manifest[] } {
  const chart = testChart(namespace);
  const bg = new BlueGreenDeployment(chart, 'web', { versions: VERSIONS, activeVersion: 'blue', ...props });
  return { bg, manifests: synthAll(chart) };
}

function build(props: Partial<BlueGreenDeploymentProps> = {}): BlueGreenDeployment {
  return new BlueGreenDeployment(testChart(), 'web', { versions: VERSIONS, activeVersion: 'blue', ...props });
}

/** Whether a label selector (matchLabels) matches a label set. */
function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function key(m: Manifest): string {
  return `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`;
}

function appContainer(d: Manifest): Manifest {
  const hit = podSpecOf(d).containers.filter((c: Manifest) => c.name === 'web');
  if (hit.length !== 1) throw new Error(`expected one container web in ${d.metadata.name}`);
  return hit[0];
}

describe('BlueGreenDeployment', () => {
  test('defaults snapshot', () => {
    expect(synth().manifests).toMatchSnapshot();
  });

  test('one Deployment per version, named <name>-<slot>, with version=<slot> in its pod labels and selector', () => {
    const { manifests } = synth();
    expect(allOf(manifests, 'Deployment').map((d) => d.metadata.name)).toEqual(['web-blue', 'web-green']);
    for (const slot of ['blue', 'green']) {
      const d = find(manifests, 'Deployment', `web-${slot}`);
      expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', [VERSION_LABEL]: slot } });
      expect(d.spec.template.metadata.labels[VERSION_LABEL]).toBe(slot);
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      expect(d.spec.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
    }
    expect(VERSION_LABEL).toBe('version');
  });

  test('app.kubernetes.io/version follows each slot image and never enters a selector', () => {
    const { manifests } = synth();
    expect(find(manifests, 'Deployment', 'web-blue').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.4.2');
    expect(find(manifests, 'Deployment', 'web-green').spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.5.0');
    for (const d of allOf(manifests, 'Deployment')) expect(d.spec.selector.matchLabels['app.kubernetes.io/version']).toBeUndefined();
    for (const s of allOf(manifests, 'Service')) expect(s.spec.selector['app.kubernetes.io/version']).toBeUndefined();
  });

  test('each version runs its own image, replicas, env, args and resources', () => {
    const { manifests, bg } = synth({
      replicas: 3,
      env: { LOG_LEVEL: 'info', COLOR: 'none' },
      resources: { memoryLimit: Size.mebibytes(512) },
      versions: [
        { name: 'blue', image: 'ghcr.io/acme/web:1.4.2', env: { COLOR: 'blue' } },
        { name: 'green', image: 'ghcr.io/acme/web:1.5.0', replicas: 1, env: { COLOR: 'green' }, args: ['--feature=x'], resources: { cpuLimit: kplus.Cpu.millis(250) } },
      ],
    });
    const blue = find(manifests, 'Deployment', 'web-blue');
    const green = find(manifests, 'Deployment', 'web-green');
    expect(blue.spec.replicas).toBe(3);
    expect(green.spec.replicas).toBe(1);
    expect(bg.replicas).toEqual({ blue: 3, green: 1 });
    expect(appContainer(blue).image).toBe('ghcr.io/acme/web:1.4.2');
    expect(appContainer(green).image).toBe('ghcr.io/acme/web:1.5.0');
    expect(appContainer(blue).env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'COLOR', value: 'blue' }]);
    expect(appContainer(green).env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, { name: 'COLOR', value: 'green' }]);
    expect(appContainer(blue).args).toBeUndefined();
    expect(appContainer(green).args).toEqual(['--feature=x']);
    expect(appContainer(blue).resources.limits).toEqual({ cpu: '500m', memory: '512Mi', 'ephemeral-storage': '512Mi' });
    expect(appContainer(green).resources.limits).toEqual({ cpu: '250m', memory: '512Mi', 'ephemeral-storage': '512Mi' });
  });

  test('the selectors of two versions never overlap', () => {
    const { manifests } = synth({ versions: [...VERSIONS, { name: 'canary', image: 'ghcr.io/acme/web:1.6.0-rc.1' }] });
    const deployments = allOf(manifests, 'Deployment');
    expect(deployments).toHaveLength(3);
    for (const a of deployments) {
      for (const b of deployments) {
        expect(matches(a.spec.selector.matchLabels, b.spec.template.metadata.labels)).toBe(a === b);
      }
    }
  });
});

describe('cut-over and rollback', () => {
  test('the stable Service selector follows activeVersion', () => {
    const blue = find(synth({ activeVersion: 'blue' }).manifests, 'Service', 'web');
    const green = find(synth({ activeVersion: 'green' }).manifests, 'Service', 'web');
    expect(blue.spec.selector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', version: 'blue' });
    expect(green.spec.selector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', version: 'green' });
    const deployments = synth().manifests.filter((m) => m.kind === 'Deployment');
    expect(deployments.filter((d) => matches(green.spec.selector, d.spec.template.metadata.labels)).map((d) => d.metadata.name)).toEqual(['web-green']);
  });

  test('each Deployment is identical across a cut-over; only the stable Service selector moves', () => {
    const before = synth({ activeVersion: 'blue' }).manifests;
    const after = synth({ activeVersion: 'green' }).manifests;
    expect(after.map(key)).toEqual(before.map(key));
    for (const slot of ['blue', 'green']) {
      const d0 = find(before, 'Deployment', `web-${slot}`);
      const d1 = find(after, 'Deployment', `web-${slot}`);
      expect(d1.spec.selector).toEqual(d0.spec.selector);
      expect(d1).toEqual(d0);
    }
    const changed = before.filter((m, i) => JSON.stringify(m) !== JSON.stringify(after[i])).map(key);
    expect(changed).toEqual(['Service/demo/web']);
    const s0 = find(before, 'Service', 'web');
    const s1 = find(after, 'Service', 'web');
    expect({ ...s1, spec: { ...s1.spec, selector: s0.spec.selector } }).toEqual(s0);
  });

  test('rolling back (activeVersion back to blue) gives the original manifests byte for byte', () => {
    const original = JSON.stringify(synth({ activeVersion: 'blue' }).manifests);
    synth({ activeVersion: 'green' });
    expect(JSON.stringify(synth({ activeVersion: 'blue' }).manifests)).toBe(original);
  });

  test('an image bump of the idle slot changes only that slot Deployment, not any selector', () => {
    const before = synth().manifests;
    const after = synth({ versions: [VERSIONS[0], { name: 'green', image: 'ghcr.io/acme/web:1.5.1' }] }).manifests;
    const changed = before.filter((m, i) => JSON.stringify(m) !== JSON.stringify(after[i])).map(key);
    expect(changed).toEqual(['Deployment/demo/web-green']);
    expect(find(after, 'Deployment', 'web-green').spec.selector).toEqual(find(before, 'Deployment', 'web-green').spec.selector);
  });
});

describe('Services', () => {
  test('the stable Service is <name>, labelled kubecraft.dev/role=stable; each version has a preview Service', () => {
    const { manifests, bg } = synth();
    const stable = find(manifests, 'Service', 'web');
    expect(stable.metadata.labels[ROLE_LABEL]).toBe('stable');
    expect(ROLE_LABEL).toBe('kubecraft.dev/role');
    for (const slot of ['blue', 'green']) {
      const preview = find(manifests, 'Service', `web-${slot}`);
      expect(preview.metadata.labels[ROLE_LABEL]).toBe(ServiceRole.PREVIEW);
      expect(preview.spec.selector).toEqual(bg.versionSelector(slot));
      expect(preview.spec.type).toBe('ClusterIP');
    }
    expect(allOf(manifests, 'Service').filter((s) => s.metadata.labels[ROLE_LABEL] === 'stable')).toHaveLength(1);
  });

  test('ports: service port != container port, targeted by name, on the stable and preview Services', () => {
    const { manifests } = synth({ ports: [{ name: 'http', port: 8080, servicePort: 80 }, { name: 'metrics', port: 9100, expose: false }] });
    for (const name of ['web', 'web-blue', 'web-green']) {
      expect(find(manifests, 'Service', name).spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    }
    expect(appContainer(find(manifests, 'Deployment', 'web-blue')).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9100, protocol: 'TCP' },
    ]);
  });

  test('stable Service options (NodePort with fixed nodePort, affinity, traffic policy) apply to the stable Service only', () => {
    const { manifests } = synth({
      ports: [{ name: 'http', port: 8080, servicePort: 80, nodePort: 30080 }],
      service: { type: ServiceType.NODE_PORT, sessionAffinity: SessionAffinity.CLIENT_IP },
    });
    const stable = find(manifests, 'Service', 'web');
    expect(stable.spec).toMatchObject({ type: 'NodePort', sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, nodePort: 30080, targetPort: 'http', protocol: 'TCP' }] });
    const preview = find(manifests, 'Service', 'web-green');
    expect(preview.spec.type).toBe('ClusterIP');
    expect(preview.spec.ports[0].nodePort).toBeUndefined();
    expect(preview.spec.sessionAffinity).toBeUndefined();
    const policy = find(manifests, 'NetworkPolicy', 'web-from-external');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } });
    expect(policy.spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('an Ingress goes to the stable Service and opens the pods to the ingress controller', () => {
    const { manifests } = synth({ ingress: { host: 'www.example.com', className: 'nginx' } });
    const ing = find(manifests, 'Ingress', 'web');
    expect(ing.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'web', port: { number: 8080 } } });
    expect(find(manifests, 'NetworkPolicy', 'web-from-ingress').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    ]);
  });
});

describe('canary mode', () => {
  test('the stable Service selects every version; replicas set the split', () => {
    const { manifests, bg } = synth({
      trafficMode: TrafficMode.CANARY,
      versions: [
        { name: 'stable', image: 'ghcr.io/acme/web:1.4.2', replicas: 9 },
        { name: 'canary', image: 'ghcr.io/acme/web:1.5.0', replicas: 1 },
      ],
      activeVersion: 'stable',
    });
    expect(bg.trafficMode).toBe(TrafficMode.CANARY);
    const svc = find(manifests, 'Service', 'web');
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });
    const deployments = allOf(manifests, 'Deployment');
    expect(deployments.every((d) => matches(svc.spec.selector, d.spec.template.metadata.labels))).toBe(true);
    expect(Object.fromEntries(deployments.map((d) => [d.spec.template.metadata.labels.version, d.spec.replicas]))).toEqual({ stable: 9, canary: 1 });
  });

  test('switching blue/green <-> canary changes only the stable Service selector', () => {
    const a = synth().manifests;
    const b = synth({ trafficMode: TrafficMode.CANARY }).manifests;
    expect(a.filter((m, i) => JSON.stringify(m) !== JSON.stringify(b[i])).map(key)).toEqual(['Service/demo/web']);
  });
});

describe('pods', () => {
  test('every version is restricted and shares one ServiceAccount that mounts no token', () => {
    const { manifests } = synth();
    const sa = find(manifests, 'ServiceAccount', 'web');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(allOf(manifests, 'ServiceAccount')).toHaveLength(1);
    for (const d of allOf(manifests, 'Deployment')) {
      const spec = podSpecOf(d);
      expect(restrictedViolations(spec)).toEqual([]);
      expect(spec.serviceAccountName).toBe('web');
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    }
  });

  test('probes, rolling update and history settings apply to every version', () => {
    const { manifests } = synth({
      readiness: kplus.Probe.fromHttpGet('/healthz'),
      liveness: kplus.Probe.fromHttpGet('/livez'),
      strategy: RolloutStrategy.rollingUpdate({ maxSurge: 1, maxUnavailable: 0 }),
      minReadySeconds: 5,
      revisionHistoryLimit: 3,
      progressDeadlineSeconds: 120,
      terminationGracePeriodSeconds: 10,
    });
    for (const d of allOf(manifests, 'Deployment')) {
      expect(d.spec).toMatchObject({ minReadySeconds: 5, revisionHistoryLimit: 3, progressDeadlineSeconds: 120 });
      expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
      expect(appContainer(d).readinessProbe.httpGet).toMatchObject({ path: '/healthz', port: 8080 });
      expect(appContainer(d).livenessProbe.httpGet).toMatchObject({ path: '/livez', port: 8080 });
      expect(podSpecOf(d).terminationGracePeriodSeconds).toBe(10);
    }
  });

  test('Recreate strategy', () => {
    const { manifests } = synth({ strategy: RolloutStrategy.recreate() });
    for (const d of allOf(manifests, 'Deployment')) expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('an optional PodDisruptionBudget per version, selecting only that version', () => {
    const { manifests, bg } = synth({ disruptionBudget: { minAvailable: 1 } });
    for (const slot of ['blue', 'green']) {
      const pdb = find(manifests, 'PodDisruptionBudget', `web-${slot}`);
      expect(pdb.spec).toEqual({ minAvailable: 1, selector: { matchLabels: bg.versionSelector(slot) }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    }
    expect(allOf(synth().manifests, 'PodDisruptionBudget')).toEqual([]);
  });

  test('addPodAnnotation annotates every version', () => {
    const { bg } = synth();
    bg.addPodAnnotation('checksum/config', 'abc');
    const manifests = synthAll(bg);
    for (const d of allOf(manifests, 'Deployment')) expect(d.spec.template.metadata.annotations).toEqual({ 'checksum/config': 'abc' });
  });

  test('an idle slot may be scaled to 0 without touching its selector', () => {
    const { manifests } = synth({ versions: [VERSIONS[0], { ...VERSIONS[1], replicas: 0 }] });
    expect(find(manifests, 'Deployment', 'web-green').spec.replicas).toBe(0);
  });
});

describe('wiring', () => {
  test('as a backend, its endpoint is the stable Service', () => {
    const { bg } = synth();
    expect(bg.endpoint.fqdn).toBe('web.demo.svc.cluster.local');
    expect(bg.backendPorts).toEqual([{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }]);
  });

  test('a consumer gets the stable Service FQDN URL, and the policies cover every version', () => {
    const chart = testChart('demo');
    const web = new BlueGreenDeployment(chart, 'web', { versions: VERSIONS, activeVersion: 'blue', ports: [{ name: 'http', port: 8080, servicePort: 80 }] });
    const client = new AppPod(chart, 'client', { image: 'busybox:1.36.1' });
    client.connectTo(web, { env: 'WEB_URL' });
    const manifests = synthAll(chart);
    const env = podSpecOf(find(manifests, 'Pod', 'client')).containers[0].env;
    expect(env).toEqual([{ name: 'WEB_URL', value: 'http://web.demo.svc.cluster.local' }]);
    expect(find(manifests, 'NetworkPolicy', 'web-from-client').spec.podSelector).toEqual({ matchLabels: web.podSelector });
    expect(web.podSelector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });
  });

  test('connectTo gives every version the backend FQDN URL, in the same or another namespace', () => {
    const chart = testChart('dev');
    const api = new FixtureBackend(chart, 'api');
    const web = new BlueGreenDeployment(chart, 'web', { versions: VERSIONS, activeVersion: 'blue' });
    web.connectTo(api, { env: 'API_URL' });
    const manifests = synthAll(chart);
    for (const d of allOf(manifests, 'Deployment')) {
      expect(appContainer(d).env).toEqual([{ name: 'API_URL', value: api.endpoint.url() }]);
      expect(appContainer(d).env[0].value).toBe('http://api.dev.svc.cluster.local');
    }
    expect(find(manifests, 'NetworkPolicy', 'web-to-api').spec.podSelector).toEqual({ matchLabels: web.podSelector });
    expect(connectionsOf(chart).map((c) => `${c.from.peerName}->${c.to.peerName}`)).toEqual(['web->api']);
  });

  test('addEnv rejects a variable already set', () => {
    const bg = build({ env: { API_URL: 'x' } });
    expect(() => bg.addEnv('API_URL', 'y')).toThrow(/test\/web: 'env' already has a variable "API_URL"/);
  });
});

describe('bad input', () => {
  test.each<[string, Partial<BlueGreenDeploymentProps>, RegExp]>([
    ['an activeVersion that is not a version', { activeVersion: 'purple' }, /test\/web: 'activeVersion' must be one of the versions \("blue", "green"\), got "purple"/],
    ['duplicate versions', { versions: [VERSIONS[0], { name: 'blue', image: 'ghcr.io/acme/web:1.5.0' }] }, /test\/web: 'versions\[\].name' must not contain duplicates, got "blue" twice/],
    ['no versions', { versions: [] }, /test\/web: 'versions' must contain at least one version .*got \[\]/],
    ['a version that is not a label value', { versions: [VERSIONS[0], { name: 'green!', image: 'ghcr.io/acme/web:1.5.0' }] }, /test\/web: 'versions\[1\].name' must be a valid label value .*got "green!"/],
    ['an empty version name', { versions: [VERSIONS[0], { name: '', image: 'ghcr.io/acme/web:1.5.0' }] }, /test\/web: 'versions\[1\].name' must not be empty, got ""/],
    ['a version that cannot name a Deployment', { versions: [VERSIONS[0], { name: 'Green', image: 'ghcr.io/acme/web:1.5.0' }] }, /'versions\[1\].name' must be lowercase letters, digits and '-' \(it names the Deployment and Service "web-Green".*got "Green"/],
    ['a version name too long for the object name', { versions: [VERSIONS[0], { name: 'g'.repeat(60), image: 'ghcr.io/acme/web:1.5.0' }] }, /'versions\[1\].name' must be lowercase .*at most 63 characters/],
    ['a version with an untagged image', { versions: [VERSIONS[0], { name: 'green', image: 'ghcr.io/acme/web' }] }, /test\/web: 'versions\[1\].image' must carry an explicit tag or digest/],
    ['negative replicas', { replicas: -1 }, /test\/web: 'replicas' must be >= 0, got -1/],
    ['negative version replicas', { versions: [VERSIONS[0], { ...VERSIONS[1], replicas: -2 }] }, /'versions\[1\].replicas' must be >= 0, got -2/],
    ['an active version with 0 replicas', { versions: [{ ...VERSIONS[0], replicas: 0 }, VERSIONS[1]] }, /'activeVersion' selects version "blue", which has 0 replicas/],
    ['every version at 0 replicas in canary mode', { trafficMode: TrafficMode.CANARY, replicas: 0 }, /'replicas' must be >= 1 for at least one version/],
    ['an unknown traffic mode', { trafficMode: 'Shadow' as TrafficMode }, /'trafficMode' must be one of BlueGreen, Canary, got "Shadow"/],
    ['no ports', { ports: [] }, /'ports' must contain at least one port/],
    ['no exposed port', { ports: [{ name: 'http', port: 8080, expose: false }] }, /'ports' must expose at least one port/],
    ['a nodePort on a ClusterIP Service', { ports: [{ name: 'http', port: 8080, nodePort: 30080 }] }, /'ports\[0\].nodePort' is only allowed with service type NodePort or LoadBalancer, got 30080 with ClusterIP/],
    ['a budget that blocks every drain', { replicas: 2, disruptionBudget: { minAvailable: 2 } }, /'disruptionBudget\(blue\).minAvailable' must be lower than the 2 replica\(s\)/],
    ['a rollout that can never progress', { strategy: RolloutStrategy.rollingUpdate({ maxSurge: 0, maxUnavailable: 0 }) }, /'strategy.maxUnavailable' must not be 0 when 'maxSurge' is 0 too/],
    ['a progress deadline below minReadySeconds', { minReadySeconds: 60, progressDeadlineSeconds: 30 }, /'progressDeadlineSeconds' must be greater than minReadySeconds \(60\), got 30/],
    ['an invalid name', { name: 'Web' }, /'name' must be a DNS-1123 label/],
    ['an invalid appVersion', { versions: [VERSIONS[0], { ...VERSIONS[1], appVersion: 'v 2' }] }, /test\/web: 'versions\[1\].appVersion' must be a valid label value.*got "v 2"/],
    ['an invalid instance', { instance: 'a b' }, /test\/web: 'instance' must be a valid label value.*got "a b"/],
    ['an ingress controller namespace without ingress', { ingressControllerNamespace: 'traefik' }, /'ingressControllerNamespace' only applies with 'ingress'/],
  ])('rejects %s', (_what, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('deployment() names the versions that exist', () => {
    const bg = build();
    expect(bg.deployment('green')).toBe(bg.deployments.green);
    expect(() => bg.deployment('red')).toThrow(/'version' must be one of the versions \("blue", "green"\), got "red"/);
  });
});

describe('BlueGreenDeployment: labels, selector and annotations of your own', () => {
  test('selectorLabels select every version; each Deployment and Service adds its slot; NetworkPolicies select all versions', () => {
    const { bg, manifests } = synth({
      selectorLabels: { app: 'shop-web' }, labels: { team: 'shop' }, podLabels: { tier: 'web' }, annotations: { 'example.com/owner': 'a' },
      service: { type: ServiceType.LOAD_BALANCER, name: 'web-lb' }, disruptionBudget: true,
    });
    for (const slot of ['blue', 'green']) {
      const d = find(manifests, 'Deployment', `web-${slot}`);
      expect(d.spec.selector).toEqual({ matchLabels: { app: 'shop-web', [VERSION_LABEL]: slot } });
      expect(d.spec.template.metadata.labels).toMatchObject({ app: 'shop-web', team: 'shop', tier: 'web', [VERSION_LABEL]: slot });
      expect(d.metadata.labels.tier).toBeUndefined();
      expect(find(manifests, 'Service', `web-${slot}`).spec.selector).toEqual({ app: 'shop-web', [VERSION_LABEL]: slot });
      expect(find(manifests, 'PodDisruptionBudget', `web-${slot}`).spec.selector).toEqual({ matchLabels: { app: 'shop-web', [VERSION_LABEL]: slot } });
    }
    expect(find(manifests, 'Service', 'web-lb').spec.selector).toEqual({ app: 'shop-web', [VERSION_LABEL]: 'blue' });
    expect(find(manifests, 'NetworkPolicy', 'web-from-external').spec.podSelector).toEqual({ matchLabels: { app: 'shop-web' } });
    expect(bg.podSelector).toEqual({ app: 'shop-web' });
    for (const o of manifests) {
      expect([o.kind, o.metadata.labels.team, o.metadata.annotations?.['example.com/owner']]).toEqual([o.kind, 'shop', 'a']);
    }
    expect(find(manifests, 'Service', 'web-lb').metadata.labels[ROLE_LABEL]).toBe(ServiceRole.STABLE);
  });

  test('canary mode: the stable Service selects every version by the chosen selector', () => {
    const { manifests } = synth({ selectorLabels: { app: 'shop-web' }, trafficMode: TrafficMode.CANARY });
    expect(find(manifests, 'Service', 'web').spec.selector).toEqual({ app: 'shop-web' });
  });

  test.each<[string, Partial<BlueGreenDeploymentProps>, string]>([
    ['the slot label in the selector', { selectorLabels: { version: 'blue' } },
      `'selectorLabels' must not contain "version": the BlueGreenDeployment sets it to each version's slot`],
    ['the slot label in podLabels', { podLabels: { version: 'x' } }, `'podLabels' must not set "version": the BlueGreenDeployment sets it to each version's slot`],
    ['an image tag of any version in the selector', { selectorLabels: { release: '1.5.0' } },
      `'selectorLabels["release"]' must not be a version or image tag (it would change with a release, and a workload's selector is immutable), got "1.5.0"`],
    ['a bad stable Service name', { service: { name: 'Web' } }, `'service.name' must be a DNS-1123 label`],
  ])('rejects %s', (_what, props, message) => {
    expect(() => build(props)).toThrow(`test/web: ${message}`);
  });

  test('the Services target the container ports by number with TargetPortStyle.BY_NUMBER', () => {
    const { manifests } = synth({ ports: [{ name: 'http', port: 8080, servicePort: 80 }], service: { targetPortStyle: TargetPortStyle.BY_NUMBER } });
    for (const name of ['web', 'web-blue', 'web-green']) expect(find(manifests, 'Service', name).spec.ports[0].targetPort).toBe(8080);
  });
});

describe('BlueGreenDeployment: a shutdown delay on every version (preStop)', () => {
  test('5 s by default on each slot (exec sleep at the default target 1.27), configurable, checked against the grace period', () => {
    for (const name of ['web-blue', 'web-green']) {
      expect(appContainer(find(synth().manifests, 'Deployment', name)).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    }
    expect(appContainer(find(synth({ shutdownDelay: Duration.seconds(0) }).manifests, 'Deployment', 'web-blue')).lifecycle).toBeUndefined();
    expect(() => build({ shutdownDelay: Duration.seconds(40) })).toThrow(/'shutdownDelay' must be shorter than terminationGracePeriod \(30s\), got 40s/);
  });
});
