// scripts/diagram.mjs: which objects become nodes, which edges are drawn, and that the real Graphviz (wasm)
// render produces an SVG. Run: node --test test/scripts/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadManifests, toDot } from '../../scripts/diagram.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(REPO, 'scripts', 'diagram.mjs');

const ids = (name) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name });

const deployment = (ns, name, { replicas = 2, version } = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, labels: ids(name) },
  spec: {
    replicas,
    selector: { matchLabels: ids(name) },
    template: {
      metadata: { labels: { ...ids(name), ...(version ? { 'app.kubernetes.io/version': version } : {}) } },
      spec: { containers: [{ name: 'app', image: `ghcr.io/acme/${name}:${version ?? '1.0.0'}` }] },
    },
  },
});

const statefulSet = (ns, name, replicas) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: ns },
  spec: {
    replicas,
    serviceName: name,
    selector: { matchLabels: ids(name) },
    template: { metadata: { labels: ids(name) }, spec: { containers: [{ name: 'postgres', image: 'postgres:16.4' }] } },
    volumeClaimTemplates: [{
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } },
    }],
  },
});

const service = (ns, name, selector, extra = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns },
  spec: { selector, ports: [{ name: 'tcp', port: 80, targetPort: 8080 }], ...extra },
});

const egressPolicy = (ns, name, from, to, port) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec: { podSelector: { matchLabels: from }, policyTypes: ['Egress'], egress: [{ to, ports: [{ protocol: 'TCP', port }] }] },
});

const SHOP = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  deployment('shop', 'api', { replicas: 3, version: '1.4.2' }),
  statefulSet('shop', 'db', 2),
  service('shop', 'api', ids('api')),
  service('shop', 'db', ids('db'), { clusterIP: 'None' }),
  service('shop', 'db-0', { ...ids('db'), 'statefulset.kubernetes.io/pod-name': 'db-0' }),
  service('shop', 'db-7', { ...ids('db'), 'statefulset.kubernetes.io/pod-name': 'db-7' }),
  service('shop', 'api-0', { 'statefulset.kubernetes.io/pod-name': 'api-0' }),
  service('shop', 'nothing', ids('nothing')),
  service('shop', 'partial', { ...ids('api'), 'app.kubernetes.io/version': '9.9.9' }),
  service('shop', 'external', undefined, { type: 'ExternalName', externalName: 'example.com' }),
  egressPolicy('shop', 'api-to-db-0', ids('api'), [{ podSelector: { matchLabels: { ...ids('db'), 'statefulset.kubernetes.io/pod-name': 'db-0' } } }], 5432),
  egressPolicy('shop', 'api-to-search', ids('api'), [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'search' } },
    podSelector: { matchLabels: ids('search') },
  }], 9200),
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
];

const SEARCH = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'search' } },
  deployment('search', 'search', { replicas: 1 }),
  // same labels as shop/api in another namespace: a shop Service must not select it
  deployment('search', 'api', { replicas: 1 }),
];

const CLUSTER = [
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'rancher.io/local-path' },
];

const docs = (objects) => objects.map((o) => stringify(o)).join('---\n');

