import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createStaging, discardStaging, publishOutput, publishStaging, storeOf } from '../../lib/core/output';

/** Every file under `dir` (following the output link), relative path -> content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) out[f] = fs.readFileSync(path.join(dir, f), 'utf8');
  return out;
}

describe('output directories (lib/core/output.ts)', () => {
  let tmp: string;
  let outdir: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-output-'));
    outdir = path.join(tmp, 'dist');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const write = (files: Record<string, string>) => (dir: string): void => {
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  };
  const store = (): string[] => fs.readdirSync(storeOf(outdir)).sort();

  test('the output is a relative link to a complete version; staging is private (0700) while written; git ignores the store', () => {
    let stagingMode = 0;
    publishOutput(outdir, (dir) => {
      stagingMode = fs.statSync(dir).mode & 0o777;
      write({ 'a.k8s.yaml': 'a' })(dir);
    });
    expect(stagingMode).toBe(0o700);
    expect(fs.lstatSync(outdir).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(outdir)).toMatch(/^\.dist\.kubecraft\/v-[0-9]+-[0-9]+-[a-z0-9]+$/);
    expect(fs.statSync(outdir).mode & 0o777).toBe(0o755);
    expect(tree(outdir)).toEqual({ 'a.k8s.yaml': 'a' });
    expect(fs.readFileSync(path.join(storeOf(outdir), '.gitignore'), 'utf8')).toContain('\n*\n');
  });

  test('keeps the previous version (a reader that resolved the link keeps a snapshot), removes older ones', () => {
    publishOutput(outdir, write({ 'v.yaml': '1' }));
    const first = fs.readlinkSync(outdir);
    publishOutput(outdir, write({ 'v.yaml': '2' }));
    const second = fs.readlinkSync(outdir);
    expect(store()).toEqual(['.gitignore', path.basename(first), path.basename(second)].sort());
    publishOutput(outdir, write({ 'v.yaml': '3' }));
    expect(store()).toEqual(['.gitignore', path.basename(second), path.basename(fs.readlinkSync(outdir))].sort());
    expect(tree(outdir)).toEqual({ 'v.yaml': '3' });
  });

  test('a failed write leaves the published version and no staging directory', () => {
    publishOutput(outdir, write({ 'v.yaml': '1' }));
    expect(() => publishOutput(outdir, (dir) => {
      write({ 'v.yaml': '2' })(dir);
      throw new Error('render failed');
    })).toThrow('render failed');
    expect(tree(outdir)).toEqual({ 'v.yaml': '1' });
    expect(store().filter((f) => f.startsWith('tmp-'))).toEqual([]);
  });

  test('a plain output directory (before this scheme) is replaced by the link, its files gone', () => {
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'stale.yaml'), 'stale');
    publishOutput(outdir, write({ 'new.yaml': 'new' }));
    expect(tree(outdir)).toEqual({ 'new.yaml': 'new' });
  });

  test('what a killed synth left (staging, links, unlinked versions of dead processes) is removed by the next run; a live one is not', () => {
    publishOutput(outdir, write({ 'v.yaml': '1' }));
    const dead = 2 ** 22 + 12345; // above pid_max: never a running process
    const s = storeOf(outdir);
    fs.mkdirSync(path.join(s, `tmp-${dead}-abc`));
    fs.symlinkSync('nowhere', path.join(s, `link-${dead}-1-x`));
    fs.mkdirSync(path.join(s, `v-1-${dead}-orphan`));
    const live = createStaging(outdir); // this process: running
    expect(fs.existsSync(path.join(s, `tmp-${dead}-abc`))).toBe(false);
    expect(fs.existsSync(path.join(s, `link-${dead}-1-x`))).toBe(false);
    publishStaging(live, outdir);
    expect(fs.existsSync(path.join(s, `v-1-${dead}-orphan`))).toBe(false);
  });

  test('discardStaging removes a staging directory', () => {
    const staging = createStaging(outdir);
    discardStaging(staging);
    expect(fs.existsSync(staging)).toBe(false);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('in a git work tree whose .gitignore has "dist", neither the link nor the store shows up', () => {
    const git = (...args: string[]) => spawnSync('git', args, { cwd: tmp, encoding: 'utf8' });
    if (git('init', '-q').status !== 0) return; // no git on this machine
    fs.writeFileSync(path.join(tmp, '.gitignore'), 'dist\n');
    publishOutput(outdir, write({ 'v.yaml': '1' }));
    publishOutput(outdir, write({ 'v.yaml': '2' }));
    expect(git('status', '--porcelain', '--untracked-files=all').stdout).toBe('?? .gitignore\n');
  });
});
