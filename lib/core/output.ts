/**
 * Output directories that are never missing and never half-written: a synth writes a new version into a private
 * staging directory, then publishes it by flipping a symlink with one rename(2), which is atomic. A SIGKILL at
 * any instant leaves the output directory complete-old or complete-new.
 *
 *   dist -> .dist.kubecraft/v-<time>-<pid>-<random>     (a relative symlink; `kubectl apply -f dist/` follows it)
 *   .dist.kubecraft/.gitignore                           (`*`: git ignores the store, whatever its name)
 *   .dist.kubecraft/tmp-<pid>-XXXXXX/                    (staging, mode 0700 while it is written)
 *
 * The previous version is kept until the next synth (a reader that resolved the link keeps a complete snapshot);
 * older versions and whatever a killed synth left behind (staging directories and links of processes that are no
 * longer running) are removed by the next synth.
 *
 * An output directory that is still a real directory (before the first synth with this scheme) is moved into the
 * store once; that first publication has a short window between two renames, every later one has none.
 *
 * Shared by `KubecraftApp.synth()` and `scripts/synth.mjs` (which loads this module, built or through its
 * TypeScript loader): one implementation of the swap. It uses only `fs` and `path`.
 */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The environment variable `scripts/synth.mjs` sets to the staging directory it publishes itself: a
 * `KubecraftApp` whose outdir is that directory writes into it directly.
 */
export const STAGED_OUTDIR_ENV = 'KUBECRAFT_STAGED_OUTDIR';

const STORE_SUFFIX = '.kubecraft';

/**
 * Test hook: `KUBECRAFT_OUTPUT_KILL_AT=<step>` makes the process SIGKILL itself at that step, so the tests can
 * prove that a kill at any step leaves the output complete (test/core/output-kill.test.ts).
 */
function step(name: 'staged' | 'renamed' | 'linked' | 'flipped' | 'cleaned'): void {
  if (process.env.KUBECRAFT_OUTPUT_KILL_AT === name) process.kill(process.pid, 'SIGKILL');
}

/** The hidden store next to `outdir` that holds its versions (`dist` -> `.dist.kubecraft`). */
export function storeOf(outdir: string): string {
  return path.join(path.dirname(outdir), `.${path.basename(outdir)}${STORE_SUFFIX}`);
}

/** Refuses output directories whose replacement would hide the project or more. */
export function guardOutdir(outdir: string): void {
  const cwd = process.cwd();
  const isAncestorOfCwd = cwd === outdir || cwd.startsWith(outdir.endsWith(path.sep) ? outdir : outdir + path.sep);
  if (isAncestorOfCwd || outdir === path.parse(outdir).root || (process.env.HOME && path.resolve(process.env.HOME) === outdir)) {
    throw new Error(`outdir '${outdir}' would be replaced as a whole on synth: use a dedicated directory such as 'dist'`);
  }
}

/**
 * Creates a private (0700) staging directory for a new version of `outdir` in its store, after removing what
 * earlier, killed synths left behind. Write into it, then `publishStaging` or `discardStaging`.
 */
export function createStaging(outdir: string): string {
  const target = path.resolve(outdir);
  guardOutdir(target);
  const store = storeOf(target);
  fs.mkdirSync(store, { recursive: true });
  ensureIgnored(store);
  cleanStore(store);
  const staging = fs.mkdtempSync(path.join(store, `tmp-${process.pid}-`)); // mode 0700
  step('staged');
  return staging;
}

/** Removes a staging directory (the synth failed: the published version stays as it was). */
export function discardStaging(staging: string): void {
  fs.rmSync(staging, { recursive: true, force: true });
}

/**
 * Publishes a complete staging directory as `outdir`: renames it to a version directory, points a new symlink at
 * it and renames that symlink over `outdir` (atomic). Then removes versions older than the previous one.
 */
export function publishStaging(staging: string, outdir: string): void {
  const target = path.resolve(outdir);
  const store = storeOf(target);
  const tag = `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const version = path.join(store, `v-${tag}`);
  fs.chmodSync(staging, 0o755); // readable like any directory once complete (mkdtemp made it 0700)
  fs.renameSync(staging, version);
  step('renamed');
  const link = path.join(store, `link-${process.pid}-${tag}`);
  fs.symlinkSync(path.relative(path.dirname(target), version), link);
  step('linked');
  const previous = currentVersion(target);
  try {
    const stat = lstatOrUndefined(target);
    if (stat && !stat.isSymbolicLink()) {
      if (!stat.isDirectory()) throw new Error(`outdir '${target}' exists and is not a directory`);
      // once: the output directory is still a plain directory; move it into the store (kept as the previous version)
      fs.renameSync(target, path.join(store, `v-${tag}-before`));
    }
    fs.renameSync(link, target);
    step('flipped');
  } catch (e) {
    fs.rmSync(link, { force: true });
    fs.rmSync(version, { recursive: true, force: true });
    throw e;
  }
  removeOldVersions(store, new Set([version, previous].filter((v): v is string => v !== undefined).map((v) => path.basename(v))));
  step('cleaned');
}

/** Writes a new version of `outdir` with `write(staging)` and publishes it; on error the published version stays. */
export function publishOutput(outdir: string, write: (staging: string) => void): void {
  const staging = createStaging(outdir);
  try {
    write(staging);
  } catch (e) {
    discardStaging(staging);
    throw e;
  }
  publishStaging(staging, outdir);
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The version directory `outdir` points at (undefined when it is not a link into its store). */
function currentVersion(outdir: string): string | undefined {
  try {
    const to = path.resolve(path.dirname(outdir), fs.readlinkSync(outdir));
    return path.dirname(to) === storeOf(outdir) ? to : undefined;
  } catch {
    return undefined;
  }
}

function ensureIgnored(store: string): void {
  const file = path.join(store, '.gitignore');
  if (fs.existsSync(file)) return;
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, '# kubecraft synth output versions (see lib/core/output.ts): never committed\n*\n');
  fs.renameSync(tmp, file);
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes staging directories and links of synths that are no longer running. */
function cleanStore(store: string): void {
  for (const name of fs.readdirSync(store)) {
    const m = /^(?:tmp|link)-([0-9]+)-/.exec(name);
    if (m && !isRunning(Number(m[1]))) fs.rmSync(path.join(store, name), { recursive: true, force: true });
  }
}

/**
 * Removes every version but `keep` (the new one and the one it replaced). A version of another synth that is still
 * running is left alone: it may be about to be linked. (A version a killed synth renamed but never linked goes here.)
 */
function removeOldVersions(store: string, keep: ReadonlySet<string>): void {
  for (const name of fs.readdirSync(store)) {
    const m = /^v-[0-9]+-([0-9]+)-/.exec(name);
    if (!m || keep.has(name)) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && isRunning(pid)) continue;
    fs.rmSync(path.join(store, name), { recursive: true, force: true });
  }
}
