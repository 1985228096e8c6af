// 10. Native sidecars (Kubernetes >= 1.29): a pod of the library's AppPod with `native: true` (e2e/node/fixtures/
// native-sidecar-app.ts, synthesized here) runs its sidecar as an init container with restartPolicy: Always. The
// kubelet starts it first, starts the app container only once the sidecar's startup probe passed (the app finds the
// sidecar's heartbeat at its own start), and keeps the sidecar running afterwards (same container, no restart,
// heartbeats newer than the app's start).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import test from 'node:test';
import { applyDir, E2E_TMP_DIR, eventually, execOk, getJson, isReady, kubectl, REPO, sleep } from './helpers.mjs';

const NS = 'sidecar-e2e';
const POD = 'git-sync';

test('a native sidecar starts before the app container and keeps running after the app started', async (t) => {
  const out = mkdtempSync(join(E2E_TMP_DIR, 'native-sidecar-'));
  const r = spawnSync('node', ['scripts/synth.mjs', 'e2e/node/fixtures/native-sidecar-app.ts', '--outdir', out], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, `synth of the native-sidecar fixture failed: ${r.stderr}`);
  try {
    await applyDir(out);
    const pod = await eventually(`pod ${NS}/${POD} Ready`, async () => {
      const p = await getJson(['get', 'pod', POD, '-n', NS]);
      return isReady(p) ? p : undefined;
    }, { timeoutMs: 180_000 });

    const sidecarSpec = pod.spec.initContainers.find((c) => c.name === 'ctr-sync');
    assert.equal(sidecarSpec?.restartPolicy, 'Always', 'the sidecar is not a native sidecar in the applied pod');
    const sidecar = pod.status.initContainerStatuses.find((s) => s.name === 'ctr-sync');
    const web = pod.status.containerStatuses.find((s) => s.name === 'ctr-web');
    assert.ok(sidecar?.state?.running, `the sidecar is not running: ${JSON.stringify(sidecar?.state)}`);
    assert.ok(web?.state?.running, `the app container is not running: ${JSON.stringify(web?.state)}`);
    const sidecarStart = Date.parse(sidecar.state.running.startedAt);
    const webStart = Date.parse(web.state.running.startedAt);
    assert.ok(sidecarStart <= webStart, `the sidecar started at ${sidecar.state.running.startedAt}, after the app container (${web.state.running.startedAt})`);

    // at its start, the app container found the heartbeat the sidecar writes: the sidecar was running before it
    const saw = (await execOk(NS, POD, ['cat', '/shared/app-saw-sidecar'], { container: 'ctr-web' })).trim();
    assert.equal(saw, 'yes', 'the app container started before the sidecar had written its first heartbeat');

    // and the sidecar outlives the app container's start: the same container keeps beating afterwards
    const appStarted = Number((await execOk(NS, POD, ['cat', '/shared/app-started'], { container: 'ctr-web' })).trim());
    await sleep(3000);
    const beat = Number((await execOk(NS, POD, ['cat', '/shared/heartbeat'], { container: 'ctr-web' })).trim());
    assert.ok(beat > appStarted, `no heartbeat after the app started (last ${beat}, app started ${appStarted})`);
    const again = (await getJson(['get', 'pod', POD, '-n', NS])).status.initContainerStatuses.find((s) => s.name === 'ctr-sync');
    assert.ok(again.state.running, `the sidecar stopped: ${JSON.stringify(again.state)}`);
    assert.equal(again.containerID, sidecar.containerID, 'the sidecar was restarted');
    assert.equal(again.restartCount, 0);
    t.diagnostic(`sidecar started ${sidecar.state.running.startedAt}, app ${web.state.running.startedAt}; heartbeat ${beat - appStarted}s after the app's start`);
  } finally {
    await kubectl(['delete', 'namespace', NS, '--wait=false']).catch(() => {});
  }
});
