// The library as an npm package: build, `npm pack`, install the tarball into a cdk8s app outside the repository
// (the app docs/install.md shows: docs/examples/consumer/), type-check it with the pinned TypeScript, and synthesize
// it with the packaged `kubecraft-synth` command, directly and as the `app:` of its cdk8s.yaml; the peers (cdk8s,
// cdk8s-plus-27, constructs) exist once in the app's tree.
// Run with `node --test test/package/` (part of .ci/run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONSUMER_DOCS, REPO, createConsumer, pack, run } from './consumer-app.mjs';

const npm = (args, cwd) => {
  const env = { ...process.env, NO_UPDATE_NOTIFIER: '1' };
  delete env.CDK8S_OUTDIR;
  delete env.CDK8S_CHECK_UPGRADE; // the app's own scripts must turn the upgrade check off
  return spawnSync('npm', ['run', '--silent', ...args], { cwd, encoding: 'utf8', env });
};
const load = (file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());

test('the packed library installs into another app, which type-checks, subclasses WebApp and synthesizes with kubecraft-synth', { timeout: 900_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'kubecraft-consumer-'));
  try {
    const tarball = pack(work);
    const app = join(work, 'app');

    await t.test('the tarball holds the compiled library and the synth command, no sources, tests or other scripts', () => {
      const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
      assert.ok(files.includes('package/build/lib/index.js'), 'the compiled entry point');
      assert.ok(files.includes('package/build/lib/index.d.ts'), 'the type declarations');
      assert.ok(files.includes('package/scripts/synth.mjs'), 'the kubecraft-synth command');
      assert.deepEqual(files.filter((f) => f.startsWith('package/scripts/')), ['package/scripts/synth.mjs']);
      assert.ok(!files.some((f) => /^package\/(test|lib|docs|reference-app)\//.test(f) || f.includes('node_modules')), 'no sources, tests, docs or node_modules');
    });

    await t.test('the app of docs/install.md pins what the repository is built and tested with', () => {
      const ours = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
      const theirs = JSON.parse(readFileSync(join(CONSUMER_DOCS, 'package.example.json'), 'utf8'));
      for (const dep of ['typescript', '@types/node', 'cdk8s-cli']) assert.equal(theirs.devDependencies[dep], ours.devDependencies[dep], dep);
      for (const dep of ['cdk8s', 'cdk8s-plus-27', 'constructs']) {
        const want = ours.peerDependencies?.[dep] ?? ours.dependencies[dep];
        assert.equal(theirs.dependencies[dep], want, dep);
      }
    });

    createConsumer(app, tarball);

    await t.test('the peers exist once in the app\'s tree, and the library resolves the app\'s constructs', () => {
      // cdk8s, cdk8s-plus-27 and constructs are peers: npm installs them once, at the app's top level, so the
      // library and the app share one `constructs` (instanceof Construct and the compat patches depend on it)
      const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
      assert.deepEqual(Object.keys(pkg.peerDependencies).sort(), ['cdk8s', 'cdk8s-plus-27', 'constructs']);
      assert.equal(pkg.dependencies?.constructs, undefined, 'constructs is not a direct dependency');
      for (const peer of ['constructs', 'cdk8s', 'cdk8s-plus-27']) {
        const copies = run('find', ['.', '-type', 'f', '-path', `*/node_modules/${peer}/package.json`], app)
          .split('\n').filter(Boolean).map((f) => f.replace(/^\.\//, '')).filter((f) => JSON.parse(readFileSync(join(app, f), 'utf8')).name === peer);
        assert.deepEqual(copies, [`node_modules/${peer}/package.json`], `exactly one copy of ${peer} in the consumer's tree`);
      }
      const resolvedFrom = (dir) => run('node', ['-p', "require.resolve('constructs')"], dir).trim();
      assert.equal(resolvedFrom(join(app, 'node_modules', 'kubecraft')), resolvedFrom(app), 'the library resolves the app\'s constructs');
    });

    await t.test('kubecraft-synth is installed as a command of the app', () => {
      const bin = join(app, 'node_modules', '.bin', 'kubecraft-synth');
      assert.ok(lstatSync(bin).isSymbolicLink());
      assert.match(readlinkSync(bin), /kubecraft\/scripts\/synth\.mjs$/);
    });

    await t.test('the app type-checks with the pinned TypeScript and moduleResolution node', () => {
      const r = npm(['typecheck'], app);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });

    await t.test('npm run synth (kubecraft-synth) writes the subclass\'s manifests, quietly', () => {
      const r = npm(['synth'], app);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.deepEqual(readdirSync(join(app, 'dist')), ['shop.k8s.yaml']);
      const objects = load(join(app, 'dist', 'shop.k8s.yaml'));
      const deploy = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cart');
      assert.ok(deploy, 'a Deployment named cart');
      const ports = deploy.spec.template.spec.containers[0].ports.map((p) => `${p.name}:${p.containerPort}`);
      assert.deepEqual(ports.sort(), ['http:8080', 'metrics:9090']);
      const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'cart');
      assert.deepEqual(svc.spec.ports.map((p) => p.name).sort(), ['http', 'metrics'], 'the added port is exposed by the Service');
    });

    await t.test('a failing app leaves dist/ as it was and exits 1', () => {
      const before = readFileSync(join(app, 'dist', 'shop.k8s.yaml'), 'utf8');
      const main = join(app, 'main.ts');
      const source = readFileSync(main, 'utf8');
      appendFileSync(main, "throw new Error('consumer app failed on purpose');\n");
      try {
        const r = npm(['synth'], app);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /synth failed \(previous output in dist left untouched\)/);
        assert.match(r.stderr, /consumer app failed on purpose/);
        assert.equal(readFileSync(join(app, 'dist', 'shop.k8s.yaml'), 'utf8'), before);
        // dist links to a version in .dist.kubecraft/ (lib/core/output.ts): no staging directory or link is left behind
        assert.deepEqual(readdirSync(join(app, '.dist.kubecraft')).filter((f) => f.startsWith('tmp-') || f.startsWith('link-')), [], 'no staging directory left behind');
      } finally {
        writeFileSync(main, source);
      }
    });

    await t.test('cdk8s synth runs kubecraft-synth as the app of cdk8s.yaml, without the upgrade check', () => {
      const before = readFileSync(join(app, 'dist', 'shop.k8s.yaml'), 'utf8');
      rmSync(join(app, 'dist'), { recursive: true });
      const r = npm(['synth:cdk8s'], app);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /upgrade|registry\.npmjs\.org|at .*\(.*:\d+:\d+\)/i);
      assert.equal(readFileSync(join(app, 'dist', 'shop.k8s.yaml'), 'utf8'), before);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the consumer main.ts is the docs example, with the library as \'kubecraft\'', async () => {
  const { consumerMain } = await import('./consumer-app.mjs');
  const main = consumerMain();
  assert.match(main, /from 'kubecraft';/);
  assert.doesNotMatch(main, /\.\.\/lib/);
  assert.equal(resolve(CONSUMER_DOCS, '..', '..', '..'), REPO);
});
