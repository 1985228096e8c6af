/**
 * The book's pods/ examples (nigelpoulton/TKB and nigelpoulton/TheK8sBook), expressed with the public API in
 * docs/examples/book/: every field the book's manifest sets comes out with the book's value.
 */
import { Manifest, bookMismatches, only, synthExample } from './book';
import { restrictedViolations } from '../util';

const GIT_SYNC_ENV = [
  { name: 'GIT_SYNC_REPO', value: 'https://github.com/nigelpoulton/ps-sidecar.git' },
  { name: 'GIT_SYNC_BRANCH', value: 'master' },
  { name: 'GIT_SYNC_DEPTH', value: '1' },
  { name: 'GIT_SYNC_DEST', value: 'html' },
];

describe('book: pods/', () => {
  test('pod.yml (TKB): hello-pod with labels zone/version, one port and resource limits', () => {
    const book: Manifest[] = [{
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'hello-pod', labels: { zone: 'prod', version: 'v1' } },
      spec: {
        containers: [{
          name: 'hello-ctr', image: 'nigelpoulton/k8sbook:1.0', ports: [{ containerPort: 8080 }],
          resources: { limits: { memory: '256Mi', cpu: '0.5' } },
        }],
      },
    }];
    const objects = synthExample('pod');
    expect(bookMismatches(objects, book)).toEqual([]);
    expect(restrictedViolations(only(objects, 'Pod', 'hello-pod').spec)).toEqual([]);
  });

  test('initpod.yml and initsvc.yml (TheK8sBook): an init container waiting for the Service k8sbook', () => {
    const book: Manifest[] = [
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'initpod', labels: { app: 'initializer' } },
        spec: {
          initContainers: [{
            name: 'init-ctr', image: 'busybox:1.28.4',
            command: ['sh', '-c', 'until nslookup k8sbook; do echo waiting for k8sbook service; sleep 1; done; echo Service found!'],
          }],
          containers: [{ name: 'web-ctr', image: 'nigelpoulton/web-app:1.0', ports: [{ containerPort: 8080 }] }],
        },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'k8sbook' },
        spec: { selector: { app: 'initializer' }, ports: [{ port: 80, targetPort: 8080 }], type: 'ClusterIP' },
      },
    ];
    expect(bookMismatches(synthExample('init-container'), book)).toEqual([]);
  });

  test('sidecar-local.yml (TheK8sBook): nginx and git-sync sharing an emptyDir, a NodePort Service on 30001', () => {
    const book: Manifest[] = [
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'git-sync', labels: { app: 'sidecar' } },
        spec: {
          containers: [
            { name: 'ctr-web', image: 'nginx', volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/' }] },
            { name: 'ctr-sync', image: 'registry.k8s.io/git-sync/git-sync:v4.1.0', volumeMounts: [{ name: 'html', mountPath: '/tmp/git' }], env: GIT_SYNC_ENV },
          ],
          volumes: [{ name: 'html', emptyDir: {} }],
        },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'svc-sidecar' },
        spec: { selector: { app: 'sidecar' }, type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] },
      },
    ];
    const objects = synthExample('sidecar');
    expect(bookMismatches(objects, book)).toEqual([]);
    // the book's containers in the book's order
    expect(only(objects, 'Pod', 'git-sync').spec.containers.map((c: Manifest) => c.name)).toEqual(['ctr-web', 'ctr-sync']);
  });

  test('initsidecar.yml (TKB): a native sidecar, an init container with restartPolicy Always (target 1.29)', () => {
    const book: Manifest[] = [
      {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: 'git-sync', labels: { app: 'sidecar' } },
        spec: {
          initContainers: [{
            name: 'ctr-sync', restartPolicy: 'Always', image: 'k8s.gcr.io/git-sync:v3.1.6',
            volumeMounts: [{ name: 'html', mountPath: '/tmp/git' }], env: GIT_SYNC_ENV,
          }],
          containers: [{ name: 'ctr-web', image: 'nginx', volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/' }] }],
          volumes: [{ name: 'html', emptyDir: {} }],
        },
      },
      {
        apiVersion: 'v1', kind: 'Service',
        metadata: { name: 'svc-sidecar' },
        spec: { selector: { app: 'sidecar' }, ports: [{ port: 80 }], type: 'LoadBalancer' },
      },
    ];
    const objects = synthExample('native-sidecar');
    expect(bookMismatches(objects, book)).toEqual([]);
    const spec = only(objects, 'Pod', 'git-sync').spec;
    expect(spec.initContainers.map((c: Manifest) => c.name)).toEqual(['ctr-sync']);
    expect(restrictedViolations(spec)).toEqual([]);
  });
});
