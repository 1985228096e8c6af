#!/usr/bin/env node
// kubecraft-synth: fast, atomic synth of a TypeScript cdk8s app. It runs the app without type-checking (`tsc
// --noEmit` / `npm run typecheck` does that) and replaces the output directory only when the app succeeded.
// Shipped in the kubecraft package as the `kubecraft-synth` bin; in this repository `npm run synth` runs this file.
//
//   kubecraft-synth [entry.ts] [--outdir <dir>] [--cdk8s]
//
//   entry      the app to run (default: main.ts)
//   --outdir   where manifests go (default: $CDK8S_OUTDIR, else dist)
//   --cdk8s    run as the `app:` of cdk8s.yaml: `cdk8s synth` sets CDK8S_OUTDIR, which is then required
//
// TypeScript is transpiled file by file with @swc/core (no type-check) and cached in
// node_modules/.cache/kubecraft-synth (one file per source, stamped with the hash of the source and of the
// transpiler), so an edit re-transpiles only the edited file and a stale build can never be served. Where swc's
// native binary is missing (installed with --omit=optional, or an unsupported platform), the project's own
// `typescript` transpiles instead (same output semantics, slower). The app runs in this process with CDK8S_OUTDIR
// pointing at a private staging directory; when it finishes without error the staging directory is published as
// the output directory by an atomic symlink flip (lib/core/output.ts, shared with KubecraftApp), so a failed or
// killed synth leaves the previous output complete. On any error the exit code is 1.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: kubecraft-synth [entry.ts] [--outdir <dir>] [--cdk8s]';
function parseArgs(argv) {
  const opts = { entry: undefined, outdir: undefined, cdk8s: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--outdir' || a === '-o') {
      if (!argv[i + 1]) fail(`${a} needs a directory\n${USAGE}`);
      opts.outdir = argv[++i];
    } else if (a.startsWith('--outdir=')) {
      opts.outdir = a.slice('--outdir='.length);
    } else if (a === '--cdk8s') {
      opts.cdk8s = true;
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) {
      fail(`unknown option '${a}'\n${USAGE}`);
    } else if (opts.entry === undefined) {
      opts.entry = a;
    } else {
      fail(`unexpected argument '${a}'\n${USAGE}`);
    }
  }
  return opts;
}

function fail(message) {
  console.error(`synth: ${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------------
// TypeScript loader: require('.ts') -> transpile (cached by content) -> module._compile
// ---------------------------------------------------------------------------------------------------------

/** Same transform as jest.config.js (@swc/jest), plus an inline source map so stack traces show .ts lines. */
const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};

/** The fallback's options: what swc does above, for `ts.transpileModule` (isolated files, no type-check). */
const TS_OPTIONS = { target: 'es2022', module: 'commonjs', esModuleInterop: true, inlineSourceMap: true, inlineSources: true };

/** A problem of the set-up, not of the app: reported in one line, without a stack trace. */
class SetupError extends Error {}

/**
 * The transpilers this project can use, in order of preference: @swc/core as resolved from this file (the kubecraft
 * package's own dependency) or from the project, then the project's `typescript`. Each has an `id` (name, version,
 * settings: read from package.json without loading the module) and `load()`, which returns `(source, filename) => js`.
 */
function transpilers(projectDir) {
  const requires = [createRequire(fileURLToPath(import.meta.url)), createRequire(path.join(projectDir, 'package.json'))];
  const find = (name) => {
    for (const req of requires) {
      try {
        const manifest = req.resolve(`${name}/package.json`);
        return { req, version: JSON.parse(fs.readFileSync(manifest, 'utf8')).version };
      } catch {
        // not resolvable from here
      }
    }
    return undefined;
  };
  const found = [];
  const swc = find('@swc/core');
  if (swc) {
    found.push({
      name: '@swc/core',
      id: `swc ${swc.version} ${JSON.stringify(SWC_OPTIONS)}`,
      load: () => {
        const mod = swc.req('@swc/core');
        return (source, filename) => mod.transformSync(source, { ...SWC_OPTIONS, filename }).code;
      },
    });
  }
  const ts = find('typescript');
  if (ts) {
    found.push({
      name: 'typescript',
      id: `typescript ${ts.version} ${JSON.stringify(TS_OPTIONS)}`,
      load: () => {
        const mod = ts.req('typescript');
        const compilerOptions = mod.convertCompilerOptionsFromJson(TS_OPTIONS, '').options;
        return (source, fileName) => mod.transpileModule(source, { fileName, compilerOptions }).outputText;
      },
    });
  }
  return found;
}

/**
 * Makes `require()` of a .ts file transpile it (no type-check), cached in `cacheDir` by content. Exported for the
 * docs-example runner (scripts/docs-examples.mjs), which runs many small apps in one process.
 */
export function registerTypeScript(projectDir, { cacheDir = path.join(projectDir, 'node_modules', '.cache', 'kubecraft-synth') } = {}) {
  const candidates = transpilers(projectDir);
  const failures = [];
  let transpile; // loaded on the first cache miss only: a synth with nothing edited never loads a transpiler
  fs.mkdirSync(cacheDir, { recursive: true });

  const current = () => {
    if (candidates.length === 0) {
      const why = failures.length > 0 ? failures.join('; ') : 'neither @swc/core nor typescript is installed';
      throw new SetupError(`cannot transpile TypeScript: ${why}. Run \`npm install\` without --omit=optional (swc's native binary is an optional dependency), or add typescript to the project`);
    }
    return candidates[0];
  };
  // one cache file per source file (so the cache never grows with edits), stamped with the hash of the source
  // and of the transpiler and its settings: an edited file is always re-transpiled
  const stampOf = (source) => `// kubecraft-synth ${createHash('sha1').update(current().id).update('\0').update(source).digest('hex')}\n`;

  Module._extensions['.ts'] = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const cached = path.join(cacheDir, `${createHash('sha1').update(filename).digest('hex')}.js`);
    let text;
    try {
      text = fs.readFileSync(cached, 'utf8');
    } catch {
      // not cached yet
    }
    let code;
    for (;;) {
      const stamp = stampOf(source);
      if (text !== undefined && text.startsWith(stamp)) {
        code = text.slice(stamp.length);
        break;
      }
      if (transpile === undefined) {
        try {
          transpile = current().load();
        } catch (e) {
          // e.g. swc's "Failed to load native binding" when its platform package was not installed: next candidate
          failures.push(`${current().name} did not load (${String(e?.message ?? e).split('\n')[0]})`);
          candidates.shift();
          continue;
        }
      }
      code = transpile(source, filename);
      const tmp = `${cached}.${process.pid}`;
      fs.writeFileSync(tmp, stamp + code);
      fs.renameSync(tmp, cached);
      break;
    }
    module._compile(code, filename);
  };
}

