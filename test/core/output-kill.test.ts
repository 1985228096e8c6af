/**
 * A synth killed (SIGKILL) at any instant leaves the output directory complete-old or complete-new, never
 * missing or mixed: `scripts/synth.mjs` runs a real app in a child process, killed at each step of the
 * publication (the test hook KUBECRAFT_OUTPUT_KILL_AT) and at random delays while it writes.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { storeOf } from '../../lib/core/output';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'synth.mjs');
const NODE_MODULES = path.resolve(__dirname, '..', '..', 'node_modules');
const CHARTS = 8;
const PER_CHART = 60;
const RANDOM_RUNS = Number(process.env.KUBECRAFT_KILL_RUNS ?? '6');

const APP = `
import { ApiObject, Chart } from 'cdk8s';
import { KubecraftApp } from '${path.resolve(__dirname, '..', '..', 'lib', 'core', 'app').replace(/\\/g, '/')}';
const app = new KubecraftApp();
for (let c = 0; c < ${CHARTS}; c++) {
  const chart = new Chart(app, 'c' + c);
  for (let i = 0; i < ${PER_CHART}; i++) {
    new ApiObject(chart, 'cm' + i, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' + c + '-cm' + i }, data: { version: process.env.VERSION ?? 'none', pad: 'x'.repeat(2000) } });
  }
}
app.synth();
`;

jest.setTimeout(180_000);

describe('a synth killed at any instant', () => {
  let project: string;
  let outdir: string;
  beforeAll(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-kill-'));
    fs.symlinkSync(NODE_MODULES, path.join(project, 'node_modules'));
    fs.writeFileSync(path.join(project, 'main.ts'), APP);
    outdir = path.join(project, 'dist');
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  const env = (version: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, VERSION: version, ...extra };
    delete e.CDK8S_OUTDIR;
    return e;
  };

  /** The version the output holds, after checking it is complete: every chart file, every object, one version. */
  function completeVersion(): string {
    const files = fs.readdirSync(outdir).sort();
    expect(files).toEqual(Array.from({ length: CHARTS }, (_, c) => `c${c}.k8s.yaml`).sort());
    const versions = new Set<string>();
    for (const f of files) {
      const text = fs.readFileSync(path.join(outdir, f), 'utf8');
      expect(text.match(/^kind: ConfigMap$/gm)).toHaveLength(PER_CHART);
      for (const m of text.matchAll(/^ {2}version: (.*)$/gm)) versions.add(m[1]);
    }
    expect(versions.size).toBe(1);
    return [...versions][0];
  }

  function synthOk(version: string): void {
    const r = spawnSync(process.execPath, [SCRIPT], { cwd: project, env: env(version), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }

  test('at each step of the publication (deterministic kill points)', () => {
    synthOk('v0');
    let current = 'v0';
    for (const [i, step] of ['staged', 'renamed', 'linked', 'flipped', 'cleaned'].entries()) {
      const version = `step-${i}`;
      const r = spawnSync(process.execPath, [SCRIPT], { cwd: project, env: env(version, { KUBECRAFT_OUTPUT_KILL_AT: step }), encoding: 'utf8' });
      expect(r.signal).toBe('SIGKILL');
      const seen = completeVersion();
      // up to the flip the old output stays; from the flip on the new one is there
      expect(seen).toBe(['flipped', 'cleaned'].includes(step) ? version : current);
      current = seen;
    }
  });

  test(`at ${RANDOM_RUNS} random instants while the app runs and writes`, async () => {
    synthOk('base');
    const t0 = Date.now();
    synthOk('timing');
    const duration = Date.now() - t0;
    let previous = 'timing';
    const outcomes = { old: 0, new: 0 };
    for (let i = 0; i < RANDOM_RUNS; i++) {
      const version = `random-${i}`;
      const child: ChildProcess = spawn(process.execPath, [SCRIPT], { cwd: project, env: env(version), stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await new Promise((r) => setTimeout(r, Math.random() * duration * 1.5));
      child.kill('SIGKILL');
      await exited;
      const seen = completeVersion();
      expect([previous, version]).toContain(seen);
      outcomes[seen === version ? 'new' : 'old']++;
      previous = seen;
    }
    // the next synth cleans what the killed ones left: no staging directory or link, at most two versions
    synthOk('final');
    expect(completeVersion()).toBe('final');
    const left = fs.readdirSync(storeOf(outdir));
    expect(left.filter((f) => f.startsWith('tmp-') || f.startsWith('link-'))).toEqual([]);
    expect(left.filter((f) => f.startsWith('v-')).length).toBeLessThanOrEqual(2);
    process.stdout.write(`output-kill: ${RANDOM_RUNS} random kills over ~${duration} ms synths: ${outcomes.old} complete-old, ${outcomes.new} complete-new\n`);
  });
});
