// Proves the manifest gate (checks/run.sh) works: the good fixtures pass, and each bad
// fixture, added to the good ones, fails with exactly the findings its `# expect:` lines
// name. Also covers the exceptions file and empty input. Run: node --test checks/test/
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHECKS = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = join(CHECKS, '..');
const GOOD = join(CHECKS, 'fixtures', 'good');
const BAD = join(CHECKS, 'fixtures', 'bad');
const yamlIn = (dir) => readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

/** Runs `bash checks/run.sh` the way CI does; resolves with exit code, output and findings. */
function runGate(args) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(CHECKS, 'run.sh'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      // FINDING <tool>/<check> <object> (<file>:<line>): <message>
      const parse = (prefix) =>
        stdout
          .split('\n')
          .map((l) => new RegExp(`^${prefix} (\\S+ \\S+) \\((.+):\\d+\\): `).exec(l))
          .filter(Boolean)
          .map((m) => ({ id: m[1], file: m[2].split('/').pop() }));
      const lines = parse('FINDING');
      const excepted = parse('EXCEPTED');
      resolve({ code, stdout, stderr, lines, findings: lines.map((l) => l.id).sort(), excepted: excepted.map((l) => l.id).sort() });
    });
  });
}

/** A temporary directory holding the good fixtures plus the given extra files. */
function workdir(extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'kubecraft-gate-'));
  mkdirSync(join(dir, 'manifests'));
  for (const f of yamlIn(GOOD)) cpSync(join(GOOD, f), join(dir, 'manifests', f));
  for (const f of extra) cpSync(f, join(dir, 'manifests', `zz-${f.split('/').pop()}`));
  return dir;
}

function expectations(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('# expect: '))
    .map((l) => l.slice('# expect: '.length).trim())
    .sort();
}

// This run also loads the checked-in checks/exceptions.yaml, so a malformed one fails here.
test('the good fixtures pass with no finding and no exception', async () => {
  const r = await runGate([GOOD]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.excepted, []);
  assert.match(r.stdout, /^checks OK: 0 findings, 0 excepted/m);
  // every stage really ran over every object
  assert.match(r.stdout, /^checks: 21 objects in 4 files$/m);
  assert.match(r.stdout, /strict, Kubernetes 1\.27\.0 and 1\.36\.0\): 0 findings/);
  assert.match(r.stdout, /kube-score \([1-9]\d* checks run\): 0 findings/);
  assert.match(r.stdout, /checkov \([1-9]\d* checks run\): 0 findings/);
});

