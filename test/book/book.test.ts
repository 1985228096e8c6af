/** The book comparison itself: each kind of difference it must report (a book test that cannot fail proves nothing). */
import { Manifest, bookMismatches } from './book';

const POD: Manifest = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'a', 'app.kubernetes.io/name': 'p' } },
  spec: {
    containers: [{
      name: 'c', image: 'i:1', command: ['sleep', '1'], ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
      env: [{ name: 'A', value: '1' }], resources: { limits: { cpu: '500m', memory: '256Mi' } }, securityContext: { runAsNonRoot: true },
    }],
  },
};
const SERVICE: Manifest = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'a' }, ports: [{ port: 80, targetPort: 8080, name: 'http' }] } };

describe('bookMismatches', () => {
  test('extra fields (hardening, recommended labels, port names) are allowed; quantities compare by value', () => {
    expect(bookMismatches([POD, SERVICE], [
      { kind: 'Pod', metadata: { name: 'p', labels: { app: 'a' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '0.5' } } }] } },
      { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], selector: { app: 'a' } } },
    ])).toEqual([]);
  });

  test.each<[string, Manifest, string]>([
    ['a missing object', { kind: 'Pod', metadata: { name: 'other' } }, 'Pod/other: missing'],
    ['a changed value', { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i:2' }] } },
      'Pod/p spec.containers[name="c"].image: the book has "i:2", got "i:1"'],
    ['a missing field', { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', tty: true }] } }, 'Pod/p spec.containers[name="c"].tty: missing'],
    ['a missing container', { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'd' }] } }, 'Pod/p spec.containers[name="d"]: missing'],
    ['a missing env var', { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', env: [{ name: 'B', value: '1' }] }] } }, 'Pod/p spec.containers[name="c"].env[name="B"]: missing'],
    ['another quantity', { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '128Mi' } } }] } },
      'Pod/p spec.containers[name="c"].resources.limits.memory: the book has "128Mi", got "256Mi"'],
    ['a list that differs', { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', command: ['sleep'] }] } },
      'Pod/p spec.containers[name="c"].command: the book has ["sleep"], got ["sleep","1"]'],
    ['a selector with fewer labels than ours', { kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'a', tier: 'x' } } },
      'Service/s spec.selector: the book selects exactly {"app":"a","tier":"x"}, got {"app":"a"}'],
    ['a label of another value', { kind: 'Pod', metadata: { name: 'p', labels: { app: 'b' } } }, 'Pod/p metadata.labels.app: the book has "b", got "a"'],
  ])('reports %s', (_what, book, message) => {
    const found = bookMismatches([POD, SERVICE], [book]);
    expect(found.some((m) => m.startsWith(message))).toBe(true);
  });

  test('a selector with an extra label of ours is a difference', () => {
    const ours = { ...SERVICE, spec: { ...SERVICE.spec, selector: { app: 'a', 'app.kubernetes.io/name': 's' } } };
    expect(bookMismatches([ours], [{ kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'a' } } }])).toEqual([
      'Service/s spec.selector: the book selects exactly {"app":"a"}, got {"app":"a","app.kubernetes.io/name":"s"}',
    ]);
  });
});
