import { Chart, Testing } from 'cdk8s';
import { AppPod } from '../../lib/workload/pods';
import { ServiceProtocol } from '../../lib/network/service';
import { dnsWaitInitContainer } from '../../lib/workload/dns-wait';
import {
  CLUSTER_DOMAIN_CONTEXT, ConnectOptions, DEFAULT_CLUSTER_DOMAIN, IBackend, ServiceEndpoint, clusterDomainOf, connect, connectionsOf,
} from '../../lib/network/wiring';
import { WebApp } from '../../lib/workload/web-app';
import { FixtureBackend } from '../backend-fixture';
import { Manifest, allOf, find, podSpecOf, synthAll, testChart } from '../util';

const PORTS = [
  { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
  { name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' },
  { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
];

function envOf(manifests: Manifest[], pod: string, namespace?: string): Record<string, string> {
  const app = podSpecOf(find(manifests, 'Pod', pod, namespace)).containers.find((c: Manifest) => c.name === 'app');
  return Object.fromEntries((app.env ?? []).map((e: Manifest) => [e.name, e.value]));
}

/** One app with a chart per namespace. */
function charts(...namespaces: string[]): Chart[] {
  const app = Testing.app();
  return namespaces.map((ns) => new Chart(app, ns, { namespace: ns, disableResourceNameHashes: true }));
}

describe('ServiceEndpoint', () => {
  const api = new ServiceEndpoint('api', 'prod', PORTS);

  test('exposes the short, namespaced and fully qualified names', () => {
    expect(api.shortName).toBe('api');
    expect(api.namespacedName).toBe('api.prod');
    expect(api.fqdn).toBe('api.prod.svc.cluster.local');
    expect(api.clusterDomain).toBe(DEFAULT_CLUSTER_DOMAIN);
  });

  test('hostFor gives the short name in the same namespace and the FQDN across', () => {
    expect(api.hostFor('prod')).toBe('api');
    expect(api.hostFor('dev')).toBe('api.prod.svc.cluster.local');
    expect(api.hostFor(undefined)).toBe('api.prod.svc.cluster.local');
    expect(new ServiceEndpoint('api', 'default', PORTS).hostFor(undefined)).toBe('api');
  });

  test('url() uses the FQDN, the scheme, and omits only the scheme default port', () => {
    expect(api.url()).toBe('http://api.prod.svc.cluster.local');
    expect(api.url({ portName: 'grpc', scheme: 'grpc' })).toBe('grpc://api.prod.svc.cluster.local:9090');
    expect(api.url({ scheme: 'https' })).toBe('https://api.prod.svc.cluster.local:80');
    expect(new ServiceEndpoint('api', 'prod', [{ name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' }]).url({ scheme: 'https' }))
      .toBe('https://api.prod.svc.cluster.local');
    expect(api.url({ path: '/v1/health', host: api.shortName })).toBe('http://api/v1/health');
  });

  test('srvName() names the SRV record of a named port, with its protocol', () => {
    expect(api.srvName('http')).toBe('_http._tcp.api.prod.svc.cluster.local');
    expect(api.srvName('dns')).toBe('_dns._udp.api.prod.svc.cluster.local');
  });

  test('the cluster domain can be overridden', () => {
    const custom = new ServiceEndpoint('api', 'prod', PORTS, 'k8s.example.com');
    expect(custom.fqdn).toBe('api.prod.svc.k8s.example.com');
    expect(custom.url()).toBe('http://api.prod.svc.k8s.example.com');
    expect(custom.srvName('grpc')).toBe('_grpc._tcp.api.prod.svc.k8s.example.com');
    expect(custom.hostFor('dev')).toBe('api.prod.svc.k8s.example.com');
  });

  test('port() finds a port by name, or the first', () => {
    expect(api.port().name).toBe('http');
    expect(api.port('dns')).toEqual({ name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' });
  });

  test('an unknown port name fails with the ports that exist', () => {
    expect(() => api.port('metrics')).toThrow(/service api: no port named "metrics" \(ports: http, grpc, dns\)/);
    expect(() => api.srvName('metrics')).toThrow(/no port named "metrics"/);
    expect(() => new ServiceEndpoint('api', 'prod').url()).toThrow(/service api: no port \(ports: none\)/);
  });

  test('an unnamed port has no SRV record', () => {
    const single = new ServiceEndpoint('api', 'prod', [{ name: '', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    expect(() => single.srvName('')).toThrow(/service api: port 80 has no name, so it has no SRV record/);
  });
});

describe('AppService endpoint', () => {
  test('follows the chart namespace, and defaults to the default namespace', () => {
    const [prod] = charts('prod');
    expect(new FixtureBackend(prod, 'api').endpoint.fqdn).toBe('api.prod.svc.cluster.local');
    const noNs = new Chart(Testing.app(), 'x', { disableResourceNameHashes: true });
    expect(new FixtureBackend(noNs, 'api').endpoint.fqdn).toBe('api.default.svc.cluster.local');
  });

  test('resolves a named targetPort and serves SRV names for its named ports', () => {
    const [prod] = charts('prod');
    const api = new FixtureBackend(prod, 'api', [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'dns', port: 53, targetPort: 'dns', protocol: ServiceProtocol.UDP }], [
      { name: 'http', port: 8080 },
      { name: 'dns', port: 5353, protocol: ServiceProtocol.UDP },
    ]);
    expect(api.backendPorts).toEqual([
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
      { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
    ]);
    expect(api.endpoint.srvName('dns')).toBe('_dns._udp.api.prod.svc.cluster.local');
  });
});

describe('cluster domain override', () => {
  function domainCharts(domain: unknown, ...namespaces: string[]): Chart[] {
    const app = Testing.app();
    app.node.setContext(CLUSTER_DOMAIN_CONTEXT, domain);
    return namespaces.map((ns) => new Chart(app, ns, { namespace: ns, disableResourceNameHashes: true }));
  }

  test('the app context sets the domain of every endpoint, and the env var a consumer receives', () => {
    const [dev, prod] = domainCharts('k8s.example.com', 'dev', 'prod');
    const api = new FixtureBackend(prod, 'api');
    expect(api.endpoint.fqdn).toBe('api.prod.svc.k8s.example.com');
    expect(api.endpoint.srvName('http')).toBe('_http._tcp.api.prod.svc.k8s.example.com');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3', initContainers: [dnsWaitInitContainer(api)] });
    web.connectTo(api, { env: 'API_URL' });
    const all = synthAll(dev);
    expect(envOf(all, 'web', 'dev').API_URL).toBe('http://api.prod.svc.k8s.example.com');
    const wait = podSpecOf(find(all, 'Pod', 'web', 'dev')).initContainers[0];
    expect(wait.env).toContainEqual({ name: 'DNS_NAME', value: 'api.prod.svc.k8s.example.com' });
  });

  test('without the context the domain is cluster.local', () => {
    const [dev] = charts('dev');
    expect(clusterDomainOf(dev)).toBe('cluster.local');
  });

  test('an invalid domain in the context fails clearly', () => {
    const [dev] = domainCharts('Not A Domain', 'dev');
    expect(() => new FixtureBackend(dev, 'api')).toThrow(`dev/api/Service: 'context kubecraft.dev/cluster-domain' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got "Not A Domain"`);
  });

  test('a context value that is not a string fails clearly', () => {
    const [dev] = domainCharts(42, 'dev');
    expect(() => clusterDomainOf(dev)).toThrow(/^dev: 'context kubecraft.dev\/cluster-domain' must be a DNS-1123 subdomain .*, got 42$/);
  });
});

describe('connect', () => {
  test('a same-namespace consumer gets the backend FQDN URL by default', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(api, { env: 'API_URL' });
    const env = envOf(synthAll(dev), 'web');
    expect(env.API_URL).toBe(api.endpoint.url());
    expect(env.API_URL).toBe('http://api.dev.svc.cluster.local');
  });

  test('preferShortName gives the short name in the same namespace only', () => {
    const [dev, prod] = charts('dev', 'prod');
    const devApi = new FixtureBackend(dev, 'api');
    const prodApi = new FixtureBackend(prod, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(devApi, { env: 'LOCAL_API', preferShortName: true });
    web.connectTo(prodApi, { env: 'PROD_API', preferShortName: true });
    const env = envOf(synthAll(dev), 'web');
    expect(env.LOCAL_API).toBe('http://api');
    expect(env.PROD_API).toBe('http://api.prod.svc.cluster.local');
  });

  test('a cross-namespace consumer gets the FQDN URL, and the policies (named with the peer namespace) select across namespaces', () => {
    const [dev, prod] = charts('dev', 'prod');
    const api = new FixtureBackend(prod, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(api, { env: 'API_URL' });
    const all = synthAll(dev);
    expect(envOf(all, 'web', 'dev').API_URL).toBe('http://api.prod.svc.cluster.local');
    const egress = find(all, 'NetworkPolicy', 'web-to-api-prod', 'dev');
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: web.podSelector },
      policyTypes: ['Egress'],
      egress: [{
        to: [{ podSelector: { matchLabels: api.podSelector }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      }],
    });
    const ingress = find(all, 'NetworkPolicy', 'api-from-web-dev', 'prod');
    expect(ingress.spec).toEqual({
      podSelector: { matchLabels: api.podSelector },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: web.podSelector }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      }],
    });
  });

  test('the same Service name in dev and prod: each consumer reaches its own namespace', () => {
    const [dev, prod] = charts('dev', 'prod');
    for (const chart of [dev, prod]) {
      const api = new FixtureBackend(chart, 'api');
      new AppPod(chart, 'web', { image: 'nginx:1.27.3' }).connectTo(api, { env: 'API_URL' });
    }
    const all = synthAll(dev);
    expect(envOf(all, 'web', 'dev').API_URL).toBe('http://api.dev.svc.cluster.local');
    expect(envOf(all, 'web', 'prod').API_URL).toBe('http://api.prod.svc.cluster.local');
    expect(find(all, 'Service', 'api', 'dev').metadata.name).toBe('api');
    expect(find(all, 'Service', 'api', 'prod').metadata.name).toBe('api');
    for (const ns of ['dev', 'prod']) {
      const egress = find(all, 'NetworkPolicy', 'web-to-api', ns);
      expect(egress.spec.egress[0].to).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } } }]);
      expect(find(all, 'NetworkPolicy', 'api-from-web', ns).spec.ingress[0].from[0].namespaceSelector).toBeUndefined();
    }
  });

  test('the policies allow the pod (target) ports, not the Service ports', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api', [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9100, targetPort: 9101 }]);
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    const c = web.connectTo(api);
    expect(c.ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 9101, protocol: 'TCP' }]);
    expect(find(synthAll(dev), 'NetworkPolicy', 'web-to-api').spec.egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 9101, protocol: 'TCP' }]);
  });

  test('portName restricts the URL and the policies to one port', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api', [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc', port: 9090 }]);
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(api, { env: 'API_GRPC', portName: 'grpc', scheme: 'grpc' });
    const all = synthAll(dev);
    expect(envOf(all, 'web').API_GRPC).toBe('grpc://api.dev.svc.cluster.local:9090');
    expect(find(all, 'NetworkPolicy', 'api-from-web').spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
  });

  test('the edge is recorded, with its env var', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(api, { env: 'API_URL' });
    expect(connectionsOf(dev)).toEqual([{ from: web, to: api, ports: [{ port: 8080, protocol: 'TCP' }], env: 'API_URL' }]);
  });

  test('networkPolicy: false records the edge and sets the env var without policies', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(api, { env: 'API_URL', networkPolicy: false });
    const all = synthAll(dev);
    expect(allOf(all, 'NetworkPolicy')).toEqual([]);
    expect(envOf(all, 'web').API_URL).toBe('http://api.dev.svc.cluster.local');
    expect(connectionsOf(dev)).toHaveLength(1);
  });

  test('connecting twice to the same backend (two ports) merges the ports into one pair of policies', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api', [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'grpc', port: 9090 }]);
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(api, { env: 'API_URL', portName: 'http' });
    web.connectTo(api, { env: 'API_GRPC', portName: 'grpc', scheme: 'grpc' });
    web.connectTo(api, { portName: 'grpc' });
    const all = synthAll(dev);
    expect(allOf(all, 'NetworkPolicy').map((n) => n.metadata.name).sort()).toEqual(['api-from-web', 'web-to-api']);
    expect(find(all, 'NetworkPolicy', 'web-to-api').spec.egress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }]);
    expect(find(all, 'NetworkPolicy', 'api-from-web').spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }]);
    expect(envOf(all, 'web')).toEqual({ API_URL: 'http://api.dev.svc.cluster.local', API_GRPC: 'grpc://api.dev.svc.cluster.local:9090' });
  });

  test('one consumer wired to the api of its own namespace and of another gets distinct policy names', () => {
    const [dev, prod] = charts('dev', 'prod');
    const devApi = new FixtureBackend(dev, 'api');
    const prodApi = new FixtureBackend(prod, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(devApi);
    web.connectTo(prodApi);
    const all = synthAll(dev);
    const keys = allOf(all, 'NetworkPolicy').map((n) => `${n.metadata.namespace}/${n.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(['dev/api-from-web', 'dev/web-to-api', 'dev/web-to-api-prod', 'prod/api-from-web-dev']);
    expect(find(all, 'NetworkPolicy', 'web-to-api-prod', 'dev').spec.egress[0].to[0].namespaceSelector).toEqual({ matchLabels: { 'kubernetes.io/metadata.name': 'prod' } });
  });

  test('rejects two different edges that would share a policy name', () => {
    const [dev, prod] = charts('dev', 'prod');
    const localApiProd = new FixtureBackend(dev, 'api-prod');
    const prodApi = new FixtureBackend(prod, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    web.connectTo(localApiProd);
    expect(() => web.connectTo(prodApi)).toThrow("dev/web: 'connectTo' must not reuse NetworkPolicy dev/web-to-api-prod, which already allows dev/web -> dev/api-prod (rename one of the workloads' peerName so each edge gets its own policy), got dev/web -> prod/api");
  });

  test('rejects wiring a workload to itself', () => {
    const [dev] = charts('dev');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    const both = Object.assign(web, { endpoint: new ServiceEndpoint('web', 'dev', PORTS), backendPorts: PORTS });
    expect(() => connect(both, both)).toThrow("dev/web: 'connectTo' must name a backend other than the workload itself, got dev/web");
  });

  test('rejects an unknown port name with the ports that exist', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api');
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    expect(() => web.connectTo(api, { portName: 'grpc' })).toThrow(/^dev\/web: 'connectTo.portName' must name a port of dev\/api \("http"\), got "grpc"$/);
  });

  test('rejects a backend without ports', () => {
    const [dev] = charts('dev');
    const api = new FixtureBackend(dev, 'api', []);
    const web = new AppPod(dev, 'web', { image: 'nginx:1.27.3' });
    expect(() => web.connectTo(api)).toThrow("dev/web: 'connectTo' must name a backend with at least one port, got dev/api (no ports)");
  });
});

describe('connect input checks (JavaScript callers)', () => {
  test.each([
    ['an env name with a space', { env: 'API URL' }, /^test\/web: 'connectTo.env' must only contain valid environment variable names/],
    ['a scheme with ://', { scheme: 'http://' }, /^test\/web: 'connectTo.scheme' must be a URL scheme such as "http" or "postgres" .*got "http:\/\/"$/],
    ['a string networkPolicy', { networkPolicy: 'no' as unknown as boolean }, /^test\/web: 'connectTo.networkPolicy' must be true or false, got "no"$/],
    ['options given as a string', 'API_URL' as unknown as ConnectOptions, /^test\/web: 'connectTo options' must be an object of key-value pairs, got "API_URL"$/],
  ])('refuses %s', (_n, options, err) => {
    const chart = testChart('test');
    const web = new WebApp(chart, 'web', { image: 'nginx:1.27.3' });
    const api = new WebApp(chart, 'api', { image: 'nginx:1.27.3' });
    expect(() => connect(web, api, options as ConnectOptions)).toThrow(err);
  });

  test('a backend that is not one', () => {
    const chart = testChart('test');
    const web = new WebApp(chart, 'web', { image: 'nginx:1.27.3' });
    expect(() => connect(web, 'api' as unknown as IBackend)).toThrow(new Error('test/web: \'connectTo\' must name a backend (a WebApp, BlueGreenDeployment, StatefulDatabase or another IBackend), got "api"'));
  });
});