describe('the bad fixtures fail the gate, each with exactly its expected findings', () => {
  const files = yamlIn(BAD);
  // One gate run over the good fixtures plus every bad one (a run costs seconds);
  // findings are attributed to fixtures by the file they point at. The run uses an
  // empty exceptions file: what the project excepts must not hide what the gate detects.
  let run;
  const dir = workdir(files.map((f) => join(BAD, f)));
  before(async () => {
    writeFileSync(join(dir, 'no-exceptions.yaml'), 'exceptions: []\n');
    run = await runGate(['--exceptions', join(dir, 'no-exceptions.yaml'), join(dir, 'manifests')]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the run fails, and nothing from the good fixtures is reported', () => {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /^checks FAILED: [1-9]\d* findings, 0 excepted/m);
    const stray = run.lines.filter((l) => !files.some((f) => l.file === `zz-${f}`));
    assert.deepEqual(stray, []);
  });
  test('there are bad fixtures for schema, kube-score and checkov', () => {
    const tools = new Set(files.flatMap((f) => expectations(join(BAD, f)).map((e) => e.split('/')[0])));
    assert.deepEqual([...tools].sort(), ['checkov', 'kube-score', 'schema']);
  });
  for (const f of files) {
    test(f, () => {
      const want = expectations(join(BAD, f));
      assert.ok(want.length > 0, `${f} has no '# expect:' line`);
      const got = run.lines.filter((l) => l.file === `zz-${f}`).map((l) => l.id);
      assert.deepEqual(got.sort(), [...new Set(want)].sort(), run.stdout);
    });
  }
});

describe('the exceptions file', { concurrency: 2 }, () => {
  const privileged = join(BAD, 'privileged.yaml');
  const entry = (tool, check, object, reason = 'a debugging workload that needs the host devices') =>
    `  - tool: ${tool}\n    check: ${check}\n    object: ${object}\n    reason: ${reason}\n`;

  test('excepts exactly the named findings, by check and object pattern, and prints the reason', async () => {
    const dir = workdir([privileged]);
    try {
      const all = join(dir, 'all.yaml');
      writeFileSync(
        all,
        'exceptions:\n' +
          entry('kube-score', 'container-security-context-privileged', 'Deployment/shop/debug') +
          entry('checkov', 'CKV_K8S_16', 'Deployment/*/debug') +
          entry('checkov', 'CKV_K8S_20', 'Deployment/shop/deb?g'),
      );
      const ok = await runGate(['--exceptions', all, join(dir, 'manifests')]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.equal(ok.excepted.length, 3, ok.stdout);
      assert.match(ok.stdout, /reason: a debugging workload that needs the host devices/);

      // an entry for another object does not apply: that finding stays
      const partial = join(dir, 'partial.yaml');
      writeFileSync(
        partial,
        'exceptions:\n' +
          entry('kube-score', 'container-security-context-privileged', 'Deployment/shop/debug') +
          entry('checkov', 'CKV_K8S_16', 'Deployment/shop/web') +
          entry('checkov', 'CKV_K8S_20', 'Deployment/shop/debug'),
      );
      const r = await runGate(['--exceptions', partial, join(dir, 'manifests')]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.deepEqual(r.findings, ['checkov/CKV_K8S_16 Deployment/shop/debug']);
      assert.match(r.stdout, /^note: exception not used here: checkov\/CKV_K8S_16 Deployment\/shop\/web$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refused = [
    ['an entry without a reason', entry('checkov', 'CKV_K8S_16', 'Deployment/shop/debug', '""'), /reason must explain/],
    ['a schema finding', entry('schema', 'k8s-1.27.0', 'ConfigMap/shop/x'), /schema findings cannot be excepted/],
    ['a pattern instead of a check', entry('checkov', 'CKV_K8S_*', 'Deployment/shop/debug'), /must name one check/],
    ['an unknown key', entry('checkov', 'CKV_K8S_16', 'Deployment/shop/debug') + '    until: never\n', /unknown keys until/],
  ];
  for (const [what, body, message] of refused) {
    test(`refuses ${what} (exit 2, before any scan)`, async () => {
      const dir = workdir();
      try {
        const file = join(dir, 'exceptions.yaml');
        writeFileSync(file, 'exceptions:\n' + body);
        const r = await runGate(['--exceptions', file, join(dir, 'manifests')]);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, message);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

test('a directory with no manifests fails (nothing checked is not a pass)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubecraft-gate-empty-'));
  try {
    const r = await runGate([dir]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /no \.yaml\/\.yml manifests/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the target Kubernetes version', { concurrency: 2 }, () => {
  // the good front end with a native sidecar (an init container with restartPolicy: Always, Kubernetes >= 1.29)
  const NATIVE_SIDECAR = [
    '      initContainers:',
    '        - name: shipper',
    '          image: registry.example.com/shop/shipper:2.0.0@sha256:9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    '          imagePullPolicy: Always',
    '          restartPolicy: Always',
    '          resources:',
    '            requests: { cpu: 10m, memory: 32Mi, ephemeral-storage: 16Mi }',
    '            limits: { cpu: 100m, memory: 32Mi, ephemeral-storage: 16Mi }',
    '          securityContext:',
    '            allowPrivilegeEscalation: false',
    '            privileged: false',
    '            readOnlyRootFilesystem: true',
    '            runAsNonRoot: true',
    '            runAsUser: 10001',
    '            runAsGroup: 10001',
    '            capabilities:',
    '              drop: ["ALL"]',
    '            seccompProfile:',
    '              type: RuntimeDefault',
    '',
  ].join('\n');

  /** The good fixtures with the front end's Deployment given a native sidecar; `marker`: a .kubernetes-version file. */
  function sidecarDir(marker) {
    const dir = workdir();
    const web = join(dir, 'manifests', '10-web.yaml');
    const text = readFileSync(web, 'utf8');
    assert.ok(text.includes('\n      containers:\n'), 'the good web fixture changed: update this test');
    writeFileSync(web, text.replace('\n      containers:\n', `\n${NATIVE_SIDECAR}      containers:\n`));
    if (marker !== undefined) writeFileSync(join(dir, 'manifests', '.kubernetes-version'), `${marker}\n`);
    return dir;
  }

  test('by default (1.27) a native sidecar is a schema finding of 1.27', async () => {
    const dir = sidecarDir();
    try {
      const r = await runGate([join(dir, 'manifests')]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.deepEqual(r.findings, ['schema/k8s-1.27.0 Deployment/shop/web'], r.stdout);
      assert.match(r.stdout, /restartPolicy/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--target 1.29 validates against 1.29 and 1.36: the native sidecar passes', async () => {
    const dir = sidecarDir();
    try {
      const r = await runGate(['--target', '1.29', join(dir, 'manifests')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /strict, Kubernetes 1\.29\.0 and 1\.36\.0\): 0 findings/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the .kubernetes-version file KubecraftApp writes sets the target; 1.37 is validated alone', async () => {
    const dir = sidecarDir('1.37');
    try {
      const r = await runGate([join(dir, 'manifests')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /strict, Kubernetes 1\.37\.0\): 0 findings/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const refusedTargets = [['1.26'], ['latest'], ['2.1']];
  for (const [target] of refusedTargets) {
    test(`refuses the target ${target} (exit 2)`, async () => {
      const r = await runGate(['--target', target, GOOD]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`the target must be a Kubernetes version such as 1\\.29 \\(1\\.27 or newer\\), got '${target.replace('.', '\\.')}'`));
    });
  }

  test('directories that target different versions are refused (exit 2)', async () => {
    const a = sidecarDir('1.29');
    const b = sidecarDir('1.30');
    try {
      const r = await runGate([join(a, 'manifests'), join(b, 'manifests')]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /targets Kubernetes 1\.29 but .* targets 1\.30: check them apart/);
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });
});
