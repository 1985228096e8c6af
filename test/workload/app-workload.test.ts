import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  addEnvVariable, createAppDeployment, createExposurePolicy, createServiceAccount, disruptionBudgetOptions, resolveAppPorts, resolveIdentity, resolveRollout,
} from '../../lib/workload/app-workload';
import { recommendedLabels, selectorLabels } from '../../lib/core/labels';
import { resolvePodSecurity } from '../../lib/security/pod-security';
import { AppService, ServiceProtocol, ServiceType } from '../../lib/network/service';
import { RolloutStrategy } from '../../lib/workload/types';
import { IWorkloadPeer } from '../../lib/network/peer';
import { find, testChart } from '../util';

const SELECTOR = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };

/** A bare workload peer with one Service, to expose. */
class Peer extends Construct implements IWorkloadPeer {
  public readonly peerName = 'api';
  public readonly podSelector = SELECTOR;
  public readonly namespace = 'demo';
  public readonly service: AppService;
  constructor(scope: Construct, type: ServiceType) {
    super(scope, 'api');
    this.service = new AppService(this, 'Service', { name: 'api', type, selector: SELECTOR, identity: { name: 'api' } });
    this.service.addPodPort({ name: 'http', port: 8080, protocol: ServiceProtocol.TCP });
    this.service.addPort({ name: 'http', port: 80, targetPort: 'http', protocol: ServiceProtocol.TCP });
  }
}

describe('resolveIdentity', () => {
  test('with an image: the version defaults to its tag; the component to the given default', () => {
    expect(resolveIdentity(testChart(), 'api', {}, 'frontend', 'ghcr.io/acme/api:1.4.2')).toEqual({
      name: 'api', instance: undefined, version: '1.4.2', component: 'frontend', partOf: undefined,
    });
  });

  test('without an image there is no version at all (a blue/green slot sets its own)', () => {
    const id = resolveIdentity(testChart(), 'web', { version: 'ignored', instance: 'web-1', partOf: 'shop' }, 'frontend');
    expect(Object.keys(id)).toEqual(['name', 'instance', 'component', 'partOf']);
    expect(recommendedLabels(id)['app.kubernetes.io/version']).toBeUndefined();
  });

  test.each([
    ['instance', { instance: 'a b' }],
    ['version', { version: '-x' }],
    ['component', { component: 'a/b' }],
    ['partOf', { partOf: 'x'.repeat(64) }],
  ])('an invalid %s throws', (prop, props) => {
    expect(() => resolveIdentity(testChart(), 'api', props, 'frontend', 'nginx:1.27')).toThrow(`test: '${prop}' must be a valid label value`);
  });
});

describe('resolveRollout', () => {
  test('defaults: 0 s ready, 600 s deadline, 10 revisions, 30 s grace', () => {
    const strategy = RolloutStrategy.rollingUpdate();
    expect(resolveRollout(testChart(), strategy, {})).toEqual({
      strategy, minReadySeconds: 0, progressDeadlineSeconds: 600, revisionHistoryLimit: 10, terminationGracePeriodSeconds: 30,
    });
  });

  test.each([
    ['a rollout that can never replace a pod', RolloutStrategy.rollingUpdate({ maxSurge: 0, maxUnavailable: '0%' }), {}, `'strategy.maxUnavailable' must not be 0 when 'maxSurge' is 0 too`],
    ['a deadline not above minReady', RolloutStrategy.recreate(), { minReadySeconds: 30, progressDeadlineSeconds: 30 }, `'progressDeadlineSeconds' must be greater than minReadySeconds (30), got 30`],
    ['a negative history', RolloutStrategy.recreate(), { revisionHistoryLimit: -1 }, `'revisionHistoryLimit' must be >= 0, got -1`],
    ['a fractional grace period', RolloutStrategy.recreate(), { terminationGracePeriodSeconds: 1.5 }, `'terminationGracePeriodSeconds' must be an integer, got 1.5`],
  ])('%s throws', (_what, strategy, props, message) => {
    expect(() => resolveRollout(testChart(), strategy, props)).toThrow(message);
  });
});

describe('createAppDeployment', () => {
  function deployment(replicas: number, spread?: boolean) {
    const chart = testChart();
    const labels = recommendedLabels({ name: 'api', version: '1.0' });
    const podSecurity = resolvePodSecurity(chart);
    const d = createAppDeployment(chart, 'Deployment', {
      name: 'api',
      labels,
      selector: selectorLabels({ name: 'api' }),
      podAnnotations: { a: 'b' },
      replicas,
      rollout: resolveRollout(chart, RolloutStrategy.rollingUpdate({ maxSurge: 1, maxUnavailable: '10%' }), { revisionHistoryLimit: 3 }),
      serviceAccount: createServiceAccount(chart, 'api', labels),
      podSecurity,
      spreadAcrossHosts: spread,
      maxPods: replicas,
    });
    d.addContainer({ name: 'api', image: 'nginx:1.27' });
    return find(Testing.synth(chart), 'Deployment', 'api');
  }

  test('selected by the app labels only, pod labels without the construct path, the rollout settings applied', () => {
    const d = deployment(2);
    expect(d.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(d.spec.template.metadata.labels).toEqual(recommendedLabels({ name: 'api', version: '1.0' }));
    expect(d.spec.template.metadata.annotations).toEqual({ a: 'b' });
    expect(d.spec.revisionHistoryLimit).toBe(3);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '10%' } });
    expect(d.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(d.spec.template.spec.serviceAccountName).toBe('api');
    expect(d.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector)
      .toEqual({ matchLabels: SELECTOR });
  });

  test('one pod, or spreadAcrossHosts false, means no anti-affinity', () => {
    expect(deployment(1).spec.template.spec.affinity).toBeUndefined();
    expect(deployment(3, false).spec.template.spec.affinity).toBeUndefined();
  });
});

