#!/usr/bin/env node
// Benchmark: `npm run bench` (node bench/run.mjs [--quick] [--only synth,scale,test]).
//
// Measures whole-process runs side by side, in one run, and writes bench/RESULTS.md:
//   1. synth of the reference app: the README's `npm run synth` in the edit loop (a one-line change to a source
//      file before every run, so no build output can be reused) vs the cdk8s default template's way
//      (`npx cdk8s synth` with `app: npx ts-node main.ts`), plus `npx cdk8s synth` with this project's cdk8s.yaml.
//   2. scaling: N web units in one chart and in one chart each, with the kubecraft library (KubecraftApp + WebApp)
//      and with plain cdk8s (App + cdk8s-plus-27, bench/apps/plain-web-stack.ts).
//   3. an app that uses the package (the app of docs/install.md, built from `npm pack`): `npm run synth`
//      (kubecraft-synth) in the edit loop vs the default template's `npx cdk8s synth` with ts-node.
//   4. `npm test` wall time.
// Each cell: median wall time over repeated runs, min-max, median CPU time (user+sys) and peak RSS.
// Timing uses /usr/bin/time (GNU time) for CPU and peak RSS of the whole process tree.
// No part of this runs in CI; it takes about 5-10 minutes on 2 cores.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConsumer, pack } from '../test/package/consumer-app.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only'));
const ONLY = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : ['synth', 'consumer', 'scale', 'test'];
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const BASE_ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', FORCE_COLOR: '0', NO_UPDATE_NOTIFIER: '1', BENCH_SECRET: 'bench-only-not-a-secret' };
delete BASE_ENV.CDK8S_OUTDIR;

const log = (...a) => console.error('[bench]', ...a);

