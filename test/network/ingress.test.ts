import { AppIngress, AppIngressProps, IngressPathType } from '../../lib/network/ingress';
import { AppService } from '../../lib/network/service';
import { find, synthAll, testChart } from '../util';

const selector = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };

function setup() {
  const chart = testChart();
  const service = new AppService(chart, 'web', {
    selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 9000 }],
  });
  return { chart, service };
}

describe('AppIngress', () => {
  test('defaults: every host, path / (Prefix) to the first Service port, named after the Service', () => {
    const { chart, service } = setup();
    const ing = new AppIngress(chart, 'Ingress', { service });
    const m = find(synthAll(chart), 'Ingress', 'web');
    expect(ing.name).toBe('web');
    expect(m.apiVersion).toBe('networking.k8s.io/v1');
    expect(m.spec).toEqual({
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
    });
    expect(m).toMatchSnapshot();
  });

  test('class, wildcard host, per-path port names and TLS', () => {
    const { chart, service } = setup();
    new AppIngress(chart, 'Ingress', {
      service, name: 'web-public', className: 'nginx', host: '*.example.com', tlsSecretName: 'wildcard-tls',
      paths: [{ path: '/' }, { path: '/admin', pathType: IngressPathType.EXACT, portName: 'admin' }],
    });
    const m = find(synthAll(chart), 'Ingress', 'web-public');
    expect(m.spec.ingressClassName).toBe('nginx');
    expect(m.spec.rules[0].host).toBe('*.example.com');
    expect(m.spec.rules[0].http.paths[1]).toEqual({ path: '/admin', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 9000 } } } });
    expect(m.spec.tls).toEqual([{ hosts: ['*.example.com'], secretName: 'wildcard-tls' }]);
  });

  const bad: [string, Partial<AppIngressProps>, RegExp][] = [
    ['an invalid host', { host: 'Not A Host' }, /test\/Ingress: 'host' must be a DNS-1123 subdomain/],
    ['TLS without host', { tlsSecretName: 'tls' }, /'tlsSecretName' requires a 'host'/],
    ['an unknown port name', { paths: [{ path: '/', portName: 'grpc' }] }, /'paths\[0\]\.portName' must name a port of Service web \("http", "admin"\), got "grpc"/],
    ['a relative path', { paths: [{ path: 'api' }] }, /'paths\[0\]\.path' must be an absolute path starting with '\/', got "api"/],
    ['no paths', { paths: [] }, /'paths' must contain at least one path/],
    ['duplicate paths', { paths: [{ path: '/a' }, { path: '/a' }] }, /'paths\[\]\.path' must not contain duplicates/],
    ['an invalid class name', { className: 'Nginx Class' }, /'className' must be a DNS-1123 subdomain/],
    ['an invalid name', { name: 'Web_Ingress' }, /test\/Ingress: 'name' must be a DNS-1123 subdomain.*got "Web_Ingress"/],
    ['an invalid TLS Secret name', { host: 'www.example.com', tlsSecretName: 'TLS Secret' }, /'tlsSecretName' must be a DNS-1123 subdomain.*got "TLS Secret"/],
    ['an unknown path type', { paths: [{ path: '/', pathType: 'Regex' as IngressPathType }] }, /'paths\[0\]\.pathType' must be one of Prefix, Exact, ImplementationSpecific, got "Regex"/],
  ];
  test.each(bad)('rejects %s', (_n, props, err) => {
    const { chart, service } = setup();
    expect(() => new AppIngress(chart, 'Ingress', { service, ...props })).toThrow(err);
  });
});

describe('AppIngress input checks', () => {
  const ingress = (props: Partial<AppIngressProps>) => () => {
    const { chart, service } = setup();
    return new AppIngress(chart, 'Ingress', { service, ...props });
  };
  test.each([
    ['an IPv4 address as host', { host: '10.0.0.1' }, 'test/Ingress: \'host\' must be a DNS name, not an IP address (an Ingress rule matches the Host header by name), got "10.0.0.1"'],
    ['an IPv6 address as host', { host: '::1' }, 'test/Ingress: \'host\' must be a DNS name, not an IP address (an Ingress rule matches the Host header by name), got "::1"'],
    ['an uppercase host', { host: 'Shop.Example.com' }, /^test\/Ingress: 'host' must be a DNS-1123 subdomain .*got "Shop.Example.com"$/],
    ['a Prefix path with //', { paths: [{ path: '/api//v1' }] }, 'test/Ingress: \'paths[0].path\' must not contain "//" (an Prefix path is matched literally; the API server refuses it), got "/api//v1"'],
    ['an Exact path ending in /..', { paths: [{ path: '/a/..', pathType: IngressPathType.EXACT }] }, 'test/Ingress: \'paths[0].path\' must not contain "/.." (an Exact path is matched literally; the API server refuses it), got "/a/.."'],
    ['an invalid annotation key', { annotations: { 'nginx.ingress.kubernetes.io/rewrite target': '/' } }, /^test\/Ingress: 'annotations' must have qualified-name keys .*got "nginx.ingress.kubernetes.io\/rewrite target"$/],
    ['a non-string annotation value (JavaScript)', { annotations: { a: true as unknown as string } }, 'test/Ingress: \'annotations["a"]\' must be a string, got true'],
    ['paths given as an object (JavaScript)', { paths: { path: '/' } as unknown as [] }, 'test/Ingress: \'paths\' must be an array, got {"path":"/"}'],
    ['a path that is not a string (JavaScript)', { paths: [{ path: 5 as unknown as string }] }, 'test/Ingress: \'paths[0].path\' must be an absolute path starting with \'/\', got 5'],
  ])('refuses %s', (_n, props, message) => {
    expect(ingress(props as Partial<AppIngressProps>)).toThrow(typeof message === 'string' ? new Error(message) : message);
  });

  test('a service that is not an AppService (JavaScript)', () => {
    expect(() => new AppIngress(testChart(), 'Ingress', { service: { name: 'web' } as unknown as AppService })).toThrow(new Error('test/Ingress: \'service\' must be an AppService (e.g. a WebApp\'s service), got {"name":"web"}'));
  });

  test('ImplementationSpecific paths may hold regexes; wildcard hosts pass', () => {
    expect(ingress({ host: '*.example.com', paths: [{ path: '/api/(.*)', pathType: IngressPathType.IMPLEMENTATION_SPECIFIC }] })).not.toThrow();
  });
});

test('AppIngress: a name longer than a label value allows is kept and cut to 63 in its default labels', () => {
  const { chart, service } = setup();
  const name = `${'a'.repeat(64)}.example`;
  new AppIngress(chart, 'Ingress', { service, name });
  const m = find(synthAll(chart), 'Ingress', name);
  expect(m.metadata.labels['app.kubernetes.io/name']).toBe('a'.repeat(63));
});
