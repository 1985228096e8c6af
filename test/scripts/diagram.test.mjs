// scripts/diagram.mjs: which objects become nodes, which edges are drawn, that the real Graphviz (wasm) render
// produces one SVG per namespace, and that the committed pictures are what the reference app gives.
// Run: node --test test/scripts/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadManifests, namespacesOf, toDot } from '../../scripts/diagram.mjs';

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

const withConfig = (d) => {
  const c = JSON.parse(JSON.stringify(d));
  const spec = c.spec.template.spec;
  spec.serviceAccountName = 'api';
  spec.automountServiceAccountToken = false;
  spec.containers[0].env = [
    { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'LOG_LEVEL' } } },
    { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-secret', key: 'TOKEN' } } },
  ];
  spec.containers[0].volumeMounts = [{ name: 'creds', mountPath: '/etc/creds' }];
  spec.volumes = [{ name: 'creds', secret: { secretName: 'made-elsewhere' } }];
  return c;
};

const API_EXTRAS = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-config', namespace: 'shop' }, data: { LOG_LEVEL: 'info', 'app.properties': 'a=1' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-secret', namespace: 'shop' }, type: 'Opaque', data: { TOKEN: 'c2VjcmV0LXZhbHVl' } },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: ids('api') } } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'read-deployments', namespace: 'shop' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read-deployments', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-deployments' }, subjects: [{ kind: 'User', name: 'sky' }, { kind: 'ServiceAccount', name: 'api', namespace: 'shop' }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'viewers', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'auditors' }] },
];

