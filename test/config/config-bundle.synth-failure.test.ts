/**
 * A synth that fails because a secret variable is missing must leave the previous output untouched.
 *
 * Runs the project's synth command (`npm run synth`, i.e. package.json `scripts.synth`, and
 * `node scripts/synth.mjs` directly) on test/fixtures/config-bundle/app.ts, whose Secret value comes from
 * KC_FIXTURE_DB_PASSWORD. The value is generated here at run time and passed only to the child's environment.
 */
import { spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = 'test/fixtures/config-bundle/app.ts';
const VAR = 'KC_FIXTURE_DB_PASSWORD';
const SYNTH_SCRIPT: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.synth;

jest.setTimeout(60_000);

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-synth-failure-'));
  tmpDirs.push(d);
  return d;
}

/** The child's environment: ours without the fixture variable and without an inherited CDK8S_OUTDIR. */
function childEnv(password?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' };
  delete env[VAR];
  delete env.CDK8S_OUTDIR;
  delete env.KC_FIXTURE_DEV_FILE;
  if (password !== undefined) env[VAR] = password;
  return env;
}

type Runner = (outdir: string, password?: string) => SpawnSyncReturns<string>;

/** `node scripts/synth.mjs <entry> --outdir <dir>` */
const direct: Runner = (outdir, password) => spawnSync(process.execPath, ['scripts/synth.mjs', ENTRY, '--outdir', outdir], {
  cwd: ROOT, env: childEnv(password), encoding: 'utf8',
});

/** package.json's `synth` script with the same arguments, as `npm run synth -- <entry> --outdir <dir>` runs it. */
const npmScript: Runner = (outdir, password) => spawnSync('sh', ['-c', `${SYNTH_SCRIPT} "$@"`, 'synth', ENTRY, '--outdir', outdir], {
  cwd: ROOT, env: childEnv(password), encoding: 'utf8',
});

/** Every file under `dir` (relative path -> content), plus the directory entries themselves. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isDirectory()) {
        out[`${rel}/`] = '<dir>';
        walk(p);
      } else {
        out[rel] = fs.readFileSync(p, 'utf8');
      }
    }
  };
  walk(dir);
  return out;
}

describe.each([
  ['node scripts/synth.mjs', direct],
  [`npm run synth (${SYNTH_SCRIPT})`, npmScript],
])('%s', (_name, run) => {
  test('synthesizes the Secret with the value only base64-encoded', () => {
    const outdir = path.join(scratch(), 'dist');
    const password = randomBytes(18).toString('base64url');
    const r = run(outdir, password);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.any(String) }); // stderr shown on failure
    const files = tree(outdir);
    expect(Object.keys(files)).toEqual(['fixture.k8s.yaml']);
    const docs = Yaml.load(path.join(outdir, 'fixture.k8s.yaml')) as { kind: string; metadata: { name: string }; data?: Record<string, string> }[];
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === 'api-secret');
    expect(secret?.data).toEqual({ DB_PASSWORD: Buffer.from(password).toString('base64') });
    expect(files['fixture.k8s.yaml']).not.toContain(password);
  });

  test('a missing secret variable fails with exit 1, names the variable, and leaves the previous output byte-identical', () => {
    const parent = scratch();
    const outdir = path.join(parent, 'dist');
    const first = run(outdir, randomBytes(18).toString('base64url'));
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    fs.writeFileSync(path.join(outdir, 'marker.txt'), 'from the previous synth\n');
    const before = tree(outdir);
    const inodeBefore = fs.statSync(outdir).ino;

    const r = run(outdir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`fixture/ApiConfig: 'secret.DB_PASSWORD' environment variable ${VAR} is not set: export ${VAR}=<value> before synth`);
    expect(r.stderr).toContain('left untouched');
    expect(tree(outdir)).toEqual(before);
    expect(fs.statSync(outdir).ino).toBe(inodeBefore);
    expect(fs.readdirSync(parent).sort()).toEqual(['.dist.kubecraft', 'dist']);
    // no staging directory left behind: only the ignore file and the published version(s)
    expect(fs.readdirSync(path.join(parent, '.dist.kubecraft')).filter((f) => !f.startsWith('v-'))).toEqual(['.gitignore']);
  });

  test('a failed first synth creates no output directory', () => {
    const parent = scratch();
    const r = run(path.join(parent, 'dist'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`environment variable ${VAR} is not set`);
    expect(fs.existsSync(path.join(parent, 'dist'))).toBe(false);
    expect(fs.readdirSync(path.join(parent, '.dist.kubecraft'))).toEqual(['.gitignore']);
  });
});

describe('dev value generation across processes', () => {
  test('a synth waits for the dev file lock and reuses the value written meanwhile instead of generating its own', async () => {
    const dir = scratch();
    const devFile = path.join(dir, '.secrets', 'dev.env');
    fs.mkdirSync(path.dirname(devFile), { recursive: true });
    fs.writeFileSync(`${devFile}.lock`, 'held by the test\n'); // as if another synth were generating right now
    const outdir = path.join(dir, 'dist');
    const child = spawn(process.execPath, ['scripts/synth.mjs', ENTRY, '--outdir', outdir], {
      cwd: ROOT, env: { ...childEnv(), KC_FIXTURE_DEV_FILE: devFile }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    // give the child time to reach the lock (a slower child only reads the value later: the outcome is the same)
    await new Promise((r) => setTimeout(r, 1500));
    const value = randomBytes(32).toString('base64url');
    fs.writeFileSync(devFile, `${VAR}=${value}\n`, { mode: 0o600 });
    fs.rmSync(`${devFile}.lock`);
    expect({ code: await done, stderr }).toEqual({ code: 0, stderr });
    const docs = Yaml.load(path.join(outdir, 'fixture.k8s.yaml')) as { kind: string; data?: Record<string, string> }[];
    expect(docs.find((d) => d.kind === 'Secret')?.data?.DB_PASSWORD).toBe(Buffer.from(value).toString('base64'));
    expect(fs.readFileSync(devFile, 'utf8')).toBe(`${VAR}=${value}\n`);
    expect(fs.existsSync(`${devFile}.lock`)).toBe(false);
  });
});
