// A cdk8s app that uses the packed library, built from the files docs/install.md shows (docs/examples/consumer/):
// its main.ts (with the library imported as 'kubecraft'), package.json, tsconfig.json and cdk8s.yaml. Used by
// test/package/consumer.test.mjs and by the benchmark (bench/run.mjs).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const CONSUMER_DOCS = join(REPO, 'docs', 'examples', 'consumer');

const env = () => {
  const e = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', NO_UPDATE_NOTIFIER: '1' };
  delete e.CDK8S_OUTDIR;
  return e;
};

/** Runs a command, returns stdout; throws with stdout and stderr on failure. */
export const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: env(), maxBuffer: 64 << 20 });

/** `npm pack` of the repository into `dir`; returns the tarball's path. */
export function pack(dir) {
  const name = run('npm', ['pack', '--silent', '--pack-destination', dir], REPO).trim().split('\n').pop();
  return join(dir, name);
}

/** The consumer's main.ts as the docs show it: the library from 'kubecraft'. */
export function consumerMain() {
  return readFileSync(join(CONSUMER_DOCS, 'main.ts'), 'utf8').replace(/from '(\.\.\/)+lib'/g, "from 'kubecraft'");
}

/**
 * Creates the consumer app in `dir` depending on `tarball`, and installs it (from the npm cache where possible).
 * `devDependencies` adds packages (name -> version), e.g. ts-node for the benchmark's default-template baseline;
 * `installArgs` are added to `npm install` (e.g. `--omit=optional`).
 */
export function createConsumer(dir, tarball, { devDependencies = {}, installArgs = [] } = {}) {
  mkdirSync(dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(CONSUMER_DOCS, 'package.example.json'), 'utf8'));
  pkg.dependencies.kubecraft = `file:${tarball}`;
  Object.assign(pkg.devDependencies, devDependencies);
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  cpSync(join(CONSUMER_DOCS, 'tsconfig.example.json'), join(dir, 'tsconfig.json'));
  cpSync(join(CONSUMER_DOCS, 'cdk8s.yaml'), join(dir, 'cdk8s.yaml'));
  writeFileSync(join(dir, 'main.ts'), consumerMain());
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...installArgs], dir);
  return dir;
}
