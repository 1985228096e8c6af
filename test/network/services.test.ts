/**
 * Every Service field a reader of the book's Services chapter reaches for, written through the user-facing
 * constructs (WebApp, BlueGreenDeployment, StatefulDatabase, AppService) and checked in the synthesized YAML:
 * the field is there, with the Kubernetes spelling, and the pods it selects are the ones intended.
 */
import { Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BlueGreenDeployment } from '../../lib/workload/blue-green';
import {
  AppService, ExternalTrafficPolicy, IpFamily, IpFamilyPolicy, ServiceProtocol, ServiceType, SessionAffinity,
} from '../../lib/network/service';
import { StatefulDatabase } from '../../lib/workload/stateful-database';
import { WebApp, WebAppProps } from '../../lib/workload/web-app';
import { Manifest, allOf, find, synthAll, testChart } from '../util';

function webApp(props: Partial<WebAppProps> = {}): { app: WebApp; manifests: Manifest[]; svc: Manifest; deployment: Manifest } {
  const chart = testChart();
  const app = new WebApp(chart, 'web', { image: 'ghcr.io/acme/web:1.4.2', ...props });
  const manifests = synthAll(chart);
  return { app, manifests, svc: find(manifests, 'Service', 'web'), deployment: find(manifests, 'Deployment', 'web') };
}

/** Whether a Service selector selects a pod template's labels. */
function selects(svc: Manifest, workload: Manifest): boolean {
  return Object.entries(svc.spec.selector as Record<string, string>).every(([k, v]) => workload.spec.template.metadata.labels[k] === v);
}

/** The container port a Service port's targetPort reaches (by name or number). */
function targetOf(svcPort: Manifest, workload: Manifest): Manifest | undefined {
  const ports = workload.spec.template.spec.containers.flatMap((c: Manifest) => c.ports ?? []);
  return ports.find((p: Manifest) => (typeof svcPort.targetPort === 'string' ? p.name === svcPort.targetPort : p.containerPort === svcPort.targetPort)
    && (p.protocol ?? 'TCP') === (svcPort.protocol ?? 'TCP'));
}

describe('ClusterIP', () => {
  test('implicit: a WebApp gets a ClusterIP Service named after it, selecting its pods', () => {
    const { svc, deployment } = webApp();
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.clusterIP).toBeUndefined();
    expect(selects(svc, deployment)).toBe(true);
    expect(targetOf(svc.spec.ports[0], deployment)).toEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
  });

  test('explicit ServiceType.CLUSTER_IP gives the same Service as implicit', () => {
    expect(webApp({ service: { type: ServiceType.CLUSTER_IP } }).svc).toEqual(webApp().svc);
  });
});

