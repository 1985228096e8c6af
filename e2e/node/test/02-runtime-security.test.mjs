// 2. The restricted settings hold at run time, read from the running processes: each app container's main process
// (PID 1 of the container) runs as its configured uid/gid, has no effective, permitted or bounding capability,
// no_new_privs and seccomp filtering on, and a write to its root filesystem fails when it is read-only.
import assert from 'node:assert/strict';
import test from 'node:test';
import { exec, namespaces, podsOf, workloads, isReady } from './helpers.mjs';

const field = (status, name) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim();

for (const w of workloads()) {
  const spec = w.spec.template.spec;
  for (const c of spec.containers) {
    const sc = { ...(spec.securityContext || {}), ...(c.securityContext || {}) };
    test(`${w.metadata.namespace}/${w.metadata.name}/${c.name}: uid ${sc.runAsUser}, no capabilities, read-only root`, async () => {
      const pods = (await podsOf(w)).filter(isReady);
      assert.ok(pods.length > 0, 'no Ready pod');
      for (const p of pods) {
        const r = await exec(p.metadata.namespace, p.metadata.name, ['cat', '/proc/1/status'], { container: c.name });
        assert.equal(r.code, 0, `cat /proc/1/status: ${r.stderr}`);
        const uids = field(r.stdout, 'Uid').split(/\s+/);
        const gids = field(r.stdout, 'Gid').split(/\s+/);
        if (sc.runAsUser !== undefined) assert.deepEqual(uids, Array(4).fill(String(sc.runAsUser)), `${p.metadata.name}: Uid ${uids}`);
        if (sc.runAsGroup !== undefined) assert.deepEqual(gids, Array(4).fill(String(sc.runAsGroup)), `${p.metadata.name}: Gid ${gids}`);
        assert.notEqual(uids[1], '0', `${p.metadata.name} runs as root`);
        for (const cap of ['CapEff', 'CapPrm', 'CapBnd', 'CapAmb']) assert.equal(field(r.stdout, cap), '0000000000000000', `${p.metadata.name}: ${cap}`);
        if (sc.allowPrivilegeEscalation === false) assert.equal(field(r.stdout, 'NoNewPrivs'), '1', `${p.metadata.name}: NoNewPrivs`);
        if (sc.seccompProfile?.type === 'RuntimeDefault') assert.equal(field(r.stdout, 'Seccomp'), '2', `${p.metadata.name}: Seccomp (2 = filter)`);
        if (sc.readOnlyRootFilesystem) {
          const wr = await exec(p.metadata.namespace, p.metadata.name, ['sh', '-c', 'echo x > /.kubecraft-e2e-write-probe'], { container: c.name });
          assert.notEqual(wr.code, 0, `${p.metadata.name}: a write to / succeeded`);
          assert.match(wr.stderr, /Read-only file system/i, `${p.metadata.name}: unexpected write error: ${wr.stderr}`);
        }
      }
    });
  }
}
test('the suite found workloads', () => assert.ok(workloads().length > 0 && namespaces().length > 0));
