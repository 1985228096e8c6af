/** The book's configmaps/ examples (ConfigMaps and the Secret), with the public API in docs/examples/book/. */
import { Manifest, bookMismatches, synthExample } from './book';

const NAMES_ENV = [
  { name: 'FIRSTNAME', valueFrom: { configMapKeyRef: { name: 'multimap', key: 'given' } } },
  { name: 'LASTNAME', valueFrom: { configMapKeyRef: { name: 'multimap', key: 'family' } } },
];

describe('book: configmaps/', () => {
  test('multimap.yml, singlemap.yml, envpod.yml, startuppod.yml and cmpod.yml (TheK8sBook)', () => {
    const book: Manifest[] = [
      { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'multimap' }, data: { given: 'Nigel', family: 'Poulton' } },
      {
        kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'test-config' },
        data: { 'test.conf': 'env = plex-test\nendpoint = 0.0.0.0:31001\nchar = utf8\nvault = PLEX/test\nlog-size = 512M\n' },
      },
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { labels: { chapter: 'configmaps' }, name: 'envpod' },
        spec: { containers: [{ name: 'ctr1', image: 'busybox', command: ['sleep'], args: ['infinity'], env: NAMES_ENV }] },
      },
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'startup-pod', labels: { chapter: 'configmaps' } },
        spec: {
          restartPolicy: 'OnFailure',
          containers: [{
            name: 'args1', image: 'busybox', command: ['/bin/sh', '-c', 'echo First name $(FIRSTNAME) last name $(LASTNAME)', 'wait'], env: NAMES_ENV,
          }],
        },
      },
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'cmvol' },
        spec: {
          volumes: [{ name: 'volmap', configMap: { name: 'multimap' } }],
          containers: [{ name: 'ctr', image: 'nginx', volumeMounts: [{ name: 'volmap', mountPath: '/etc/name' }] }],
        },
      },
    ];
    expect(bookMismatches(synthExample('configmaps'), book)).toEqual([]);
  });

  test('tkb-secret.yml and secretpod.yml (TheK8sBook): an Opaque Secret mounted read-only at /etc/tkb', () => {
    const book: Manifest[] = [
      {
        apiVersion: 'v1', kind: 'Secret',
        metadata: { name: 'tkb-secret', labels: { chapter: 'configmaps' } },
        type: 'Opaque',
        // the book's base64 of its public demo values (the example reads them from docs-env at synth time)
        data: { username: 'bmlnZWxwb3VsdG9u', password: 'UGFzc3dvcmQxMjM=' },
      },
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'secret-pod', labels: { topic: 'secrets' } },
        spec: {
          volumes: [{ name: 'secret-vol', secret: { secretName: 'tkb-secret' } }],
          containers: [{ name: 'secret-ctr', image: 'nginx', volumeMounts: [{ name: 'secret-vol', mountPath: '/etc/tkb', readOnly: true }] }],
        },
      },
    ];
    expect(bookMismatches(synthExample('secrets'), book)).toEqual([]);
  });
});