const SHOP = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
  withConfig(deployment('shop', 'api', { replicas: 3, version: '1.4.2' })),
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
  {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-dns', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ protocol: 'UDP', port: 53 }] }] },
  },
  ...API_EXTRAS,
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
/** The DOT source of each namespace. */
let dots;
/** The DOT edge lines `"<from>" -> "<to>" [...]` of a namespace. */
const edgesOf = (ns) => dots[ns].split('\n').map((l) => l.trim()).filter((l) => /^"[^"]+"(:\w+)? -> /.test(l));
const edge = (ns, from, to) => edgesOf(ns).filter((e) => e.startsWith(`${JSON.stringify(from)} -> ${JSON.stringify(to)}`));
const nodeLine = (ns, nid) => dots[ns].split('\n').find((l) => l.trim().startsWith(`${JSON.stringify(nid)} [`));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagram-test-'));
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', '0000-cluster.k8s.yaml'), docs(CLUSTER));
  writeFileSync(join(dir, 'in', '0001-shop.k8s.yaml'), `---\n${docs(SHOP)}---\n`);
  writeFileSync(join(dir, 'in', '0002-search.k8s.yaml'), docs(SEARCH));
  writeFileSync(join(dir, 'in', 'README.md'), '# not a manifest\n');
  objects = loadManifests(join(dir, 'in'));
  dots = Object.fromEntries(namespacesOf(objects).map((ns) => [ns, toDot(objects, ns)]));
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
  test('one picture per namespace: a top-to-bottom digraph titled with the namespace and its guarantees', () => {
    assert.deepEqual(namespacesOf(objects), ['search', 'shop']);
    assert.match(dots.shop, /^digraph topology \{\n/);
    assert.match(dots.shop, /\n\}$/);
    assert.match(dots.shop, /rankdir=TB/);
    assert.match(dots.shop, /label="namespace shop \(Pod Security: restricted, traffic denied unless allowed, DNS allowed\)\\l/);
    assert.match(dots.search, /label="namespace search\\l/);
  });

  test('each workload is drawn in its own namespace\'s picture only, with replicas, version, PDB and ServiceAccount', () => {
    const api = nodeLine('shop', 'Deployment/api');
    assert.ok(api);
    for (const line of ['Deployment api', '3 replicas', 'version 1.4.2', 'PDB maxUnavailable 1', 'SA api, no token']) assert.ok(api.includes(line), `${line} in ${api}`);
    assert.match(nodeLine('shop', 'StatefulSet/db'), /2 replicas.*no PDB.*default SA, token mounted/);
    assert.ok(nodeLine('search', 'Deployment/search'));
    assert.ok(nodeLine('search', 'Deployment/api'));
    assert.ok(!nodeLine('shop', 'Deployment/search'));
  });

  test('Service -> workload edges only where the selector matches, within the namespace', () => {
    assert.equal(edge('shop', 'Service/api', 'Deployment/api').length, 1);
    assert.equal(edge('shop', 'Service/db', 'StatefulSet/db').length, 1);
    assert.equal(edge('search', 'Service/api', 'Deployment/api').length, 0, 'no shop Service in the search picture');
    const fromService = (name) => edgesOf('shop').filter((e) => e.startsWith(JSON.stringify(`Service/${name}`)));
    assert.deepEqual(fromService('nothing'), []);
    assert.deepEqual(fromService('partial'), [], 'a selector with a label the pods lack selects nothing');
    assert.deepEqual(fromService('external'), [], 'a Service without a selector selects nothing');
    assert.match(nodeLine('shop', 'Service/db'), /headless :80→8080/);
  });

  test('a per-pod selector (statefulset.kubernetes.io/pod-name) selects its StatefulSet only, and not past the last replica', () => {
    assert.equal(edge('shop', 'Service/db-0', 'StatefulSet/db').length, 1);
    assert.deepEqual(edgesOf('shop').filter((e) => e.startsWith('"Service/api-0"')), [], 'a Deployment has no pod-name label');
    assert.deepEqual(edgesOf('shop').filter((e) => e.startsWith('"Service/db-7"')), []);
  });

  test('a NetworkPolicy egress allow is drawn from the policy\'s pods to the peer, with its ports and pod', () => {
    const allow = edge('shop', 'Deployment/api', 'StatefulSet/db');
    assert.equal(allow.length, 1);
    assert.match(allow[0], /label="allow TCP\/5432 \(db-0\)"/);
  });

  test('an egress peer in another namespace becomes a dashed node of that namespace; DNS egress is only in the title', () => {
    const allow = edge('shop', 'Deployment/api', 'Namespace/search/search');
    assert.equal(allow.length, 1);
    assert.match(allow[0], /label="allow TCP\/9200"/);
    assert.match(nodeLine('shop', 'Namespace/search/search'), /search in namespace search/);
    assert.ok(!dots.shop.includes('kube-system'));
  });

  test('a default-deny policy (empty pod selector, no rules) draws no edge', () => {
    assert.equal(edgesOf('shop').filter((e) => e.includes('label="allow')).length, 2);
  });

  test('ConfigMaps and Secrets are drawn with their key names (never values), linked from the workloads that use them', () => {
    assert.match(nodeLine('shop', 'ConfigMap/api-config'), /ConfigMap api-config.*LOG_LEVEL.*app.properties/);
    assert.match(nodeLine('shop', 'Secret/api-secret'), /Secret api-secret.*TOKEN/);
    assert.ok(!dots.shop.includes('c2VjcmV0LXZhbHVl'), 'no secret value in the picture');
    assert.match(edge('shop', 'Deployment/api', 'ConfigMap/api-config')[0], /label="env"/);
    assert.match(edge('shop', 'Deployment/api', 'Secret/api-secret')[0], /label="env"/);
    assert.match(edge('shop', 'Deployment/api', 'Secret/made-elsewhere')[0], /label="files at \/etc\/creds"/);
    assert.match(nodeLine('shop', 'Secret/made-elsewhere'), /created outside this app.*dashed/);
  });

  test('RBAC grants are one table at the bottom: who, which role, what it may do; a workload\'s own grant hangs from it', () => {
    const rbac = nodeLine('shop', 'RBAC');
    assert.ok(rbac);
    assert.match(rbac, /User sky<\/td><td align="left">Role read-deployments<\/td><td align="left">get, list apps\/deployments/);
    assert.match(rbac, /ServiceAccount api<\/td>/);
    assert.match(rbac, /Group auditors<\/td><td align="left">ClusterRole view<\/td><td align="left">a cluster role, in this namespace/);
    assert.match(dots.shop, /\{ rank=sink; "RBAC"; \}/);
    assert.equal(edgesOf('shop').filter((e) => e.startsWith('"Deployment/api" -> "RBAC":g1')).length, 1);
    assert.ok(!nodeLine('search', 'RBAC'));
  });

  test('claim templates become PVCs named <template>-<statefulset>-<ordinal>, linked to the StorageClass, drawn where used', () => {
    const pvc = nodeLine('shop', 'PVC/data-db');
    assert.ok(pvc, 'a PVC node for claim template data of db');
    assert.match(pvc, /PVCs data-db-0 \.\. 1.*2Gi each/);
    assert.equal(edge('shop', 'StatefulSet/db', 'PVC/data-db').length, 1);
    assert.equal(edge('shop', 'PVC/data-db', 'StorageClass/fast').length, 1);
    assert.match(nodeLine('shop', 'StorageClass/fast'), /StorageClass fast.*rancher.io\/local-path/);
    assert.ok(!nodeLine('search', 'StorageClass/fast'), 'only in the pictures that use it');
  });

  test('every edge is drawn once, and the same input gives the same output', () => {
    const edges = edgesOf('shop');
    assert.equal(new Set(edges).size, edges.length);
    assert.equal(toDot(loadManifests(join(dir, 'in')), 'shop'), dots.shop);
  });

  test('an HPA replaces the replica count with its range, for the workload kind it targets only', () => {
    const hpa = (kind, name, min, max) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace: 'shop' }, spec: { scaleTargetRef: { kind, name }, minReplicas: min, maxReplicas: max } });
    assert.match(toDot([deployment('shop', 'api'), hpa('Deployment', 'api', 2, 6)], 'shop'), /2-6 replicas \(HPA\)/);
    const out = toDot([deployment('shop', 'db', { replicas: 2 }), statefulSet('shop', 'db', 2), hpa('StatefulSet', 'db', 1, 4)], 'shop');
    assert.match(out, /"StatefulSet\/db" \[label=<<b>StatefulSet db<\/b><br align="left"\/>1-4 replicas \(HPA\)/);
    assert.match(out, /"Deployment\/db" \[label=<<b>Deployment db<\/b><br align="left"\/>2 replicas/);
  });

  test('a per-pod selector within an autoscaler\'s maximum selects the StatefulSet', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'db', namespace: 'shop' }, spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, minReplicas: 2, maxReplicas: 8 } };
    const svc = service('shop', 'db-7', { ...ids('db'), 'statefulset.kubernetes.io/pod-name': 'db-7' });
    assert.match(toDot([statefulSet('shop', 'db', 2), svc, hpa], 'shop'), /"Service\/db-7" -> "StatefulSet\/db"/);
    assert.doesNotMatch(toDot([statefulSet('shop', 'db', 2), svc], 'shop'), /"Service\/db-7" -> /);
  });

  test('an Ingress points at its backend Services', () => {
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }] },
    };
    assert.match(toDot([ing, service('shop', 'api', ids('api'))], 'shop'), /"Ingress\/web" -> "Service\/api" \[label="\/api"/);
  });

  test('labels are HTML-escaped', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' }, data: { 'a<b>&': '1' } };
    assert.match(toDot([cm], 'shop'), /a&lt;b&gt;&amp;/);
  });
});