describe('createExposurePolicy', () => {
  test('ClusterIP without an Ingress: no policy', () => {
    const peer = new Peer(testChart(), ServiceType.CLUSTER_IP);
    expect(createExposurePolicy(peer, { service: peer.service, hasIngress: false, ingressControllerNamespace: undefined, labels: {} })).toBeUndefined();
  });

  test('NodePort: <name>-from-external, from anywhere, on the target ports added until synth', () => {
    const chart = testChart();
    const peer = new Peer(chart, ServiceType.NODE_PORT);
    const policy = createExposurePolicy(peer, { service: peer.service, hasIngress: true, ingressControllerNamespace: undefined, labels: { team: 'a' } });
    peer.service.addPodPort({ name: 'metrics', port: 9090, protocol: ServiceProtocol.TCP });
    peer.service.addPort({ name: 'metrics', port: 9090, targetPort: 'metrics', protocol: ServiceProtocol.TCP });
    expect(policy?.name).toBe('api-from-external');
    const np = find(Testing.synth(chart), 'NetworkPolicy', 'api-from-external');
    expect(np.metadata.labels).toEqual({ team: 'a', 'app.kubernetes.io/managed-by': 'kubecraft' });
    expect(np.spec.ingress).toEqual([{ ports: [{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }] }]);
  });

  test('ClusterIP with an Ingress: <name>-from-ingress, from the controller namespace', () => {
    const chart = testChart();
    const peer = new Peer(chart, ServiceType.CLUSTER_IP);
    createExposurePolicy(peer, { service: peer.service, hasIngress: true, ingressControllerNamespace: 'traefik', labels: {} });
    expect(find(Testing.synth(chart), 'NetworkPolicy', 'api-from-ingress').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('an ingressControllerNamespace without an Ingress, or an invalid one, throws', () => {
    const peer = new Peer(testChart(), ServiceType.CLUSTER_IP);
    expect(() => createExposurePolicy(peer, { service: peer.service, hasIngress: false, ingressControllerNamespace: 'x', labels: {} }))
      .toThrow(`test/api: 'ingressControllerNamespace' only applies with 'ingress', got "x" without an ingress`);
    expect(() => createExposurePolicy(peer, { service: peer.service, hasIngress: true, ingressControllerNamespace: 'Bad_NS', labels: {} }))
      .toThrow(`test/api: 'ingressControllerNamespace' must be a DNS-1123 label`);
  });
});

describe('ports, budget and env', () => {
  test('ports default to http 8080; none, a nodePort on ClusterIP, a repeated name or Service port, throws', () => {
    expect(resolveAppPorts(testChart(), {}, 'x')).toEqual([{ name: 'http', port: 8080 }]);
    expect(() => resolveAppPorts(testChart(), { ports: [{ name: 'http', port: 8080 }, { name: 'http', port: 8081 }] }, 'x'))
      .toThrow(`test: 'ports[].name' must not contain duplicates, got "http" twice`);
    expect(() => resolveAppPorts(testChart(), { ports: [{ name: 'a', port: 8080, servicePort: 80 }, { name: 'b', port: 8081, servicePort: 80 }] }, 'x'))
      .toThrow(`test: 'ports[].servicePort' must not contain duplicates, got "80/TCP" twice`);
    expect(resolveAppPorts(testChart(), { ports: [{ name: 'a', port: 8080, servicePort: 80 }, { name: 'b', port: 80, expose: false }] }, 'x')).toHaveLength(2);
    expect(() => resolveAppPorts(testChart(), { ports: [] }, 'reached by its Service')).toThrow(`test: 'ports' must contain at least one port (reached by its Service), got []`);
    expect(() => resolveAppPorts(testChart(), { ports: [{ name: 'http', port: 8080, nodePort: 30080 }] }, 'x'))
      .toThrow(`test: 'ports[0].nodePort' is only allowed with service type NodePort or LoadBalancer, got 30080 with ClusterIP`);
  });

  test('disruptionBudget: true is the defaults, false and undefined are none', () => {
    expect(disruptionBudgetOptions(true)).toEqual({});
    expect(disruptionBudgetOptions(false)).toBeUndefined();
    expect(disruptionBudgetOptions(undefined)).toBeUndefined();
    expect(disruptionBudgetOptions({ maxUnavailable: 2 })).toEqual({ maxUnavailable: 2 });
  });

  test('an env var goes to every container or to none', () => {
    const chart = testChart();
    const pod = new kplus.Pod(chart, 'pod');
    const a = pod.addContainer({ name: 'a', image: 'nginx:1.27' });
    const b = pod.addContainer({ name: 'b', image: 'nginx:1.27', envVariables: { TAKEN: kplus.EnvValue.fromValue('1') } });
    addEnvVariable(chart, [a, b], 'BOTH', 'x');
    expect([a.env.variables.BOTH?.value, b.env.variables.BOTH?.value]).toEqual(['x', 'x']);
    expect(() => addEnvVariable(chart, [a, b], 'TAKEN', 'y')).toThrow(`test: 'env' already has a variable "TAKEN"`);
    expect(a.env.variables.TAKEN).toBeUndefined();
    expect(() => addEnvVariable(chart, [a], '1BAD', 'y')).toThrow(`test: 'env' must only contain valid environment variable names (letters, digits, '_', '-' and '.', not starting with a digit), got "1BAD"`);
  });
});