let dir;
let objects;
let dot;
/** The DOT edge lines `"<from>" -> "<to>" [...]`. */
let edges;
const edge = (from, to) => edges.filter((e) => e.startsWith(`${JSON.stringify(from)} -> ${JSON.stringify(to)} `));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagram-test-'));
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', '0000-cluster.k8s.yaml'), docs(CLUSTER));
  writeFileSync(join(dir, 'in', '0001-shop.k8s.yaml'), `---\n${docs(SHOP)}---\n`);
  writeFileSync(join(dir, 'in', '0002-search.k8s.yaml'), docs(SEARCH));
  writeFileSync(join(dir, 'in', 'README.md'), '# not a manifest\n');
  objects = loadManifests(join(dir, 'in'));
  dot = toDot(objects);
  edges = dot.split('\n').map((l) => l.trim()).filter((l) => /^"[^"]+" -> /.test(l));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('loadManifests', () => {
  test('reads every document of every .yaml file in file-name order, skipping empty documents and other files', () => {
    assert.equal(objects.length, CLUSTER.length + SHOP.length + SEARCH.length);
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), [...CLUSTER, ...SHOP, ...SEARCH].map((o) => `${o.kind}/${o.metadata.name}`));
    assert.deepEqual(objects[1], SHOP[0]);
  });

  test('an empty directory gives no objects', () => {
    const empty = mkdtempSync(join(tmpdir(), 'diagram-empty-'));
    try {
      assert.deepEqual(loadManifests(empty), []);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('toDot', () => {
  test('is a digraph with one cluster per namespace, labelled with its Pod Security level when set', () => {
    assert.match(dot, /^digraph topology \{\n/);
    assert.match(dot, /\n\}$/);
    const clusters = dot.split('\n').filter((l) => /^\s*subgraph /.test(l));
    assert.equal(clusters.length, 2);
    assert.match(dot, /subgraph "cluster_shop" \{ label="namespace shop — pod security: restricted";/);
    assert.match(dot, /subgraph "cluster_search" \{ label="namespace search";/);
  });

  test('each workload is drawn inside its own namespace, with replicas and version', () => {
    const block = (ns) => {
      const lines = dot.split('\n');
      const start = lines.findIndex((l) => l.includes(`subgraph "cluster_${ns}"`));
      const end = lines.findIndex((l, i) => i > start && l === '  }');
      return lines.slice(start, end).join('\n');
    };
    assert.match(block('shop'), /"Deployment\/shop\/api" \[label="Deployment\\napi\\nreplicas: 3\\nversion: 1.4.2"/);
    assert.match(block('shop'), /"StatefulSet\/shop\/db" \[label="StatefulSet\\ndb\\nreplicas: 2"/);
    assert.match(block('search'), /"Deployment\/search\/search"/);
    assert.match(block('search'), /"Deployment\/search\/api"/);
    assert.doesNotMatch(block('shop'), /Deployment\/search\//);
  });

  test('Service -> workload edges only where the selector matches, within the namespace', () => {
    assert.equal(edge('Service/shop/api', 'Deployment/shop/api').length, 1);
    assert.equal(edge('Service/shop/api', 'Deployment/search/api').length, 0);
    assert.equal(edge('Service/shop/db', 'StatefulSet/shop/db').length, 1);
    const fromService = (name) => edges.filter((e) => e.startsWith(JSON.stringify(`Service/shop/${name}`)));
    assert.deepEqual(fromService('nothing'), []);
    assert.deepEqual(fromService('partial'), [], 'a selector with a label the pods lack selects nothing');
    assert.deepEqual(fromService('external'), [], 'a Service without a selector selects nothing');
  });

  test('a per-pod selector (statefulset.kubernetes.io/pod-name) selects its StatefulSet only', () => {
    assert.equal(edge('Service/shop/db-0', 'StatefulSet/shop/db').length, 1);
    assert.deepEqual(edges.filter((e) => e.startsWith('"Service/shop/api-0"')), [], 'a Deployment has no pod-name label');
  });

  test('a per-pod selector past the last replica selects nothing', () => {
    assert.deepEqual(edges.filter((e) => e.startsWith('"Service/shop/db-7"')), []);
  });

  test('the NetworkPolicy egress allow is drawn from the policy\'s pods to the peer, with its ports', () => {
    const allow = edge('Deployment/shop/api', 'StatefulSet/shop/db');
    assert.equal(allow.length, 1);
    assert.match(allow[0], /label="allow TCP\/5432"/);
  });

  test('an egress peer in another namespace (namespaceSelector by name) is drawn to that namespace only', () => {
    const allow = edge('Deployment/shop/api', 'Deployment/search/search');
    assert.equal(allow.length, 1);
    assert.match(allow[0], /label="allow TCP\/9200"/);
    assert.equal(edge('Deployment/shop/api', 'Deployment/search/api').length, 0);
  });

  test('a default-deny policy (empty pod selector, no rules) draws nothing', () => {
    const allows = edges.filter((e) => e.includes('label="allow'));
    assert.equal(allows.length, 2);
  });

  test('claim templates become PVCs named <template>-<statefulset>-<ordinal>, one per replica, linked to the StorageClass', () => {
    const pvc = dot.split('\n').find((l) => l.includes('"PVC/shop/data-db" [label='));
    assert.ok(pvc, 'a PVC node for claim template data of db');
    assert.match(pvc, /data-db-0\\ndata-db-1\\n2Gi/);
    assert.doesNotMatch(pvc, /data-db-2/);
    assert.equal(edge('StatefulSet/shop/db', 'PVC/shop/data-db').length, 1);
    assert.equal(edge('PVC/shop/data-db', 'StorageClass//fast').length, 1);
  });

  test('the StorageClass is drawn outside every namespace', () => {
    const lines = dot.split('\n');
    const sc = lines.findIndex((l) => l.includes('"StorageClass//fast" [label='));
    assert.ok(sc > 0);
    assert.match(lines[sc], /^ {2}"StorageClass/, 'top level, not inside a cluster');
    assert.match(lines[sc], /StorageClass fast\\nrancher.io\/local-path/);
  });

  test('every edge is drawn once, and the same input gives the same output', () => {
    assert.equal(new Set(edges).size, edges.length);
    assert.equal(toDot(loadManifests(join(dir, 'in'))), dot);
  });

  test('an HPA replaces the replica count with its range', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'api', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 6 } };
    assert.match(toDot([deployment('shop', 'api'), hpa]), /replicas: 2-6 \(HPA\)/);
  });

  test('an HPA counts only for the workload kind it targets', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'db', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, maxReplicas: 4 } };
    const out = toDot([deployment('shop', 'db', { replicas: 2 }), statefulSet('shop', 'db', 2), hpa]);
    assert.match(out, /"StatefulSet\/shop\/db" \[label="StatefulSet\\ndb\\nreplicas: 1-4 \(HPA\)"/);
    assert.match(out, /"Deployment\/shop\/db" \[label="Deployment\\ndb\\nreplicas: 2"/);
  });

  test('a per-pod selector within an autoscaler\'s maximum selects the StatefulSet', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'db', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, minReplicas: 2, maxReplicas: 8 } };
    const svc = service('shop', 'db-7', { ...ids('db'), 'statefulset.kubernetes.io/pod-name': 'db-7' });
    assert.match(toDot([statefulSet('shop', 'db', 2), svc, hpa]), /"Service\/shop\/db-7" -> "StatefulSet\/shop\/db"/);
    assert.doesNotMatch(toDot([statefulSet('shop', 'db', 2), svc]), /"Service\/shop\/db-7" -> /);
  });

  test('an Ingress points at its backend Services', () => {
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] },
    };
    assert.match(toDot([ing, service('shop', 'api', ids('api'))]), /"Ingress\/shop\/web" -> "Service\/shop\/api" \[label="\/api"\];/);
  });
});