describe('NodePort and LoadBalancer', () => {
  test('NodePort with a fixed nodePort', () => {
    const { svc, deployment } = webApp({ ports: [{ name: 'http', port: 8080, servicePort: 80, nodePort: 30080 }], service: { type: ServiceType.NODE_PORT } });
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' }]);
    expect(targetOf(svc.spec.ports[0], deployment)?.containerPort).toBe(8080);
  });

  test('NodePort without nodePort leaves the allocation to the cluster', () => {
    const { svc } = webApp({ service: { type: ServiceType.NODE_PORT } });
    expect(svc.spec.ports[0].nodePort).toBeUndefined();
  });

  test('LoadBalancer with externalTrafficPolicy Local, source ranges and annotations', () => {
    const { svc } = webApp({
      ports: [{ name: 'https', port: 8443, servicePort: 443 }],
      service: {
        type: ServiceType.LOAD_BALANCER,
        externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
        loadBalancerSourceRanges: ['203.0.113.0/24'],
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' },
      },
    });
    expect(svc.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['203.0.113.0/24'] });
    expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    expect(svc.metadata.annotations).toEqual({ 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' });
  });

  test('externalTrafficPolicy Cluster on a NodePort', () => {
    expect(webApp({ service: { type: ServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER } }).svc.spec.externalTrafficPolicy).toBe('Cluster');
  });

  test('externalTrafficPolicy on a ClusterIP Service is rejected (Kubernetes ignores it there)', () => {
    expect(() => webApp({ service: { externalTrafficPolicy: ExternalTrafficPolicy.LOCAL } })).toThrow(/'externalTrafficPolicy' is only allowed for NodePort and LoadBalancer Services/);
  });

  test('a BlueGreenDeployment stable Service can be a NodePort with a fixed nodePort', () => {
    const chart = testChart();
    new BlueGreenDeployment(chart, 'web', {
      versions: [{ name: 'blue', image: 'ghcr.io/acme/web:1.4.2' }, { name: 'green', image: 'ghcr.io/acme/web:1.5.0' }],
      activeVersion: 'green',
      ports: [{ name: 'http', port: 8080, servicePort: 80, nodePort: 30081 }],
      service: { type: ServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL },
    });
    const manifests = synthAll(chart);
    const svc = find(manifests, 'Service', 'web');
    expect(svc.spec).toMatchObject({ type: 'NodePort', externalTrafficPolicy: 'Local', selector: { version: 'green' } });
    expect(svc.spec.ports[0]).toEqual({ name: 'http', port: 80, targetPort: 'http', nodePort: 30081, protocol: 'TCP' });
    expect(allOf(manifests, 'Deployment').filter((d) => selects(svc, d)).map((d) => d.metadata.name)).toEqual(['web-green']);
  });
});

describe('headless', () => {
  test('a StatefulDatabase governs its pods by a headless Service (clusterIP: None)', () => {
    const chart = testChart();
    const db = new StatefulDatabase(chart, 'db', { image: 'postgres:16.4', ports: [{ name: 'postgres', port: 5432 }] });
    const manifests = synthAll(chart);
    const svc = find(manifests, 'Service', db.serviceName);
    const sts = find(manifests, 'StatefulSet', 'db');
    expect(svc.spec.clusterIP).toBe('None');
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(selects(svc, sts)).toBe(true);
    expect(targetOf(svc.spec.ports[0], sts)?.containerPort).toBe(5432);
  });

  test('an AppService may be headless without ports (DNS only)', () => {
    const chart = testChart();
    new AppService(chart, 'peers', { headless: true, selector: { 'app.kubernetes.io/name': 'db' } });
    const svc = find(synthAll(chart), 'Service', 'peers');
    expect(svc.spec).toEqual({ type: 'ClusterIP', clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'db' } });
  });
});

