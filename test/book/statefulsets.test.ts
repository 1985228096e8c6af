/**
 * The book's statefulsets/ jump pod, with the public API. (The StatefulSet and its headless Service are the
 * StatefulDatabase's: test/workload/stateful-database.test.ts.)
 */
import { Manifest, bookMismatches, synthExample } from './book';

describe('book: statefulsets/', () => {
  test('jump-pod.yml (TheK8sBook): a DNS tools pod with tty and stdin and a 1 s grace period', () => {
    const book: Manifest[] = [{
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'jump-pod' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ image: 'registry.k8s.io/e2e-test-images/jessie-dnsutils:1.7', name: 'jump-ctr', tty: true, stdin: true }],
      },
    }];
    expect(bookMismatches(synthExample('jump-pod'), book)).toEqual([]);
  });
});
