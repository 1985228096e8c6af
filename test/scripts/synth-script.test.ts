import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// scripts/synth.mjs, the fast path behind `npm run synth`, cdk8s.yaml's `app:` and the package's `kubecraft-synth`
// command, run as a real process.
const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'synth.mjs');
const NODE_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');

const APP = `
import { ApiObject, Chart } from 'cdk8s';
import { KubecraftApp } from '${path.resolve(__dirname, '..', '..', 'lib', 'core', 'app').replace(/\\/g, '/')}';
const app = new KubecraftApp();
const chart = new Chart(app, 'web');
const name: string = process.env.CM_NAME ?? 'web-config';
new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });
if (process.env.FAIL_AFTER_CONSTRUCT) throw new Error('app failed on purpose');
if (!process.env.SKIP_SYNTH) app.synth();
`;

describe('scripts/synth.mjs (kubecraft-synth)', () => {
  let project: string;
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-synth-'));
    fs.symlinkSync(NODE_MODULES, path.join(project, 'node_modules'));
    fs.writeFileSync(path.join(project, 'main.ts'), APP);
  });
  afterEach(() => {
    fs.rmSync(project, { recursive: true, force: true });
  });

  const run = (args: string[], env: Record<string, string> = {}) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!('CDK8S_OUTDIR' in env)) delete childEnv.CDK8S_OUTDIR;
    return spawnSync(process.execPath, [SCRIPT, ...args], { cwd: project, env: childEnv, encoding: 'utf8' });
  };
  const entries = (): string[] => fs.readdirSync(project).filter((f) => f !== 'node_modules').sort();
  // the versions of out/ (lib/core/output.ts): no staging directory or link is ever left behind
  const leftovers = (): string[] => fs.readdirSync(path.join(project, '.out.kubecraft')).filter((f) => !f.startsWith('v-') && f !== '.gitignore');

  test('runs main.ts without type-checking and replaces the output directory', () => {
    fs.mkdirSync(path.join(project, 'out'));
    fs.writeFileSync(path.join(project, 'out', 'stale.k8s.yaml'), 'stale');
    // a type error (number assigned to string) does not stop the fast path: `npm run typecheck` reports it
    fs.appendFileSync(path.join(project, 'main.ts'), 'const typeError: string = 42; void typeError;\n');

    const r = run(['--outdir', 'out']);

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'out'))).toEqual(['web.k8s.yaml']);
    expect(fs.readFileSync(path.join(project, 'out', 'web.k8s.yaml'), 'utf8')).toContain('name: web-config');
    expect(entries()).toEqual(['.out.kubecraft', 'main.ts', 'out']);
    expect(leftovers()).toEqual([]);
  });

  test('exits 1 and leaves the previous output untouched when the app throws', () => {
    expect(run(['--outdir', 'out']).status).toBe(0);
    const before = fs.readFileSync(path.join(project, 'out', 'web.k8s.yaml'), 'utf8');

    const r = run(['--outdir', 'out'], { CM_NAME: 'renamed', FAIL_AFTER_CONSTRUCT: '1' });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain('synth failed (previous output in out left untouched)');
    expect(r.stderr).toContain('app failed on purpose');
    expect(r.stderr).toMatch(/main\.ts:8/); // stack traces point at TypeScript lines
    expect(fs.readFileSync(path.join(project, 'out', 'web.k8s.yaml'), 'utf8')).toBe(before);
    expect(entries()).toEqual(['.out.kubecraft', 'main.ts', 'out']);
    expect(leftovers()).toEqual([]);
  });

  test('exits 1 when the app writes nothing (app.synth() never called)', () => {
    const r = run(['--outdir', 'out'], { SKIP_SYNTH: '1' });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain('main.ts wrote no manifests: it must call app.synth()');
    expect(entries()).toEqual(['.out.kubecraft', 'main.ts']);
    expect(leftovers()).toEqual([]);
  });

  test('writes to CDK8S_OUTDIR as the app of `cdk8s synth`, and requires it with --cdk8s', () => {
    const r = run(['--cdk8s'], { CDK8S_OUTDIR: path.join(project, 'cli-out') });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'cli-out'))).toEqual(['web.k8s.yaml']);

    const missing = run(['--cdk8s']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--cdk8s expects CDK8S_OUTDIR');
  });

  /**
   * Replaces the project's node_modules with one whose @swc/core cannot load its native binding (as after
   * `npm install --omit=optional`) plus the given packages, and puts a copy of the script in the project, so that
   * nothing resolves from the repository. Returns the new node_modules.
   */
  const withoutSwcBinary = (packages: string[]): string => {
    const own = path.join(project, 'node_modules');
    fs.unlinkSync(own);
    fs.mkdirSync(path.join(own, '@swc', 'core'), { recursive: true });
    fs.writeFileSync(path.join(own, '@swc', 'core', 'package.json'), JSON.stringify({ name: '@swc/core', version: '1.16.22', main: 'index.js' }));
    fs.writeFileSync(path.join(own, '@swc', 'core', 'index.js'), "throw new Error('Failed to load native binding');\n");
    for (const dep of packages) fs.symlinkSync(path.join(NODE_MODULES, dep), path.join(own, dep));
    fs.mkdirSync(path.join(project, 'tools'));
    fs.copyFileSync(SCRIPT, path.join(project, 'tools', 'synth.mjs'));
    // as in the package: the compiled output module (lib/core/output.ts, shared with KubecraftApp) next to the bin
    const source = fs.readFileSync(path.resolve(__dirname, '..', '..', 'lib', 'core', 'output.ts'), 'utf8');
    const built = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    fs.mkdirSync(path.join(project, 'build', 'lib', 'core'), { recursive: true });
    fs.writeFileSync(path.join(project, 'build', 'lib', 'core', 'output.js'), built);
    return own;
  };
  const runCopy = () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CDK8S_OUTDIR;
    return spawnSync(process.execPath, [path.join(project, 'tools', 'synth.mjs'), '--outdir', 'out'], { cwd: project, env, encoding: 'utf8' });
  };

  test('an edit is never served from the transpile cache', () => {
    expect(run(['--outdir', 'out']).status).toBe(0);
    const main = path.join(project, 'main.ts');
    fs.writeFileSync(main, fs.readFileSync(main, 'utf8').replace("'web-config'", "'edited-config'"));

    const r = run(['--outdir', 'out']);

    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(project, 'out', 'web.k8s.yaml'), 'utf8')).toContain('name: edited-config');
  });

  test('is the package\'s kubecraft-synth command: an executable file listed in bin and files', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'kubecraft-synth': 'scripts/synth.mjs' });
    expect(pkg.files).toContain('scripts/synth.mjs');
    expect(pkg.dependencies['@swc/core']).toBeDefined();
    expect(fs.readFileSync(SCRIPT, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(SCRIPT).mode & 0o111).not.toBe(0);
  });

  test('falls back to the project\'s typescript when swc\'s native binary is missing (installed with --omit=optional)', () => {
    const own = withoutSwcBinary(['typescript', 'cdk8s', 'constructs']);
    fs.appendFileSync(path.join(project, 'main.ts'), 'enum Tier { Web = 1 } void Tier.Web;\n'); // not just type stripping

    const r = runCopy();

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(project, 'out', 'web.k8s.yaml'), 'utf8')).toContain('name: web-config');
    const cache = path.join(own, '.cache', 'kubecraft-synth');
    expect(fs.readdirSync(cache).map((f) => fs.readFileSync(path.join(cache, f), 'utf8')).join('')).toMatch(/use strict/);
  });

  test('says in one line what to do when no transpiler can load', () => {
    withoutSwcBinary([]);

    const r = runCopy();

    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^synth: cannot transpile TypeScript: @swc\/core did not load \(Failed to load native binding\)/);
    expect(r.stderr).toContain('without --omit=optional');
    expect(entries()).toEqual(['.out.kubecraft', 'build', 'main.ts', 'tools']);
  });
});
