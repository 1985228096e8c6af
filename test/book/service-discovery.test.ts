/** The book's service-discovery/ example, expressed with the public API in docs/examples/book/. */
import { Manifest, bookMismatches, only, synthExample } from './book';

describe('book: service-discovery/', () => {
  test('sd-example.yml (TheK8sBook): namespaces dev and prod, enterprise and ent in each, a jump pod with tty and stdin', () => {
    const book: Manifest[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
      ...['dev', 'prod'].flatMap((ns): Manifest[] => [
        {
          kind: 'Deployment', apiVersion: 'apps/v1',
          metadata: { name: 'enterprise', namespace: ns, labels: { app: 'enterprise' } },
          spec: {
            selector: { matchLabels: { app: 'enterprise' } },
            replicas: 2,
            template: {
              metadata: { labels: { app: 'enterprise' } },
              spec: {
                terminationGracePeriodSeconds: 1,
                containers: [{ image: `nigelpoulton/k8sbook:text-${ns}`, name: 'enterprise-ctr', ports: [{ containerPort: 8080 }] }],
              },
            },
          },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ent', namespace: ns }, spec: { ports: [{ port: 8080 }], selector: { app: 'enterprise' } } },
      ]),
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'jump', namespace: 'dev' },
        spec: { terminationGracePeriodSeconds: 5, containers: [{ image: 'ubuntu', name: 'jump', tty: true, stdin: true }] },
      },
    ];
    const objects = synthExample('service-discovery');
    expect(bookMismatches(objects, book)).toEqual([]);
    // the jump pod finds ent by its DNS names (the lab's point), and may reach it through the default-deny policies
    const env = only(objects, 'Pod', 'jump', 'dev').spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([
      { name: 'ENT_DEV_URL', value: 'http://ent.dev.svc.cluster.local:8080' },
      { name: 'ENT_PROD_URL', value: 'http://ent.prod.svc.cluster.local:8080' },
    ]));
  });
});
