/** The book's deployments/ examples, expressed with the public API in docs/examples/book/. */
import { Manifest, bookMismatches, only, synthExample } from './book';

describe('book: deployments/', () => {
  test('deploy.yml and lb.yml (TheK8sBook): hello-deploy selected by app: hello-world, its rollout, the LoadBalancer lb-svc', () => {
    const book: Manifest[] = [
      {
        apiVersion: 'apps/v1', kind: 'Deployment',
        metadata: { name: 'hello-deploy' },
        spec: {
          replicas: 10,
          selector: { matchLabels: { app: 'hello-world' } },
          revisionHistoryLimit: 5,
          progressDeadlineSeconds: 300,
          minReadySeconds: 10,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } },
          template: {
            metadata: { labels: { app: 'hello-world' } },
            spec: { containers: [{ name: 'hello-pod', image: 'nigelpoulton/k8sbook:1.0', ports: [{ containerPort: 8080 }] }] },
          },
        },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'lb-svc', labels: { app: 'hello-world' } },
        spec: { type: 'LoadBalancer', ports: [{ port: 8080, protocol: 'TCP' }], selector: { app: 'hello-world' } },
      },
    ];
    const objects = synthExample('deployment');
    expect(bookMismatches(objects, book)).toEqual([]);
    // the Service targets the book's port (the book's targetPort defaults to its port)
    expect(only(objects, 'Service', 'lb-svc').spec.ports[0].targetPort).toBe(8080);
  });
});