describe('the script', () => {
  const render = (inDir, outDir, cwd = REPO) => spawnSync(process.execPath, [SCRIPT, '--in', inDir, '--out', outDir], { cwd, encoding: 'utf8' });

  test('renders one real SVG per namespace with Graphviz (wasm), and removes pictures of namespaces that are gone', () => {
    const out = join(dir, 'svg');
    mkdirSync(out);
    writeFileSync(join(out, 'old-namespace.svg'), '<svg/>');
    writeFileSync(join(out, 'notes.txt'), 'kept');
    const r = render(join(dir, 'in'), out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`wrote .*search\\.svg, .*shop\\.svg \\(${objects.length} objects`));
    assert.deepEqual(readdirSync(out).sort(), ['notes.txt', 'search.svg', 'shop.svg']);
    const svg = readFileSync(join(out, 'shop.svg'), 'utf8').replace(/&#45;/g, '-');
    assert.match(svg, /<svg[\s>]/);
    assert.match(svg, /data-db-0 \.\. 1/);
  });

  test('runs when started through a symlink in a directory whose name has a space, and creates the output directory', () => {
    const linkDir = join(dir, 'with space');
    mkdirSync(linkDir);
    const link = join(linkDir, 'diagram.mjs');
    symlinkSync(SCRIPT, link);
    const out = join(dir, 'nested', 'deeper');
    execFileSync(process.execPath, [link, '--in', join(dir, 'in'), '--out', out], { cwd: REPO, encoding: 'utf8' });
    assert.match(readFileSync(join(out, 'shop.svg'), 'utf8'), /<svg[\s>]/);
  });

  test('before a synth (no manifests), says in one line to synthesize first and exits 1', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    for (const inDir of [join(dir, 'does-not-exist'), empty]) {
      const r = render(inDir, join(dir, 'never'));
      assert.equal(r.status, 1);
      assert.equal(r.stderr, 'synthesize first: npm run synth\n');
      assert.equal(r.stdout, '');
      assert.equal(existsSync(join(dir, 'never')), false);
    }
  });

  test('`npm run diagram` in a checkout without dist/ says the same', () => {
    const project = mkdtempSync(join(tmpdir(), 'diagram-npm-'));
    try {
      const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
      mkdirSync(join(project, 'scripts'));
      symlinkSync(SCRIPT, join(project, 'scripts', 'diagram.mjs'));
      symlinkSync(join(REPO, 'node_modules'), join(project, 'node_modules'));
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', scripts: { diagram: pkg.scripts.diagram } }));
      const r = spawnSync('npm', ['run', '--silent', 'diagram'], { cwd: project, encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.equal(r.stderr, 'synthesize first: npm run synth\n');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test('the committed pictures (docs/topology/) are what the reference app gives, and fit the README\'s width', () => {
    const dist = join(dir, 'ref-dist');
    const out = join(dir, 'ref-svg');
    const synth = spawnSync(process.execPath, [join(REPO, 'scripts', 'synth.mjs'), '--outdir', dist], {
      cwd: REPO, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: '', DEV_DB_PASSWORD: 'diagram-test-placeholder' },
    });
    assert.equal(synth.status, 0, synth.stderr);
    assert.equal(render(dist, out).status, 0);
    const committed = join(REPO, 'docs', 'topology');
    assert.deepEqual(readdirSync(committed).filter((f) => f.endsWith('.svg')).sort(), readdirSync(out).sort(), 'run: npm run synth && npm run diagram');
    for (const f of readdirSync(out)) {
      const svg = readFileSync(join(out, f), 'utf8');
      assert.ok(svg === readFileSync(join(committed, f), 'utf8'), `docs/topology/${f} is stale: run npm run synth && npm run diagram`);
      const width = Number(/<svg width="([\d.]+)pt"/.exec(svg)[1]);
      assert.ok(width <= 680, `docs/topology/${f} is ${width}pt wide: the README shows about 680pt (900 px) without shrinking the text`);
    }
  });
});
