// npm run deploy / npm run diff (scripts/deploy.mjs) on the real API server: kubectl's ApplySets adopt the applied
// manifests, a new environment is created in one pass, a re-synth without one WebApp and one NetworkPolicy prunes
// exactly those (other apps' objects and the claims stay), a prune of a claim or StorageClass needs --allow-prune,
// and diff shows the pending change before and nothing after. Runs on manifests that declare ApplySets (dist/).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { APPLYSET_ANNOTATION, PART_OF_LABEL, PARENT_ID_LABEL, applySetId, describe, groupIntoSets, readManifests } from '../../scripts/lib/applyset.mjs';
import { KUBECTL, MANIFESTS, REPO, desired, eventually, getJson, kubectl, rolloutStatus } from './helpers.mjs';

const skip = desired.some((o) => o.metadata.annotations?.[APPLYSET_ANNOTATION]) ? false : `the manifests declare no ApplySet (${APPLYSET_ANNOTATION})`;
const fresh = process.env.E2E_USE_EXISTING_CLUSTER !== '1';
const TMP = process.env.E2E_TMP || tmpdir();
const FIXTURE_NS = 'deploy-e2e'; // test/fixtures/deploy-app
const FIXTURE_ID = applySetId(FIXTURE_NS, FIXTURE_NS);

/** node scripts/deploy.mjs ARGS with the suite's kubectl -> { code, stdout, stderr } */
function deploy(args, env = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['scripts/deploy.mjs', ...args], { cwd: REPO, env: { ...process.env, KUBECTL, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
const show = (r) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

/** DEPLOY_FIXTURE_VARIANT=variant synth of test/fixtures/deploy-app into a fresh directory */
async function synthFixture(variant) {
  const outdir = mkdtempSync(join(TMP, `deploy-${variant}-`));
  await new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['scripts/synth.mjs', 'test/fixtures/deploy-app/main.ts', '--outdir', outdir], {
      cwd: REPO, env: { ...process.env, DEPLOY_FIXTURE_VARIANT: variant }, stdio: ['ignore', 'inherit', 'inherit'],
    });
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`synth of the ${variant} fixture exited ${code}`))));
  });
  return outdir;
}

/** `Kind.group ns/name` of the live objects labelled as members of the set `id` (kinds of `objects`, any namespace) */
async function liveMembers(id, objects) {
  const kinds = [...new Set(objects.map((o) => `${o.kind}.${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}`.replace(/\.$/, '')))];
  const list = await getJson(['get', kinds.join(','), '-A', '-l', `${PART_OF_LABEL}=${id}`]);
  return list.items.filter((o) => !o.metadata.deletionTimestamp).map(describe).sort();
}
const names = (objects) => objects.map(describe).sort();
/** the `  - Kind.group ns/name` lines under "would prune" of a diff */
const wouldPrune = (out) => [...out.matchAll(/^ {2}- (\S+ \S+)/gm)].map((m) => m[1]).sort();
/** kubectl's own `kind.group/name pruned (server dry run)` lines, as `Kind.group ns/name` of `candidates` */
const kubectlPruned = (out, candidates) => {
  const printed = new Set([...out.matchAll(/^(\S+) pruned \(server dry run\)$/gm)].map((m) => m[1]));
  const asKubectl = (o) => `${o.kind.toLowerCase()}${o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : ''}/${o.metadata.name}`;
  return { printed: printed.size, matched: candidates.filter((o) => printed.has(asKubectl(o))).map(describe).sort() };
};
const exists = async (args) => (await kubectl(['get', ...args, '--ignore-not-found', '-o', 'name'])).trim() !== '';

const variants = {};
let full;
let withoutWorker;

