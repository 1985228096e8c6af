// 9. ConfigBundle: a changed config value, re-synthesized (e2e/node/fixtures/config-app.ts, built with the library)
// and applied, rolls the pods (the bundle's checksum annotation changed) and the new value is what the containers
// read, both as an env var (configMapKeyRef) and as a mounted file.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import test from 'node:test';
import { applyDir, E2E_TMP_DIR, execOk, getJson, isReady, kubectl, REPO, rolloutStatus } from './helpers.mjs';

const NS = 'config-e2e';
function synth(value) {
  const out = mkdtempSync(join(E2E_TMP_DIR, `config-${value}-`));
  const r = spawnSync('node', ['scripts/synth.mjs', 'e2e/node/fixtures/config-app.ts', '--outdir', out], { cwd: REPO, env: { ...process.env, E2E_CONFIG_VALUE: value }, encoding: 'utf8' });
  assert.equal(r.status, 0, `synth of the config fixture failed: ${r.stderr}`);
  return out;
}
const deployment = () => getJson(['get', 'deployment', 'echo', '-n', NS]);
async function readBack() {
  const pods = (await getJson(['get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/name=echo'])).items.filter(isReady);
  return Promise.all(pods.map(async (p) => ({
    uid: p.metadata.uid,
    env: (await execOk(NS, p.metadata.name, ['sh', '-c', 'echo "$PODINFO_UI_MESSAGE"'])).trim(),
    file: (await execOk(NS, p.metadata.name, ['cat', '/etc/echo/MESSAGE'])).trim(),
  })));
}

test('a changed ConfigBundle value rolls the pods and the containers read the new value', async (t) => {
  const obj = { kind: 'Deployment', metadata: { name: 'echo', namespace: NS } };
  await applyDir(synth('first'));
  await rolloutStatus(obj, '180s');
  const one = await readBack();
  assert.ok(one.length >= 1 && one.every((r) => r.env === 'first' && r.file === 'first'), `before: ${JSON.stringify(one)}`);
  const sum1 = (await deployment()).spec.template.metadata.annotations['checksum/config'];

  await applyDir(synth('second'));
  const sum2 = (await deployment()).spec.template.metadata.annotations['checksum/config'];
  assert.notEqual(sum2, sum1, 'the checksum annotation did not change');
  await rolloutStatus(obj, '180s');
  const two = await readBack();
  assert.ok(two.every((r) => r.env === 'second' && r.file === 'second'), `after: ${JSON.stringify(two)}`);
  assert.ok(two.every((r) => !one.some((o) => o.uid === r.uid)), 'the pods were not replaced');
  t.diagnostic(`checksum ${sum1.slice(0, 8)} -> ${sum2.slice(0, 8)}; ${two.length} new pods read 'second'`);
  await kubectl(['delete', 'namespace', NS, '--wait=false']);
});