// ---------------------------------------------------------------------------------------------------------
// Output directory handling
// ---------------------------------------------------------------------------------------------------------

function isEmptyDir(dir) {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

/**
 * The output-directory logic shared with KubecraftApp (lib/core/output.ts): the TypeScript source in this
 * repository (through the loader registered by main), the compiled module in the published package.
 */
function loadOutputModule() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const source = path.join(here, '..', 'lib', 'core', 'output.ts');
  const built = path.join(here, '..', 'build', 'lib', 'core', 'output.js');
  return createRequire(import.meta.url)(fs.existsSync(source) ? source : built);
}

function guardOutdir(outdir) {
  const cwd = process.cwd();
  if (outdir === path.parse(outdir).root || cwd === outdir || cwd.startsWith(outdir + path.sep)) {
    fail(`refusing to replace '${outdir}' (it contains the working directory): use a dedicated output directory such as dist`);
  }
}

// ---------------------------------------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const projectDir = process.cwd();
  const entry = path.resolve(projectDir, opts.entry ?? 'main.ts');
  if (!fs.existsSync(entry)) fail(`entry '${path.relative(projectDir, entry) || entry}' not found\n${USAGE}`);

  if (opts.cdk8s && !process.env.CDK8S_OUTDIR && !opts.outdir) {
    fail('--cdk8s expects CDK8S_OUTDIR (set by `cdk8s synth`); run `npm run synth` instead, or pass --outdir');
  }
  const outdir = path.resolve(projectDir, opts.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
  guardOutdir(outdir);
  let output;
  try {
    registerTypeScript(projectDir);
    output = loadOutputModule();
  } catch (e) {
    fail(`${e instanceof Error ? e.message : e}; output left untouched`);
  }
  const staging = output.createStaging(outdir); // private (0700) until published

  let settled = false;
  const abort = (err) => {
    if (settled) return;
    settled = true;
    output.discardStaging(staging);
    if (err instanceof SetupError) {
      console.error(`synth: ${err.message}; output left untouched`);
      process.exit(1);
    }
    console.error(`synth failed (previous output in ${path.relative(projectDir, outdir) || outdir} left untouched):`);
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  };
  process.on('uncaughtException', abort);
  process.on('unhandledRejection', abort);
  // the app called process.exit() itself: never leave the staging directory behind
  process.on('exit', (code) => {
    if (!settled) {
      output.discardStaging(staging);
      if (code === 0) {
        console.error('synth: the app exited before it finished; output left untouched');
        process.exitCode = 1;
      }
    }
  });
  // the app (including any asynchronous work it started) is done when the event loop drains
  process.once('beforeExit', () => {
    if (settled) return;
    settled = true;
    if (isEmptyDir(staging)) {
      output.discardStaging(staging);
      console.error(`synth: ${path.relative(projectDir, entry)} wrote no manifests: it must call app.synth() on an App that uses the default outdir (CDK8S_OUTDIR); output left untouched`);
      process.exitCode = 1;
      return;
    }
    try {
      output.publishStaging(staging, outdir);
    } catch (e) {
      settled = false;
      abort(e);
    }
  });

  process.env.CDK8S_OUTDIR = staging;
  process.env[output.STAGED_OUTDIR_ENV] = staging; // a KubecraftApp writes straight into it
  process.env.CDK8S_CHECK_UPGRADE = 'false';
  process.setSourceMapsEnabled(true);
  try {
    createRequire(entry)(entry);
  } catch (e) {
    abort(e);
  }
}

// run as a command (also through npm's bin symlink), not when imported
if (process.argv[1] !== undefined && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