test('the app\'s manifests: diff shows what deploy adds, deploy adopts them into their ApplySets, then diff is clean', { skip }, async () => {
  const sets = groupIntoSets(readManifests(MANIFESTS)).filter((u) => u.ref);
  assert.ok(sets.length > 0);
  // adopted with the field manager that applied them (helpers.applyDir), as a pipeline adopts what it applied
  const adopt = ['--dir', MANIFESTS, '--field-manager=kubecraft-e2e'];
  const before = await deploy(['diff', ...adopt]);
  if (fresh) {
    // 01 applied them without an ApplySet: the deploy adds kubectl's membership label to every object
    assert.equal(before.code, 1, show(before));
    assert.match(before.stdout, new RegExp(`\\+ {4}${PART_OF_LABEL.replace(/\./g, '\\.')}: applyset-`));
  } else assert.ok([0, 1].includes(before.code), show(before));

  const r = await deploy(adopt);
  assert.equal(r.code, 0, show(r));
  for (const set of sets) {
    const parent = await getJson(['get', 'configmap', set.name, '-n', set.namespace]);
    assert.equal(parent.metadata.labels[PARENT_ID_LABEL], set.id, `ConfigMap ${set.ref} is kubectl's ApplySet parent`);
    assert.match(parent.metadata.annotations['applyset.kubernetes.io/tooling'], /^kubectl\/v/);
    assert.deepEqual(await liveMembers(set.id, set.docs), names(set.docs), `every object of ${set.ref} is a member, and nothing else`);
  }

  const after = await deploy(['diff', ...adopt]);
  assert.equal(after.code, 0, show(after));
  assert.match(after.stdout, /^diff: no changes/m);
});