describe('the script', () => {
  test('renders a real SVG with Graphviz (wasm)', () => {
    const out = join(dir, 't.svg');
    const stdout = execFileSync(process.execPath, [SCRIPT, '--in', join(dir, 'in'), '--out', out], { cwd: REPO, encoding: 'utf8' });
    assert.match(stdout, new RegExp(`wrote ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(${objects.length} objects`));
    const svg = readFileSync(out, 'utf8').replace(/&#45;/g, '-');
    assert.match(svg, /<svg[\s>]/);
    assert.match(svg, /cluster_shop/);
    assert.match(svg, /data-db-1/);
  });

  test('runs when started through a symlink in a directory whose name has a space', () => {
    const linkDir = join(dir, 'with space');
    mkdirSync(linkDir);
    const link = join(linkDir, 'diagram.mjs');
    symlinkSync(SCRIPT, link);
    const out = join(dir, 'linked.svg');
    execFileSync(process.execPath, [link, '--in', join(dir, 'in'), '--out', out], { cwd: REPO, encoding: 'utf8' });
    assert.match(readFileSync(out, 'utf8'), /<svg[\s>]/);
  });

  test('creates the output directory', () => {
    const out = join(dir, 'nested', 'deeper', 'x.svg');
    execFileSync(process.execPath, [SCRIPT, '--in', join(dir, 'in'), '--out', out], { cwd: REPO });
    assert.match(readFileSync(out, 'utf8'), /<svg[\s>]/);
  });
});
