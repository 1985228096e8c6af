// The property-based test's accepted outputs on the real API server: a sample of random cases per construct
// (test/property/emit.ts, fixed seed), all in one namespace, must pass `kubectl apply --server-side
// --dry-run=server`: the API server's own validation and admission (names, label and annotation keys, quantities,
// ports, Ingress hosts, ipBlocks, ...) accepts everything the library let through. E2E_PROPERTY_RUNS sets the
// cases per construct (default 40). Runs once, on the dist/ run (not on the harness's fixture self-check).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { objects } from '../lib/manifests.mjs';
import { MANIFESTS, REPO, kubectl } from './helpers.mjs';

const skip = MANIFESTS.endsWith(join('e2e', 'fixtures', 'manifests')) ? 'the harness self-check run (runs on dist/ only)' : false;
const RUNS = process.env.E2E_PROPERTY_RUNS ?? '40';
const NAMESPACE = 'kubecraft-property';
const CLUSTER_SCOPED = new Set(['Namespace', 'StorageClass', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding']);

function emit(outdir) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['scripts/synth.mjs', 'test/property/emit.ts', '--outdir', outdir], {
      cwd: REPO,
      env: { ...process.env, PROPERTY_RUNS: RUNS, PROPERTY_NAMESPACE: NAMESPACE },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`test/property/emit.ts exited ${code}\n${out}`))));
  });
}

test('a sample of the property test\'s accepted outputs passes a server-side dry-run', { skip }, async () => {
  const outdir = join(mkdtempSync(join(process.env.E2E_TMP || tmpdir(), 'property-')), 'out');
  const summary = await emit(outdir);
  const docs = objects(outdir);
  assert.ok(docs.length > 50, `expected a sample of accepted outputs, got ${docs.length} objects:\n${summary}`);
  // the namespaces the sample's objects live in exist for real (a dry-run does not create a Namespace it also applies)
  const namespaces = [...new Set(docs.filter((o) => !CLUSTER_SCOPED.has(o.kind)).map((o) => o.metadata.namespace ?? 'default'))].filter((n) => n !== 'default');
  const list = { apiVersion: 'v1', kind: 'List', items: namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) };
  // and so do the ServiceAccounts (the ServiceAccount admission plugin refuses a Pod whose account does not exist yet)
  list.items.push(...docs.filter((o) => o.kind === 'ServiceAccount'));
  await kubectl(['apply', '--server-side', '--field-manager=kubecraft-property', '-f', '-'], { input: JSON.stringify(list) });
  try {
    const out = await kubectl(['apply', '--server-side', '--dry-run=server', '--field-manager=kubecraft-property', '-f', `${outdir}/`]);
    const applied = out.split('\n').filter((l) => l.includes('(server dry run)'));
    assert.equal(applied.length, docs.length, out);
    console.log(`property dry-run: ${docs.length} objects from ${summary.split('\n').filter(Boolean).length} constructs accepted by the API server`);
  } finally {
    await kubectl(['delete', 'namespace', '--wait=false', ...namespaces]);
  }
});