test('a new environment is created in one pass: its Namespace first, then its ApplySet (dry run first: nothing changes)', { skip }, async () => {
  full = await synthFixture('full');
  variants.full = readManifests(full).map((m) => m.obj);
  if (fresh) assert.equal(await exists(['namespace', FIXTURE_NS]), false, `namespace ${FIXTURE_NS} exists before the test`);

  const dry = await deploy(['--dir', full, '--dry-run']);
  assert.equal(dry.code, 0, show(dry));
  assert.match(dry.stdout, new RegExp(`^ {2}\\+ Namespace ${FIXTURE_NS}$`, 'm'));
  if (fresh) assert.equal(await exists(['namespace', FIXTURE_NS]), false, 'the dry run created the namespace');

  const r = await deploy(['--dir', full]);
  assert.equal(r.code, 0, show(r));
  assert.equal((await getJson(['get', 'namespace', FIXTURE_NS])).metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
  assert.deepEqual(await liveMembers(FIXTURE_ID, variants.full), names(variants.full));
  await rolloutStatus({ kind: 'StatefulSet', metadata: { name: 'db', namespace: FIXTURE_NS } });
  const claim = await eventually('PVC data-db-0 Bound', async () => {
    const p = await getJson(['get', 'pvc', 'data-db-0', '-n', FIXTURE_NS]);
    return p.status.phase === 'Bound' ? p : false;
  }, { timeoutMs: 60_000 });
  assert.equal(claim.metadata.labels?.[PART_OF_LABEL], undefined, 'a claim of the StatefulSet\'s template is not a member (the controller made it)');
});

test('another app and a person add objects to the namespace', { skip }, async () => {
  // a person: kubectl create
  await kubectl(['create', 'configmap', 'made-by-hand', '-n', FIXTURE_NS, '--from-literal=owner=someone']);
  // another app deployed the same way, its own ApplySet in the same namespace
  const other = mkdtempSync(join(TMP, 'deploy-other-'));
  writeFileSync(join(other, 'other.yaml'), JSON.stringify({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other-settings', namespace: FIXTURE_NS, annotations: { [APPLYSET_ANNOTATION]: `${FIXTURE_NS}/other-app` } }, data: { a: '1' },
  }));
  const r = await deploy(['--dir', other]);
  assert.equal(r.code, 0, show(r));
  assert.equal((await getJson(['get', 'configmap', 'other-settings', '-n', FIXTURE_NS])).metadata.labels[PART_OF_LABEL], applySetId('other-app', FIXTURE_NS));
});

test('a re-synth without one WebApp and one NetworkPolicy: diff and deploy --dry-run show exactly those going, nothing changes', { skip }, async () => {
  withoutWorker = await synthFixture('without-worker');
  variants.withoutWorker = readManifests(withoutWorker).map((m) => m.obj);
  const gone = variants.full.filter((o) => !variants.withoutWorker.some((w) => describe(w) === describe(o)));
  assert.deepEqual(gone.map((o) => `${o.kind}/${o.metadata.name}`).sort(), ['Deployment/worker', 'NetworkPolicy/api-from-monitoring', 'Service/worker', 'ServiceAccount/worker']);

  const d = await deploy(['diff', '--dir', withoutWorker]);
  assert.equal(d.code, 1, show(d));
  assert.deepEqual(wouldPrune(d.stdout), names(gone), show(d));

  const dry = await deploy(['--dir', withoutWorker, '--dry-run']);
  assert.equal(dry.code, 0, show(dry));
  // kubectl's own server-side dry run names the same objects
  const k = kubectlPruned(dry.stdout, gone);
  assert.deepEqual([k.printed, k.matched], [gone.length, names(gone)], show(dry));
  assert.deepEqual(await liveMembers(FIXTURE_ID, variants.full), names(variants.full), 'the dry run changed nothing');
});

test('deploy prunes exactly those objects; the other apps\' objects and the claims stay; diff is then clean', { skip }, async () => {
  const before = await liveMembers(FIXTURE_ID, variants.full);
  const r = await deploy(['--dir', withoutWorker]);
  assert.equal(r.code, 0, show(r));
  const after = await liveMembers(FIXTURE_ID, variants.full);
  assert.deepEqual(before.filter((x) => !after.includes(x)), ['Deployment.apps deploy-e2e/worker', 'NetworkPolicy.networking.k8s.io deploy-e2e/api-from-monitoring', 'Service deploy-e2e/worker', 'ServiceAccount deploy-e2e/worker']);
  assert.deepEqual(after, names(variants.withoutWorker));
  for (const gone of [['deployment', 'worker'], ['service', 'worker'], ['serviceaccount', 'worker'], ['networkpolicy', 'api-from-monitoring']]) {
    await eventually(`${gone.join('/')} deleted`, async () => !(await exists([...gone, '-n', FIXTURE_NS])), { timeoutMs: 30_000 });
  }
  for (const stays of [['configmap', 'made-by-hand'], ['configmap', 'other-settings'], ['configmap', 'other-app'], ['pvc', 'data-db-0'], ['pvc', 'uploads']]) {
    assert.ok(await exists([...stays, '-n', FIXTURE_NS]), `${stays.join('/')} stays`);
  }
  const d = await deploy(['diff', '--dir', withoutWorker]);
  assert.equal(d.code, 0, show(d));
  assert.match(d.stdout, /^diff: no changes/m);
});

test('a prune of a PersistentVolumeClaim or StorageClass is refused without --allow-prune (nothing changes), done with it', { skip }, async () => {
  const dir = await synthFixture('without-storage');
  const refused = await deploy(['--dir', dir]);
  assert.equal(refused.code, 3, show(refused));
  assert.match(refused.stderr, /^deploy: refused, nothing changed: the prune would delete PersistentVolumeClaim, StorageClass objects \(re-run with --allow-prune=PersistentVolumeClaim,StorageClass to delete them\)$/m);
  assert.ok(await exists(['pvc', 'uploads', '-n', FIXTURE_NS]));
  assert.ok(await exists(['storageclass', `${FIXTURE_NS}-archive`]));

  const r = await deploy(['--dir', dir, '--allow-prune=PersistentVolumeClaim,StorageClass']);
  assert.equal(r.code, 0, show(r));
  assert.equal(await exists(['storageclass', `${FIXTURE_NS}-archive`]), false);
  await eventually('PVC uploads deleted', async () => !(await exists(['pvc', 'uploads', '-n', FIXTURE_NS])), { timeoutMs: 30_000 });
  assert.ok(await exists(['pvc', 'data-db-0', '-n', FIXTURE_NS]), 'the StatefulSet\'s claim stays');
  const d = await deploy(['diff', '--dir', dir]);
  assert.equal(d.code, 0, show(d));
});

test('no cluster: deploy and diff fail with one clear line (exit 1 and 2)', { skip }, async () => {
  const dir = mkdtempSync(join(TMP, 'deploy-nocluster-'));
  const config = join(dir, 'kubeconfig');
  writeFileSync(config, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'nowhere',
    clusters: [{ name: 'nowhere', cluster: { server: 'https://127.0.0.1:1' } }],
    contexts: [{ name: 'nowhere', context: { cluster: 'nowhere', user: 'nobody' } }],
    users: [{ name: 'nobody', user: {} }],
  }));
  for (const [cmd, code] of [['deploy', 1], ['diff', 2]]) {
    const r = await deploy([cmd, '--dir', MANIFESTS], { KUBECONFIG: config });
    assert.equal(r.code, code, show(r));
    assert.match(r.stderr, new RegExp(`^${cmd}: no cluster reachable \\(context nowhere, KUBECONFIG=${config.replace(/[.]/g, '\\.')}\\): .+\\n$`), show(r));
    assert.equal(r.stdout, '');
  }
});