describe('ports', () => {
  test('port != targetPort: the Service port 80 reaches container port 8080 by name', () => {
    const { svc, deployment, app } = webApp({ ports: [{ name: 'http', port: 8080, servicePort: 80 }] });
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(targetOf(svc.spec.ports[0], deployment)?.containerPort).toBe(8080);
    expect(app.backendPorts).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect(app.endpoint.url()).toBe('http://web.demo.svc.cluster.local');
  });

  test('port != targetPort with a numeric targetPort (AppService)', () => {
    const chart = testChart();
    new AppService(chart, 'api', { selector: { 'app.kubernetes.io/name': 'api' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    expect(find(synthAll(chart), 'Service', 'api').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
  });

  test('named ports and named targetPorts: every Service port reaches the container port of the same name', () => {
    const { svc, deployment } = webApp({
      ports: [{ name: 'http', port: 8080, servicePort: 80 }, { name: 'grpc', port: 9090 }, { name: 'metrics', port: 9100, expose: false }],
    });
    expect(svc.spec.ports.map((p: Manifest) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['http:80->http', 'grpc:9090->grpc']);
    for (const p of svc.spec.ports) expect(targetOf(p, deployment)?.name).toBe(p.name);
    const yaml = Yaml.stringify(svc);
    expect(yaml).toContain('targetPort: http\n');
  });

  test('protocol UDP on a WebApp port reaches a UDP container port; SCTP through AppService', () => {
    const { svc, deployment } = webApp({ ports: [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, servicePort: 53, protocol: kplus.Protocol.UDP }] });
    const dns = svc.spec.ports.find((p: Manifest) => p.name === 'dns');
    expect(dns).toEqual({ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' });
    expect(targetOf(dns, deployment)).toEqual({ name: 'dns', containerPort: 5353, protocol: 'UDP' });
    const chart = testChart();
    new AppService(chart, 'sig', { selector: { 'app.kubernetes.io/name': 'sig' }, ports: [{ name: 'sctp', port: 9899, protocol: ServiceProtocol.SCTP }] });
    expect(find(synthAll(chart), 'Service', 'sig').spec.ports[0].protocol).toBe('SCTP');
  });
});

describe('selectors', () => {
  test('multi-label selectors: every label must match (WebApp: name + instance)', () => {
    const { svc, deployment } = webApp({ instance: 'web-eu' });
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web-eu' });
    expect(deployment.spec.selector.matchLabels).toEqual(svc.spec.selector);
    const other = webApp({ instance: 'web-us' }).deployment;
    expect(selects(svc, other)).toBe(false);
  });

  test('multi-label selectors with custom keys (AppService) and a version slot (BlueGreenDeployment)', () => {
    const chart = testChart();
    new AppService(chart, 'api', { selector: { app: 'api', tier: 'backend', track: 'stable' }, ports: [{ name: 'http', port: 80 }] });
    const bg = new BlueGreenDeployment(chart, 'web', { versions: [{ name: 'blue', image: 'ghcr.io/acme/web:1.4.2' }], activeVersion: 'blue' });
    const manifests = synthAll(chart);
    expect(find(manifests, 'Service', 'api').spec.selector).toEqual({ app: 'api', tier: 'backend', track: 'stable' });
    expect(find(manifests, 'Service', 'web').spec.selector).toEqual(bg.versionSelector('blue'));
    expect(Object.keys(bg.versionSelector('blue'))).toHaveLength(3);
  });
});

describe('session affinity and dual stack', () => {
  test('sessionAffinity ClientIP with a timeout', () => {
    const { svc } = webApp({ service: { sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeoutSeconds: 3600 } });
    expect(svc.spec.sessionAffinity).toBe('ClientIP');
    expect(svc.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 3600 } });
  });

  test('sessionAffinity None is emitted when asked', () => {
    expect(webApp({ service: { sessionAffinity: SessionAffinity.NONE } }).svc.spec.sessionAffinity).toBe('None');
  });

  test('ipFamilyPolicy and ipFamilies (dual-stack and single-stack IPv6)', () => {
    const dual = webApp({ service: { ipFamilyPolicy: IpFamilyPolicy.REQUIRE_DUAL_STACK, ipFamilies: [IpFamily.IPV4, IpFamily.IPV6] } }).svc;
    expect(dual.spec).toMatchObject({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] });
    const v6 = webApp({ service: { ipFamilyPolicy: IpFamilyPolicy.SINGLE_STACK, ipFamilies: [IpFamily.IPV6] } }).svc;
    expect(v6.spec).toMatchObject({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] });
    const prefer = webApp({ service: { ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK } }).svc;
    expect(prefer.spec.ipFamilyPolicy).toBe('PreferDualStack');
    expect(prefer.spec.ipFamilies).toBeUndefined();
  });

  test('two families with SingleStack are rejected', () => {
    expect(() => webApp({ service: { ipFamilyPolicy: IpFamilyPolicy.SINGLE_STACK, ipFamilies: [IpFamily.IPV4, IpFamily.IPV6] } }))
      .toThrow(/'ipFamilies' must contain one family with ipFamilyPolicy SingleStack/);
  });
});

describe('Kubernetes spelling', () => {
  test('fields keep their API names (clusterIP, sessionAffinityConfig.clientIP, ipFamilies) in the YAML', () => {
    const chart = testChart();
    new AppService(chart, 'x', {
      headless: true,
      selector: { app: 'x' },
      ports: [{ name: 'http', port: 80 }],
      sessionAffinity: SessionAffinity.CLIENT_IP,
      sessionAffinityTimeoutSeconds: 60,
      ipFamilyPolicy: IpFamilyPolicy.SINGLE_STACK,
      ipFamilies: [IpFamily.IPV4],
    });
    const yaml = Yaml.stringify(...Testing.synth(chart));
    for (const field of ['clusterIP: None', 'sessionAffinityConfig:', 'clientIP:', 'ipFamilies:', 'ipFamilyPolicy: SingleStack']) expect(yaml).toContain(field);
    expect(yaml).not.toMatch(/clusterIp|clientIp/);
  });
});
