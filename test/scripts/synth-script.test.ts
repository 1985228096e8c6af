import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// scripts/synth.mjs, the fast path behind `npm run synth` and cdk8s.yaml's `app:`, run as a real process.
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

describe('scripts/synth.mjs', () => {
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
    expect(entries()).toEqual(['main.ts', 'out']);
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
    expect(entries()).toEqual(['main.ts', 'out']);
  });

  test('exits 1 when the app writes nothing (app.synth() never called)', () => {
    const r = run(['--outdir', 'out'], { SKIP_SYNTH: '1' });

    expect(r.status).toBe(1);
    expect(r.stderr).toContain('main.ts wrote no manifests: it must call app.synth()');
    expect(entries()).toEqual(['main.ts']);
  });

  test('writes to CDK8S_OUTDIR as the app of `cdk8s synth`, and requires it with --cdk8s', () => {
    const r = run(['--cdk8s'], { CDK8S_OUTDIR: path.join(project, 'cli-out') });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'cli-out'))).toEqual(['web.k8s.yaml']);

    const missing = run(['--cdk8s']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--cdk8s expects CDK8S_OUTDIR');
  });
});
