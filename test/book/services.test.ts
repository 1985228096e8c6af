/** The book's services/ examples, expressed with the public API in docs/examples/book/. */
import { Manifest, bookMismatches, only, synthExample } from './book';

describe('book: services/', () => {
  test('deploy.yml, svc.yml, lb.yml and dual-stack-svc.yml (TheK8sBook): three Services over the same pods', () => {
    const book: Manifest[] = [
      {
        apiVersion: 'apps/v1', kind: 'Deployment',
        metadata: { name: 'svc-test' },
        spec: {
          replicas: 10,
          selector: { matchLabels: { chapter: 'services' } },
          template: {
            metadata: { labels: { chapter: 'services' } },
            spec: { containers: [{ name: 'hello-ctr', image: 'nigelpoulton/k8sbook:1.0', ports: [{ containerPort: 8080 }] }] },
          },
        },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'svc-test', labels: { chapter: 'services' } },
        spec: { type: 'NodePort', ports: [{ port: 8080, nodePort: 30001, targetPort: 8080, protocol: 'TCP' }], selector: { chapter: 'services' } },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'cloud-lb' },
        spec: { type: 'LoadBalancer', ports: [{ port: 9000, targetPort: 8080 }], selector: { chapter: 'services' } },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'dual-stack-svc' },
        spec: { ipFamilyPolicy: 'PreferDualStack', type: 'ClusterIP', ports: [{ port: 8080, protocol: 'TCP' }], selector: { app: 'hello-world' } },
      },
    ];
    const objects = synthExample('services');
    expect(bookMismatches(objects, book)).toEqual([]);
    // the NodePort and LoadBalancer Services are reachable: one policy opens their target port to external traffic
    expect(only(objects, 'NetworkPolicy', 'svc-test-from-external').spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });
});
