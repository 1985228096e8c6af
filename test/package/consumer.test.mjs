// The library as an npm package: build, `npm pack`, install the tarball into a temporary cdk8s app outside the
// repository, compile an app there that subclasses WebApp and adds a container port, and synthesize it; the peers
// (cdk8s, cdk8s-plus-27, constructs) exist once in the app's tree.
// Run with `node --test test/package/` (part of .ci/run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const repo = resolve(import.meta.dirname, '..', '..');
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });

test('the packed library installs into another app, which subclasses WebApp, adds a port and synthesizes', { timeout: 600_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kubecraft-consumer-'));
  try {
    const packOut = run('npm', ['pack', '--silent', '--pack-destination', work], repo).trim().split('\n').pop();
    const tarball = join(work, packOut);
    const files = run('tar', ['-tzf', tarball], work).split('\n');
    assert.ok(files.includes('package/build/lib/index.js'), 'tarball holds the compiled entry point');
    assert.ok(files.includes('package/build/lib/index.d.ts'), 'tarball holds the type declarations');
    assert.ok(!files.some((f) => f.startsWith('package/test/') || f.startsWith('package/lib/') || f.includes('node_modules')), 'tarball holds no sources, tests or node_modules');

    const app = join(work, 'app');
    run('mkdir', ['-p', app], work);
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true }, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', tarball,
      `typescript@${pkg.devDependencies.typescript}`, `@types/node@${pkg.devDependencies['@types/node']}`], app);

    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'CommonJS', moduleResolution: 'node', strict: true, types: ['node'], outDir: 'out' },
      include: ['main.ts'],
    }, null, 2));
    writeFileSync(join(app, 'main.ts'), `
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { WebApp, WebAppProps } from 'kubecraft';

/** A team's own flavour of WebApp: adds a metrics port to every instance. */
class MeteredWebApp extends WebApp {
  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id, props);
    this.addPort({ name: 'metrics', port: 9090 });
  }
}

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'shop', { namespace: 'shop' });
new MeteredWebApp(chart, 'cart', { image: 'ghcr.io/example/cart:1.4.2', ports: [{ name: 'http', port: 8080 }] });
app.synth();
`);
    // cdk8s, cdk8s-plus-27 and constructs are peers: npm installs them once, at the app's top level, so the
    // library and the app share one `constructs` (instanceof Construct and the compat patches depend on it)
    assert.deepEqual(Object.keys(pkg.peerDependencies).sort(), ['cdk8s', 'cdk8s-plus-27', 'constructs']);
    assert.equal(pkg.dependencies?.constructs, undefined, 'constructs is not a direct dependency');
    for (const peer of ['constructs', 'cdk8s', 'cdk8s-plus-27']) {
      const copies = run('find', ['.', '-type', 'f', '-path', `*/node_modules/${peer}/package.json`], app)
        .split('\n').filter(Boolean).map((f) => f.replace(/^\.\//, '')).filter((f) => JSON.parse(readFileSync(join(app, f), 'utf8')).name === peer);
      assert.deepEqual(copies, [`node_modules/${peer}/package.json`], `exactly one copy of ${peer} in the consumer's tree`);
    }
    const resolvedFrom = (dir) => run('node', ['-p', "require.resolve('constructs')"], dir).trim();
    assert.equal(resolvedFrom(join(app, 'node_modules', 'kubecraft')), resolvedFrom(app), 'the library resolves the app\'s constructs');

    run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
    run('node', ['out/main.js'], app);

    const out = readdirSync(join(app, 'dist'));
    assert.deepEqual(out, ['shop.k8s.yaml']);
    const objects = parseAllDocuments(readFileSync(join(app, 'dist', 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    const deploy = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'cart');
    assert.ok(deploy, 'a Deployment named cart');
    const ports = deploy.spec.template.spec.containers[0].ports.map((p) => `${p.name}:${p.containerPort}`);
    assert.deepEqual(ports.sort(), ['http:8080', 'metrics:9090']);
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'cart');
    assert.ok(svc, 'a Service named cart');
    assert.deepEqual(svc.spec.ports.map((p) => p.name).sort(), ['http', 'metrics'], 'the added port is exposed by the Service');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