/** Runs one command (argv, no shell unless argv[0] is 'sh'), returns {wall, cpu, rss, ok, timedOut, out}. */
function measure(argv, { cwd = ROOT, env = {}, timeoutSec = 600 } = {}) {
  const statFile = path.join(os.tmpdir(), `kubecraft-bench-${process.pid}.time`);
  const wrapped = ['timeout', '-k', '5', String(timeoutSec), ...argv];
  const full = TIME ? [TIME, '-o', statFile, '-f', '%e %U %S %M', ...wrapped] : wrapped;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { cwd, env: { ...BASE_ENV, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpu = NaN;
  let rss = NaN;
  if (TIME && fs.existsSync(statFile)) {
    const last = fs.readFileSync(statFile, 'utf8').trim().split('\n').pop().split(' ');
    cpu = Number(last[1]) + Number(last[2]);
    rss = Number(last[3]) / 1024;
    fs.rmSync(statFile, { force: true });
  }
  const timedOut = r.status === 124 || r.status === 137;
  return { wall, cpu, rss, ok: r.status === 0, timedOut, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Repeats `run` (which returns a measure() result) and summarizes. */
function repeat(label, reps, run, { warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) {
    const w = run(-1 - i);
    if (!w.ok) return fail(label, w);
  }
  const rs = [];
  for (let i = 0; i < reps; i++) {
    const r = run(i);
    if (!r.ok) return fail(label, r);
    rs.push(r);
  }
  const s = {
    label,
    n: rs.length,
    median: median(rs.map((r) => r.wall)),
    min: Math.min(...rs.map((r) => r.wall)),
    max: Math.max(...rs.map((r) => r.wall)),
    cpu: median(rs.map((r) => r.cpu)),
    rss: Math.max(...rs.map((r) => r.rss)),
  };
  log(`${label}: median ${s.median.toFixed(2)} s (${s.min.toFixed(2)}-${s.max.toFixed(2)}, n=${s.n}), cpu ${s.cpu.toFixed(2)} s, peak ${s.rss.toFixed(0)} MB`);
  return s;
}

/** Like repeat() for several commands at once, taking turns: a warm-up of each, then round after round. */
function interleaved(specs) {
  const results = Object.fromEntries(specs.map((s) => [s.key, []]));
  const failed = {};
  for (const s of specs) {
    const w = s.run(-1);
    if (!w.ok) failed[s.key] = fail(s.label, w);
  }
  const rounds = Math.max(...specs.map((s) => s.reps));
  for (let i = 0; i < rounds; i++) {
    for (const s of specs) {
      if (failed[s.key] || i >= s.reps) continue;
      const r = s.run(i);
      if (!r.ok) failed[s.key] = fail(s.label, r);
      else results[s.key].push(r);
    }
  }
  const out = {};
  for (const s of specs) {
    if (failed[s.key]) {
      out[s.key] = failed[s.key];
      continue;
    }
    const rs = results[s.key];
    out[s.key] = {
      label: s.label,
      n: rs.length,
      median: median(rs.map((r) => r.wall)),
      min: Math.min(...rs.map((r) => r.wall)),
      max: Math.max(...rs.map((r) => r.wall)),
      cpu: median(rs.map((r) => r.cpu)),
      rss: Math.max(...rs.map((r) => r.rss)),
    };
    const x = out[s.key];
    log(`${s.label}: median ${x.median.toFixed(2)} s (${x.min.toFixed(2)}-${x.max.toFixed(2)}, n=${x.n}), cpu ${x.cpu.toFixed(2)} s, peak ${x.rss.toFixed(0)} MB`);
  }
  return out;
}

function fail(label, r) {
  const why = r.timedOut ? `timed out after ${r.wall.toFixed(0)} s` : 'failed';
  log(`${label}: ${why}\n${r.out.split('\n').slice(-15).join('\n')}`);
  return { label, failed: true, timedOut: r.timedOut, wall: r.wall, rss: r.rss };
}

const fmt = (s) => {
  if (!s) return 'not run';
  if (s.skipped) return s.skipped;
  if (s.failed) return s.timedOut ? `> ${s.wall.toFixed(0)} s (timed out)` : 'FAILED';
  return `${s.median.toFixed(2)} s (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;
};
const fmtCpu = (s) => (s && !s.failed && !s.skipped ? `${s.cpu.toFixed(2)} s` : '-');
const fmtRss = (s) => (s && !s.skipped && Number.isFinite(s.rss) ? `${s.rss.toFixed(0)} MB` : '-');

// ---------------------------------------------------------------------------------------------------------
// 1. synth of the reference app
// ---------------------------------------------------------------------------------------------------------

/** A throwaway copy of the project (node_modules symlinked) in which source files can be edited freely. */
function projectCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-bench-'));
  const skip = new Set(['node_modules', '.git', 'dist', 'build', 'e2e', 'coverage']);
  for (const entry of fs.readdirSync(ROOT)) {
    if (skip.has(entry) || entry.startsWith('.dist')) continue;
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  let reference = 'main.ts';
  if (!fs.existsSync(path.join(ROOT, 'main.ts'))) {
    reference = 'bench/apps/reference-standin.ts (main.ts did not exist)';
    const src = fs.readFileSync(path.join(ROOT, 'bench/apps/reference-standin.ts'), 'utf8')
      .replaceAll("'../../lib/", "'./lib/").replaceAll("'./plain-web-stack'", "'./bench/apps/plain-web-stack'");
    fs.writeFileSync(path.join(dir, 'main.ts'), src);
  }
  return { dir, reference };
}

/** The source files the edit loop touches in turn: main.ts and the library file it leans on most. */
function editTargets(dir) {
  const candidates = ['main.ts', 'lib/workload/web-app.ts', 'lib/core/app.ts'];
  return candidates.filter((f) => fs.existsSync(path.join(dir, f))).slice(0, 2);
}

function oneLineEdit(dir, targets, i) {
  const f = path.join(dir, targets[Math.abs(i) % targets.length]);
  fs.appendFileSync(f, `// bench edit ${Date.now()}-${i}\n`);
}

function listDist(dir) {
  const out = {};
  const d = path.join(dir, 'dist');
  for (const f of fs.readdirSync(d).sort()) out[f] = fs.readFileSync(path.join(d, f), 'utf8');
  return out;
}

function benchSynth() {
  const { dir, reference } = projectCopy();
  log(`synth: project copy in ${dir} (reference app: ${reference})`);
  const targets = editTargets(dir);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const cdk8sYaml = fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8');
  const cdk8sApp = (cdk8sYaml.match(/^app:\s*(.+)$/m) ?? [])[1] ?? '?';
  const reps = QUICK ? 3 : 10;
  const slowReps = QUICK ? 2 : 5;
  const edit = (i) => oneLineEdit(dir, targets, i);
  const rows = {};
  rows.fast = repeat('npm run synth (edit loop)', reps, (i) => { edit(i); return measure(['npm', 'run', '--silent', 'synth'], { cwd: dir }); });
  const fastDist = rows.fast.failed ? {} : listDist(dir);
  rows.cli = repeat('npx cdk8s synth (cdk8s.yaml app, edit loop)', slowReps, (i) => { edit(i); return measure(['npx', 'cdk8s', 'synth'], { cwd: dir }); });
  rows.template = repeat('npx cdk8s synth, app: npx ts-node main.ts (edit loop)', slowReps, (i) => {
    edit(i);
    return measure(['npx', 'cdk8s', 'synth', '--app', 'npx ts-node main.ts'], { cwd: dir });
  });
  const sameOutput = !rows.template.failed && !rows.fast.failed && JSON.stringify(listDist(dir)) === JSON.stringify(fastDist);
  rows.node = repeat('node -e 0 (floor: Node start-up)', reps, () => measure(['node', '-e', '0'], { cwd: dir }), { warmup: 0 });
  fs.rmSync(dir, { recursive: true, force: true });
  return { rows, reference, targets, synthScript: pkg.scripts?.synth, cdk8sApp, sameOutput, files: Object.keys(fastDist).length };
}

// ---------------------------------------------------------------------------------------------------------
// consumer: an app that uses the packed library, with kubecraft-synth
// ---------------------------------------------------------------------------------------------------------

function benchConsumer() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-bench-consumer-'));
  log(`consumer: packing the library and installing the app of docs/install.md in ${work}`);
  const tarball = pack(work);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // ts-node only for the default template's baseline
  const app = createConsumer(path.join(work, 'app'), tarball, { devDependencies: { 'ts-node': pkg.devDependencies['ts-node'] } });
  // the same app installed with --omit=optional: swc's native binary is missing, kubecraft-synth uses typescript
  const lean = createConsumer(path.join(work, 'lean'), tarball, { installArgs: ['--omit=optional'] });
  const swcBinary = fs.existsSync(path.join(lean, 'node_modules', '@swc', `core-${process.platform}-${process.arch}-gnu`));
  const files = fs.readdirSync(app).filter((f) => f.endsWith('.ts'));
  const lines = fs.readFileSync(path.join(app, 'main.ts'), 'utf8').split('\n').length;
  const reps = QUICK ? 3 : 10;
  const slowReps = QUICK ? 2 : 5;
  const editIn = (dir) => (i) => fs.appendFileSync(path.join(dir, 'main.ts'), `// bench edit ${Date.now()}-${i}\n`);
  const dist = (dir) => {
    const d = path.join(dir, 'dist');
    return Object.fromEntries(fs.readdirSync(d).sort().map((f) => [f, fs.readFileSync(path.join(d, f), 'utf8')]));
  };
  const rows = {};
  const edit = editIn(app);
  const editLean = editIn(lean);
  // the commands take turns (one run of each, then the next round), so that load from other work on a shared
  // machine falls on all of them alike
  const specs = [
    { key: 'fast', label: 'consumer: npm run synth (kubecraft-synth, edit loop)', reps, run: (i) => { edit(i); return measure(['npm', 'run', '--silent', 'synth'], { cwd: app }); } },
    { key: 'bin', label: 'consumer: node_modules/.bin/kubecraft-synth (edit loop)', reps, run: (i) => { edit(i); return measure([path.join(app, 'node_modules', '.bin', 'kubecraft-synth')], { cwd: app }); } },
    { key: 'npx', label: 'consumer: npx kubecraft-synth (edit loop)', reps, run: (i) => { edit(i); return measure(['npx', 'kubecraft-synth'], { cwd: app }); } },
    { key: 'cli', label: 'consumer: npm run synth:cdk8s (cdk8s synth, app: npx kubecraft-synth --cdk8s; edit loop)', reps: slowReps, run: (i) => { edit(i); return measure(['npm', 'run', '--silent', 'synth:cdk8s'], { cwd: app }); } },
    { key: 'template', label: 'consumer: default template, npx cdk8s synth with app: npx ts-node main.ts (edit loop)', reps: slowReps, run: (i) => { edit(i); return measure(['npx', 'cdk8s', 'synth', '--app', 'npx ts-node main.ts'], { cwd: app }); } },
    { key: 'lean', label: 'consumer: npm run synth, installed with --omit=optional (typescript fallback, edit loop)', reps, run: (i) => { editLean(i); return measure(['npm', 'run', '--silent', 'synth'], { cwd: lean }); } },
  ];
  Object.assign(rows, interleaved(specs));
  // both write the same files: the default template's output against a fresh kubecraft-synth run
  const templateDist = rows.template.failed ? undefined : dist(app);
  const again = measure(['npm', 'run', '--silent', 'synth'], { cwd: app });
  const sameOutput = again.ok && templateDist !== undefined && JSON.stringify(dist(app)) === JSON.stringify(templateDist);
  fs.rmSync(work, { recursive: true, force: true });
  return { rows, files, lines, sameOutput, swcBinary };
}

// ---------------------------------------------------------------------------------------------------------
// 2. scaling
// ---------------------------------------------------------------------------------------------------------

function benchScale() {
  const sizes = QUICK ? [10, 100] : [10, 100, 1000, 5000];
  const repsFor = (n) => (n <= 100 ? 5 : n <= 1000 ? 3 : 1);
  const out = path.join(os.tmpdir(), `kubecraft-bench-out-${process.pid}`);
  const results = {};
  for (const n of sizes) {
    for (const layout of ['one-chart', 'chart-each']) {
      for (const impl of ['kubecraft', 'app-only', 'plain']) {
        const key = `${impl}/${layout}/${n}`;
        // plain cdk8s, one chart each, is quadratic: 5000 charts take ~9 min, so it gets one capped run
        const capped = impl === 'plain' && layout === 'chart-each' && n >= 5000;
        const timeoutSec = capped ? 120 : 600;
        const run = () => measure(['node', 'scripts/synth.mjs', 'bench/apps/scale.ts', '--outdir', out], {
          env: { BENCH_N: String(n), BENCH_LAYOUT: layout, BENCH_IMPL: impl }, timeoutSec,
        });
        results[key] = repeat(`scale ${key}`, capped ? 1 : repsFor(n), run, { warmup: n <= 100 ? 1 : 0 });
        if (results[key].failed && !results[key].timedOut) throw new Error(`scale ${key} failed`);
        if (!results[key].failed) {
          const objects = countObjects(out);
          results[key].objects = objects;
        }
      }
    }
  }
  fs.rmSync(out, { recursive: true, force: true });
  return { sizes, results };
}

function countObjects(dir) {
  let count = 0;
  for (const f of fs.readdirSync(dir)) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    count += (text.match(/^kind: /gm) ?? []).length;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------------------
// 3. npm test
// ---------------------------------------------------------------------------------------------------------

function benchTest() {
  return repeat('npm test', QUICK ? 1 : 3, () => measure(['npm', 'test', '--silent'], { timeoutSec: 900 }), { warmup: QUICK ? 0 : 1 });
}

// ---------------------------------------------------------------------------------------------------------

function machine() {
  const cpus = os.cpus();
  const osRelease = fs.existsSync('/etc/os-release')
    ? (fs.readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]+)/m) ?? [])[1]
    : os.type();
  const v = (m) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', m, 'package.json'), 'utf8')).version;
    } catch {
      return '?';
    }
  };
  return {
    cpu: `${cpus.length} x ${cpus[0]?.model ?? '?'}`,
    mem: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${osRelease} (${os.release()})`,
    node: process.version,
    versions: `cdk8s ${v('cdk8s')}, cdk8s-plus-27 ${v('cdk8s-plus-27')}, cdk8s-cli ${v('cdk8s-cli')}, constructs ${v('constructs')}, @swc/core ${v('@swc/core')}, ts-node ${v('ts-node')}, typescript ${v('typescript')}, jest ${v('jest')}`,
  };
}

function report({ m, synth, consumer, scale, test, started, load0, load1, elapsed }) {
  const L = [];
  L.push('# Benchmark results', '');
  L.push(`Generated by \`npm run bench\` (bench/run.mjs${QUICK ? ' --quick' : ''}) on ${started.toISOString()}, took ${(elapsed / 60).toFixed(1)} min.`, '');
  L.push('## Machine', '');
  L.push(`- CPU: ${m.cpu}; memory: ${m.mem}`);
  L.push(`- OS: ${m.os}; Node ${m.node}`);
  L.push(`- ${m.versions}`);
  L.push(`- Load average (1 min) at start / end: ${load0.toFixed(2)} / ${load1.toFixed(2)} (other work on the machine inflates wall times; CPU time is steadier)`);
  L.push('');
  L.push('Each cell: median wall time (min-max) over whole-process runs, median CPU time (user+sys), peak RSS of the process tree.', '');

  if (synth) {
    const r = synth.rows;
    L.push('## 1. Synth of the reference app', '');
    L.push(`Reference app: \`${synth.reference}\` (${synth.files} files). Every timed run of the first three rows follows a one-line edit of a source file (${synth.targets.map((t) => `\`${t}\``).join(', ')}, in turn), so nothing is served from a stale build; one warm-up run each.`, '');
    L.push('| command | wall | CPU | peak RSS | runs |', '|---|---|---|---|---|');
    L.push(`| \`npm run synth\` (\`${synth.synthScript}\`) | **${fmt(r.fast)}** | ${fmtCpu(r.fast)} | ${fmtRss(r.fast)} | ${r.fast.n ?? '-'} |`);
    L.push(`| \`npx cdk8s synth\` (cdk8s.yaml \`app: ${synth.cdk8sApp}\`) | ${fmt(r.cli)} | ${fmtCpu(r.cli)} | ${fmtRss(r.cli)} | ${r.cli.n ?? '-'} |`);
    L.push(`| default template: \`npx cdk8s synth\` with \`app: npx ts-node main.ts\` | ${fmt(r.template)} | ${fmtCpu(r.template)} | ${fmtRss(r.template)} | ${r.template.n ?? '-'} |`);
    L.push(`| floor: \`node -e 0\` | ${fmt(r.node)} | ${fmtCpu(r.node)} | ${fmtRss(r.node)} | ${r.node.n ?? '-'} |`);
    L.push('');
    if (!r.fast.failed && !r.template.failed) {
      L.push(`Speed-up of \`npm run synth\` over the default template: **${(r.template.median / r.fast.median).toFixed(1)}x** (medians). Both write the same files: ${synth.sameOutput ? 'yes' : 'NO'}.`);
      L.push('ts-node runs with this project\'s tsconfig.json (it type-checks the files it loads; `skipLibCheck` is on, so this baseline is already faster than the template\'s own tsconfig).', '');
    }
  }

  if (consumer) {
    const r = consumer.rows;
    L.push('## 2. Synth of a small app that uses the package', '');
    L.push(`The app of docs/install.md (docs/examples/consumer/: \`main.ts\`, ${consumer.lines} lines, one WebApp subclass), installed from \`npm pack\` into a temporary directory. `
      + 'Every timed run follows a one-line edit of `main.ts`; one warm-up run each; the commands take turns, round after round, so load from other work falls on all of them alike. `npm run synth` is the app\'s script `kubecraft-synth`.', '');
    L.push('| command | wall | CPU | peak RSS | runs |', '|---|---|---|---|---|');
    L.push(`| \`npm run synth\` (\`kubecraft-synth\`) | **${fmt(r.fast)}** | ${fmtCpu(r.fast)} | ${fmtRss(r.fast)} | ${r.fast.n ?? '-'} |`);
    L.push(`| \`node_modules/.bin/kubecraft-synth\` (no npm in between) | ${fmt(r.bin)} | ${fmtCpu(r.bin)} | ${fmtRss(r.bin)} | ${r.bin.n ?? '-'} |`);
    L.push(`| \`npx kubecraft-synth\` | ${fmt(r.npx)} | ${fmtCpu(r.npx)} | ${fmtRss(r.npx)} | ${r.npx.n ?? '-'} |`);
    L.push(`| \`npm run synth:cdk8s\` (\`cdk8s synth\`, cdk8s.yaml \`app: npx kubecraft-synth --cdk8s\`) | ${fmt(r.cli)} | ${fmtCpu(r.cli)} | ${fmtRss(r.cli)} | ${r.cli.n ?? '-'} |`);
    L.push(`| default template: \`npx cdk8s synth\` with \`app: npx ts-node main.ts\` | ${fmt(r.template)} | ${fmtCpu(r.template)} | ${fmtRss(r.template)} | ${r.template.n ?? '-'} |`);
    L.push(`| \`npm run synth\`, app installed with \`--omit=optional\` (no swc binary${consumer.swcBinary ? ' NOT dropped' : ''}: typescript transpiles) | ${fmt(r.lean)} | ${fmtCpu(r.lean)} | ${fmtRss(r.lean)} | ${r.lean.n ?? '-'} |`);
    L.push('');
    if (!r.fast.failed && !r.template.failed) {
      L.push(`Speed-up of \`npm run synth\` over the default template: **${(r.template.median / r.fast.median).toFixed(1)}x** (medians). Both write the same files: ${consumer.sameOutput ? 'yes' : 'NO'}.`, '');
    }
  }

  if (scale) {
    L.push('## 3. Scaling: N web units, one chart vs one chart per unit', '');
    L.push('A unit is one web app with its ConfigMap, Secret, ServiceAccount, Deployment, Service (LoadBalancer), PodDisruptionBudget and NetworkPolicy: 7 objects.', '');
    L.push('- **kubecraft**: `KubecraftApp` + `WebApp` + `ConfigBundle` (bench/apps/kubecraft-unit.ts)');
    L.push('- **KubecraftApp only**: `KubecraftApp` + the plain cdk8s-plus-27 unit below, which isolates what the App changes');
    L.push('- **plain cdk8s**: cdk8s `App` + cdk8s-plus-27 and L1 objects (bench/apps/plain-web-stack.ts)', '');
    L.push('All run through `node scripts/synth.mjs bench/apps/scale.ts` (env BENCH_N, BENCH_LAYOUT, BENCH_IMPL = kubecraft | app-only | plain). '
      + 'Runs: 5 for N <= 100 (after a warm-up), 3 for N = 1000, 1 for N = 5000; plain cdk8s with 5000 charts gets one run capped at 120 s.', '');
    L.push('| N | layout | kubecraft wall | CPU | peak RSS | KubecraftApp only wall | CPU | peak RSS | plain cdk8s wall | CPU | peak RSS | objects |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const n of scale.sizes) {
      for (const layout of ['one-chart', 'chart-each']) {
        const k = scale.results[`kubecraft/${layout}/${n}`];
        const a = scale.results[`app-only/${layout}/${n}`];
        const p = scale.results[`plain/${layout}/${n}`];
        const objects = [...new Set([k, a, p].map((r) => r?.objects).filter((x) => x !== undefined))].join(' / ') || '-';
        L.push(`| ${n} | ${layout === 'one-chart' ? 'one chart' : 'one chart each'} | ${fmt(k)} | ${fmtCpu(k)} | ${fmtRss(k)} | ${fmt(a)} | ${fmtCpu(a)} | ${fmtRss(a)} | ${fmt(p)} | ${fmtCpu(p)} | ${fmtRss(p)} | ${objects} |`);
      }
    }
    L.push('');
    for (const impl of ['kubecraft', 'app-only', 'plain']) {
      for (const n of scale.sizes.filter((x) => x >= 1000)) {
        const each = scale.results[`${impl}/chart-each/${n}`];
        const one = scale.results[`${impl}/one-chart/${n}`];
        if (each && one && !each.failed && !one.failed) {
          L.push(`- ${impl}, ${n} charts vs ${n} units in one chart: ${(each.median / one.median).toFixed(2)}x wall, ${(each.cpu / one.cpu).toFixed(2)}x CPU`);
        }
      }
    }
    L.push('');
  }

  if (test) {
    L.push('## 4. Unit tests', '');
    L.push('| command | wall | CPU | peak RSS | runs |', '|---|---|---|---|---|');
    L.push(`| \`npm test\` (jest + @swc/jest, no type-check) | ${fmt(test)} | ${fmtCpu(test)} | ${fmtRss(test)} | ${test.n ?? '-'} |`, '');
  }
  return L.join('\n');
}

