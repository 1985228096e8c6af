/** The book's namespaces/ example (TheK8sBook shield-ns.yml and shield-app.yml), with the public API. */
import { Manifest, bookMismatches, only, synthExample } from './book';

describe('book: namespaces/', () => {
  test('shield-ns.yml and shield-app.yml: the shield namespace, its default ServiceAccount, the-bus and triskelion', () => {
    const book: Manifest[] = [
      { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'shield', labels: { env: 'marvel' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace: 'shield', name: 'default' } },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { namespace: 'shield', name: 'the-bus' },
        spec: { type: 'NodePort', ports: [{ nodePort: 31112, port: 8080, targetPort: 8080 }], selector: { env: 'marvel' } },
      },
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { namespace: 'shield', name: 'triskelion', labels: { env: 'marvel' } },
        spec: { containers: [{ image: 'nigelpoulton/k8sbook:shield-01', name: 'bus-ctr', ports: [{ containerPort: 8080 }], imagePullPolicy: 'Always' }] },
      },
    ];
    const objects = synthExample('namespaces');
    expect(bookMismatches(objects, book)).toEqual([]);
    // secure by default: the namespace's default ServiceAccount mounts no token
    expect(only(objects, 'ServiceAccount', 'default', 'shield').automountServiceAccountToken).toBe(false);
  });
});
