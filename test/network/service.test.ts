import { Chart, Duration, Testing, Yaml } from 'cdk8s';
import {
  AppService, ExternalTrafficPolicy, InternalTrafficPolicy, IpFamily, IpFamilyPolicy, ServiceProtocol, ServiceType, SessionAffinity,
} from '../../lib/network/service';
import { find, synthAll, testChart } from '../util';

const selector = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };

function svc(props: ConstructorParameters<typeof AppService>[2], id = 'api') {
  const chart = testChart();
  const s = new AppService(chart, id, props);
  return { chart, s, m: find(synthAll(chart), 'Service', s.name) };
}

describe('AppService', () => {
  test('defaults: ClusterIP, targetPort = port, TCP, recommended labels, stable name from the id', () => {
    const { m, s } = svc({ selector, ports: [{ name: 'http', port: 8080 }] });
    expect(m.metadata.name).toBe('api');
    expect(m.metadata.namespace).toBe('demo');
    expect(m.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/managed-by': 'kubecraft',
    });
    expect(m.spec).toEqual({
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    });
    expect(s.type).toBe(ServiceType.CLUSTER_IP);
    expect(m).toMatchSnapshot();
  });

  test('named targetPort synthesizes as a string in the YAML and resolves to the pod port number', () => {
    const chart = testChart();
    const s = new AppService(chart, 'web', {
      selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }], podPorts: [{ name: 'http', port: 8080 }],
    });
    const yaml = Yaml.stringify(...Testing.synth(chart));
    expect(yaml).toContain('targetPort: http\n');
    const m = find(synthAll(chart), 'Service', 'web');
    expect(m.spec.ports[0]).toEqual({ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' });
    expect(s.backendPorts).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect(s.endpoint.url()).toBe('http://web.demo.svc.cluster.local');
  });

  test('a named targetPort resolves to the container port of the same name and protocol', () => {
    const s = new AppService(testChart(), 'dns', {
      selector,
      ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: ServiceProtocol.UDP }, { name: 'dns-tcp', port: 53, targetPort: 'dns' }],
      podPorts: [{ name: 'dns', port: 5353 }, { name: 'dns', port: 5354, protocol: ServiceProtocol.UDP }],
    });
    expect(s.backendPorts).toEqual([
      { name: 'dns', port: 53, targetPort: 5354, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, targetPort: 5353, protocol: 'TCP' },
    ]);
  });

  test('NodePort with a fixed nodePort, LoadBalancer with source ranges and traffic policies', () => {
    const np = svc({
      selector, type: ServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
      ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }],
    }).m;
    expect(np.spec.type).toBe('NodePort');
    expect(np.spec.externalTrafficPolicy).toBe('Local');
    expect(np.spec.ports[0]).toEqual({ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' });

    const lb = svc({
      selector, type: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['203.0.113.0/24'],
      internalTrafficPolicy: InternalTrafficPolicy.LOCAL, annotations: { 'example.com/lb': 'internal' },
      ports: [{ name: 'https', port: 443, targetPort: 8443, appProtocol: 'https' }],
    }).m;
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.spec.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
    expect(lb.spec.internalTrafficPolicy).toBe('Local');
    expect(lb.spec.ports[0].appProtocol).toBe('https');
    expect(lb.metadata.annotations).toEqual({ 'example.com/lb': 'internal' });
  });

  test('headless: clusterIP None, ports optional, publishNotReadyAddresses', () => {
    const { m, s } = svc({ selector, headless: true, publishNotReadyAddresses: true }, 'db');
    expect(m.spec).toEqual({ type: 'ClusterIP', clusterIP: 'None', selector, publishNotReadyAddresses: true });
    expect(s.backendPorts).toEqual([]);
  });

  test('sessionAffinityTimeout is a Duration (sessionAffinityTimeoutSeconds is deprecated)', () => {
    const { m } = svc({ sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeout: Duration.minutes(10), ports: [{ port: 80 }] });
    expect(m.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 600 } });
  });

  test('sessionAffinity with timeout, dual stack, UDP, multi-label selector, extra labels', () => {
    const { m } = svc({
      selector: { ...selector, tier: 'edge' },
      sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeoutSeconds: 600,
      ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK, ipFamilies: [IpFamily.IPV6, IpFamily.IPV4],
      labels: { team: 'core' },
      ports: [{ name: 'dns', port: 53, targetPort: 5353, protocol: ServiceProtocol.UDP }, { name: 'dns-tcp', port: 53, targetPort: 5353 }],
    });
    expect(m.spec.selector).toEqual({ ...selector, tier: 'edge' });
    expect(m.spec.sessionAffinity).toBe('ClientIP');
    expect(m.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 600 } });
    expect(m.spec.ipFamilyPolicy).toBe('PreferDualStack');
    expect(m.spec.ipFamilies).toEqual(['IPv6', 'IPv4']);
    expect(m.spec.ports.map((p: { protocol: string }) => p.protocol)).toEqual(['UDP', 'TCP']);
    expect(m.metadata.labels.team).toBe('core');
  });

  test('a single unnamed port is allowed; addPort after construction is rendered', () => {
    const chart = testChart();
    const s = new AppService(chart, 'x', { selector, ports: [{ port: 80 }] });
    expect(find(synthAll(chart), 'Service', 'x').spec.ports).toEqual([{ port: 80, targetPort: 80, protocol: 'TCP' }]);
    const chart2 = testChart();
    const s2 = new AppService(chart2, 'y', { selector, ports: [{ name: 'http', port: 80 }] });
    s2.addPort({ name: 'metrics', port: 9090 });
    expect(find(synthAll(chart2), 'Service', 'y').spec.ports.map((p: { name: string }) => p.name)).toEqual(['http', 'metrics']);
    expect(s2.endpoint.port('metrics').port).toBe(9090);
    expect(s.endpoint.fqdn).toBe('x.demo.svc.cluster.local');
  });

  test('explicit name overrides the id; namespace-less chart gives the default namespace in DNS names', () => {
    const chart = new Chart(Testing.app(), 'nons');
    const s = new AppService(chart, 'Svc', { name: 'backend', selector, ports: [{ name: 'http', port: 80 }] });
    expect(find(synthAll(chart), 'Service', 'backend').metadata.namespace).toBeUndefined();
    expect(s.endpoint.fqdn).toBe('backend.default.svc.cluster.local');
  });

  describe('rejects bad input', () => {
    const bad: [string, ConstructorParameters<typeof AppService>[2], RegExp][] = [
      ['an invalid name', { name: 'My_Svc', ports: [{ port: 80 }] }, /test\/api: 'name' must be a DNS-1123 label.*"My_Svc"/],
      ['a port outside 1-65535', { ports: [{ name: 'http', port: 70000 }] }, /'ports\[0\]\.port' must be a port number between 1 and 65535, got 70000/],
      ['a targetPort of 0', { ports: [{ name: 'http', port: 80, targetPort: 0 }] }, /'ports\[0\]\.targetPort' must be a port number/],
      ['duplicate port names', { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }, /'ports\[1\]\.name' must be unique.*"http" twice/],
      ['duplicate port numbers', { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }, /'ports\[1\]\.port' must be unique per protocol.*80\/TCP/],
      ['an unnamed port in a multi-port Service', { ports: [{ name: 'a', port: 80 }, { port: 81 }] }, /'ports\[1\]\.name' is required/],
      ['an invalid port name', { ports: [{ name: 'HTTP_1', port: 80 }] }, /'ports\[0\]\.name' must be a port name/],
      ['a nodePort on ClusterIP', { ports: [{ name: 'a', port: 80, nodePort: 30080 }] }, /'ports\[0\]\.nodePort' is only allowed for NodePort and LoadBalancer/],
      ['a nodePort out of range', { type: ServiceType.NODE_PORT, ports: [{ name: 'a', port: 80, nodePort: 8080 }] }, /'ports\[0\]\.nodePort' must be between 30000 and 32767.*8080/],
      ['duplicate nodePorts', { type: ServiceType.NODE_PORT, ports: [{ name: 'a', port: 80, nodePort: 30080 }, { name: 'b', port: 81, nodePort: 30080 }] }, /'ports\[1\]\.nodePort' must be unique/],
      ['a named targetPort the pods do not declare', { ports: [{ name: 'a', port: 80, targetPort: 'web' }], podPorts: [{ name: 'http', port: 8080 }] }, /'ports\[0\]\.targetPort' names container port "web", but the selected pods declare "http"/],
      ['a named targetPort of another protocol', { ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: ServiceProtocol.UDP }], podPorts: [{ name: 'dns', port: 5353 }] }, /^test\/api: 'ports\[0\]\.targetPort' must name a container port of the Service port's protocol UDP, got "dns" \(a TCP port\)$/],
      ['a named targetPort that is not a valid port name', { ports: [{ name: 'a', port: 80, targetPort: 'Not_A_Name' }] }, /'ports\[0\]\.targetPort' must be a port name/],
      ['no ports on a non-headless Service', { ports: [] }, /'ports' must contain at least one port/],
      ['headless with NodePort', { headless: true, type: ServiceType.NODE_PORT }, /'headless' is only possible with type ClusterIP/],
      ['externalTrafficPolicy on ClusterIP', { externalTrafficPolicy: ExternalTrafficPolicy.LOCAL, ports: [{ port: 80 }] }, /'externalTrafficPolicy' is only allowed for NodePort and LoadBalancer/],
      ['loadBalancerSourceRanges on NodePort', { type: ServiceType.NODE_PORT, loadBalancerSourceRanges: ['10.0.0.0/8'], ports: [{ port: 80 }] }, /'loadBalancerSourceRanges' is only allowed for LoadBalancer/],
      ['a bad CIDR', { type: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['everywhere'], ports: [{ port: 80 }] }, /'loadBalancerSourceRanges\[0\]' must be a CIDR/],
      ['an affinity timeout without ClientIP', { sessionAffinityTimeoutSeconds: 10, ports: [{ port: 80 }] }, /'sessionAffinityTimeoutSeconds' requires sessionAffinity ClientIP/],
      ['a Duration affinity timeout without ClientIP', { sessionAffinityTimeout: Duration.seconds(10), ports: [{ port: 80 }] }, /^test\/api: 'sessionAffinityTimeout' requires sessionAffinity ClientIP, got sessionAffinity undefined$/],
      ['a Duration affinity timeout above a day', { sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeout: Duration.seconds(86401), ports: [{ port: 80 }] }, /^test\/api: 'sessionAffinityTimeout' must be at most 86400s, got 86401s$/],
      ['both affinity timeouts', { sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeout: Duration.seconds(60), sessionAffinityTimeoutSeconds: 60, ports: [{ port: 80 }] }, /^test\/api: 'sessionAffinityTimeout' must not be given together with the deprecated 'sessionAffinityTimeoutSeconds', got both \("1 minute" and 60\)$/],
      ['an affinity timeout above a day', { sessionAffinity: SessionAffinity.CLIENT_IP, sessionAffinityTimeoutSeconds: 86401, ports: [{ port: 80 }] }, /'sessionAffinityTimeoutSeconds' must be between 1 and 86400, got 86401/],
      ['two families with SingleStack', { ipFamilyPolicy: IpFamilyPolicy.SINGLE_STACK, ipFamilies: [IpFamily.IPV4, IpFamily.IPV6], ports: [{ port: 80 }] }, /'ipFamilies' must contain one family with ipFamilyPolicy SingleStack/],
      ['a repeated family', { ipFamilyPolicy: IpFamilyPolicy.PREFER_DUAL_STACK, ipFamilies: [IpFamily.IPV4, IpFamily.IPV4], ports: [{ port: 80 }] }, /'ipFamilies' must not repeat a family/],
      ['an invalid selector value', { selector: { app: 'not valid!' }, ports: [{ port: 80 }] }, /'selector\["app"\]' must be a valid label value/],
      ['an unknown type', { type: 'ExternalName' as ServiceType, ports: [{ port: 80 }] }, /^test\/api: 'type' must be one of ClusterIP, NodePort, LoadBalancer, got "ExternalName"$/],
      ['an unknown protocol', { ports: [{ port: 80, protocol: 'HTTP' as ServiceProtocol }] }, /'ports\[0\]\.protocol' must be one of TCP, UDP, SCTP, got "HTTP"/],
      ['three families', { ipFamilyPolicy: IpFamilyPolicy.REQUIRE_DUAL_STACK, ipFamilies: [IpFamily.IPV4, IpFamily.IPV6, IpFamily.IPV4], ports: [{ port: 80 }] }, /'ipFamilies' must contain at most two families/],
      ['two families without a policy', { ipFamilies: [IpFamily.IPV4, IpFamily.IPV6], ports: [{ port: 80 }] }, /'ipFamilyPolicy' must be PreferDualStack or RequireDualStack when two ipFamilies are given, got undefined/],
      ['an invalid extra label value', { labels: { team: 'a b' }, ports: [{ port: 80 }] }, /'labels\["team"\]' must be a valid label value.*got "a b"/],
    ];
    test.each(bad)('%s', (_name, props, err) => {
      expect(() => new AppService(testChart(), 'api', props)).toThrow(err);
    });

    test('a Service left without ports fails at synth', () => {
      const chart = testChart();
      new AppService(chart, 'api', { selector });
      expect(() => synthAll(chart)).toThrow(/'ports' must contain at least one port/);
    });
  });
});