const PARTS = [['synth', 'Synth of the reference app'], ['consumer', 'Synth of a small app that uses the package'], ['scale', 'Scaling'], ['test', 'Unit tests']];

/** Splits a RESULTS.md into its head and its part sections (by heading `## <n>. <title>`). */
function sections(md) {
  const pieces = md.split(/^(?=## \d+\. )/m);
  const head = pieces.shift();
  const byPart = {};
  for (const piece of pieces) {
    const title = /^## \d+\. (.*)$/m.exec(piece)[1];
    const part = PARTS.find(([, t]) => title.startsWith(t));
    if (part) byPart[part[0]] = piece;
  }
  return { head, byPart };
}

/**
 * A run of some parts only (--only) keeps the other parts' sections of the existing RESULTS.md, each marked with the
 * run it came from, so the file always holds every part; sections are numbered in the fixed order of PARTS.
 */
function keepOtherParts(fresh, file) {
  const now = sections(fresh);
  const old = fs.existsSync(file) ? sections(fs.readFileSync(file, 'utf8')) : { head: '', byPart: {} };
  const oldRun = (/^Generated by .* on (\S+), took/m.exec(old.head) ?? [])[1] ?? 'an earlier run';
  let n = 0;
  const body = [];
  for (const [part] of PARTS) {
    let text = now.byPart[part];
    if (text === undefined && old.byPart[part] !== undefined) {
      // a section already carried over keeps the date of the run that measured it
      text = /^_From the run of /m.test(old.byPart[part]) ? old.byPart[part]
        : old.byPart[part].replace(/^(## \d+\. .*\n)\n?/m, `$1\n_From the run of ${oldRun} (this run did not measure this part; the machine section above is this run's)._\n\n`);
    }
    if (text === undefined) continue;
    n += 1;
    body.push(text.replace(/^## \d+\./m, `## ${n}.`).replace(/\n*$/, '\n'));
  }
  return `${now.head.replace(/\n*$/, '\n\n')}${body.join('\n')}`.replace(/\n+$/, '');
}

function main() {
  if (!TIME) log('warning: /usr/bin/time not found: CPU time and peak RSS are not measured');
  const started = new Date();
  const load0 = os.loadavg()[0];
  const m = machine();
  log(`machine: ${m.cpu}, ${m.mem}, ${m.os}, Node ${m.node}`);
  const synth = ONLY.includes('synth') ? benchSynth() : undefined;
  const consumer = ONLY.includes('consumer') ? benchConsumer() : undefined;
  const scale = ONLY.includes('scale') ? benchScale() : undefined;
  const test = ONLY.includes('test') ? benchTest() : undefined;
  const elapsed = (Date.now() - started.getTime()) / 1000;
  const file = QUICK ? path.join(os.tmpdir(), 'kubecraft-bench-RESULTS.quick.md') : path.join(ROOT, 'bench', 'RESULTS.md');
  const fresh = report({ m, synth, consumer, scale, test, started, load0, load1: os.loadavg()[0], elapsed });
  const md = QUICK ? fresh : keepOtherParts(fresh, file);
  fs.writeFileSync(file, `${md}\n`);
  console.log(md);
  log(`wrote ${path.relative(ROOT, file)}`);
}

main();
