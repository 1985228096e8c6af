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
