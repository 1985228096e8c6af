#!/usr/bin/env node
// Docs that cannot drift: every TypeScript example shown in README.md and docs/**/*.md is a file under
// docs/examples/ (compiled by `npm run typecheck`, linted by `npm run lint`), and every YAML shown next to it is
// what that file synthesizes. This script runs every example and rewrites the marked regions of the pages:
//
//   <!-- example:web-app -->            (generated: the code of docs/examples/web-app.ts and the YAML it synthesizes)
//   <!-- /example -->
//   <!-- file:docs/examples/consumer/cdk8s.yaml -->   (generated: the file, verbatim; `x.json#a,b`: keys a, b)
//   <!-- /file -->
//
//   node scripts/docs-examples.mjs            rewrite every page (npm run docs:examples)
//   node scripts/docs-examples.mjs --check    change nothing; exit 1 and say what is stale or wrong
//   node scripts/docs-examples.mjs --json     with --check: the findings as JSON (test/docs/examples.test.ts)
//
// Marker options (after the name, space separated), documented in docs/README.md:
//   show=ts,yaml (default): any of ts, yaml, list (kind and name of each object), error   what to generate
//   objects=Kind/name,Kind/namespace/name,Kind               only these objects, in this order (default: all)
//   path=spec.replicas,spec.strategy                      only these fields of each object (nested as in it)
//   region=name                                             only `// #region name` of the code
//   fold                                                    the YAML inside a <details> block
//
// An example is a small cdk8s app: it imports the library from its public entry (`../../lib`, shown as
// 'kubecraft'), builds charts on an App that uses the default output directory, and calls app.synth(). Header lines
// `// docs-env: NAME=value` set environment variables for its run (never a real secret). Examples run in this one
// process (the library is loaded once), each writing to its own temporary directory.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { registerTypeScript } from './synth.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLES = path.join(ROOT, 'docs', 'examples');
const LIB_ENTRY = path.join(ROOT, 'lib');
const REFERENCE_APP = path.join(ROOT, 'reference-app');
const COMMAND = 'npm run docs:examples';

const OPEN = /^<!-- example:([a-z0-9][a-z0-9/-]*)((?:\s+[^\s>]+)*)\s*-->$/;
const CLOSE = '<!-- /example -->';
const FILE_OPEN = /^<!-- file:([^\s>#]+(?:#[^>]*?)?)\s*-->$/;
const FILE_CLOSE = '<!-- /file -->';
const SHOW = new Set(['ts', 'yaml', 'list', 'error']);

const rel = (p) => path.relative(ROOT, p) || '.';

/** The pages: README.md and every .md under docs/, in a stable order. */
export function listPages() {
  const pages = ['README.md'];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) pages.push(rel(p));
    }
  };
  if (fs.existsSync(path.join(ROOT, 'docs'))) walk(path.join(ROOT, 'docs'));
  return pages.filter((p) => fs.existsSync(path.join(ROOT, p)));
}

/** Every example file (docs/examples/**.ts), by name (path without .ts, relative to docs/examples). */
export function listExamples() {
  const out = [];
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(path.relative(EXAMPLES, p).slice(0, -3).split(path.sep).join('/'));
    }
  };
  walk(EXAMPLES);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing pages
// ---------------------------------------------------------------------------------------------------------

function parseOptions(text, where, problems) {
  const opts = { show: ['ts', 'yaml'], objects: undefined, path: undefined, region: undefined, fold: false };
  for (const tok of text.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = tok.includes('=') ? [tok.slice(0, tok.indexOf('=')), tok.slice(tok.indexOf('=') + 1)] : [tok, undefined];
    if (key === 'show' && value) {
      opts.show = value.split(',');
      for (const s of opts.show) if (!SHOW.has(s)) problems.push({ ...where, message: `unknown show=${s} (allowed: ts, yaml, list, error)` });
      if (opts.show.includes('error') && opts.show.some((x) => x === 'yaml' || x === 'list')) problems.push({ ...where, message: 'show=error goes with ts only: an example that throws synthesizes nothing' });
    } else if (key === 'objects' && value) {
      opts.objects = value.split(',');
    } else if (key === 'path' && value) {
      opts.path = value;
    } else if (key === 'region' && value) {
      opts.region = value;
    } else if (key === 'fold' && value === undefined) {
      opts.fold = true;
    } else {
      problems.push({ ...where, message: `unknown marker option '${tok}' (allowed: show=, objects=, path=, region=, fold)` });
    }
  }
  return opts;
}

/**
 * Splits a page into text and marked regions. A region is { kind: 'example' | 'file', name, options, line,
 * body, start, end } where start/end are line indexes of the markers. Also reports code blocks outside regions
 * that must be generated: TypeScript, and YAML that looks like a Kubernetes object.
 */
export function parsePage(page, text, problems) {
  const lines = text.split('\n');
  const regions = [];
  let inFence = false;
  let fenceLang = '';
  let fenceStart = 0;
  let fenceBody = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^(\s*)(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (fence && !inFence) {
      inFence = true;
      fenceLang = fence[3].toLowerCase();
      fenceStart = i;
      fenceBody = [];
      continue;
    }
    if (inFence) {
      if (/^\s*(```+|~~~+)\s*$/.test(line)) {
        inFence = false;
        const where = { file: page, line: fenceStart + 1 };
        if (['ts', 'typescript', 'tsx', 'js', 'javascript'].includes(fenceLang)) {
          problems.push({ ...where, message: `a ${fenceLang} block that no example generates: move the code to docs/examples/<name>.ts and put <!-- example:<name> --> ${CLOSE} where it goes, then run \`${COMMAND}\`` });
        } else if (['yaml', 'yml'].includes(fenceLang) && fenceBody.some((l) => /^\s*kind:\s*\S/.test(l)) && fenceBody.some((l) => /^\s*apiVersion:\s*\S/.test(l))) {
          problems.push({ ...where, message: `a Kubernetes manifest that no example generates: show the YAML of an example instead (<!-- example:<name> show=yaml objects=... -->), then run \`${COMMAND}\`` });
        }
      } else {
        fenceBody.push(line);
      }
      continue;
    }
    const open = OPEN.exec(line.trim());
    const fileOpen = FILE_OPEN.exec(line.trim());
    if (!open && !fileOpen) {
      if (line.trim() === CLOSE || line.trim() === FILE_CLOSE) problems.push({ file: page, line: i + 1, message: `${line.trim()} without its opening marker` });
      continue;
    }
    const close = open ? CLOSE : FILE_CLOSE;
    const end = lines.findIndex((l, j) => j > i && l.trim() === close);
    const nextOpen = lines.findIndex((l, j) => j > i && (OPEN.test(l.trim()) || FILE_OPEN.test(l.trim())));
    const where = { file: page, line: i + 1 };
    if (end < 0 || (nextOpen >= 0 && nextOpen < end)) {
      problems.push({ ...where, message: `${line.trim()} has no ${close} before the next marker or the end of the page` });
      continue;
    }
    if (open) {
      regions.push({ kind: 'example', name: open[1], options: parseOptions(open[2], where, problems), line: i + 1, start: i, end, body: lines.slice(i + 1, end).join('\n') });
    } else {
      regions.push({ kind: 'file', name: fileOpen[1], line: i + 1, start: i, end, body: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  if (inFence) problems.push({ file: page, line: fenceStart + 1, message: 'code block never closed' });
  return { lines, regions };
}

/**
 * What else can drift on a page: relative links and images that point nowhere, `npm run <script>` naming a
 * script package.json lacks, and a `cdk8s synth` command that would run the CLI's upgrade check (a network call
 * that prints a stack trace when it fails) instead of turning it off.
 */
export function lintPage(page, text, problems) {
  const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts ?? {};
  const lines = text.split('\n');
  let inFence = false;
  lines.forEach((line, i) => {
    const where = { file: page, line: i + 1 };
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence) {
      for (const m of line.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
        const file = path.resolve(path.dirname(path.join(ROOT, page)), decodeURIComponent(target.split('#')[0]));
        if (!fs.existsSync(file)) problems.push({ ...where, message: `link to ${target}, which does not exist` });
      }
    }
    for (const m of line.matchAll(/\bnpm run(?: --silent| -s)? ([a-z][\w:-]*)/g)) {
      if (!(m[1] in scripts)) problems.push({ ...where, message: `\`npm run ${m[1]}\`: package.json has no script ${m[1]}` });
    }
    if (inFence && /\bcdk8s synth\b/.test(line) && !/CDK8S_CHECK_UPGRADE=false|--check-upgrade[= ]false/.test(line)) {
      problems.push({ ...where, message: 'a `cdk8s synth` command without CDK8S_CHECK_UPGRADE=false (or --check-upgrade=false): the CLI\'s upgrade check makes an unbounded network call and prints a stack trace when it fails' });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Running examples
// ---------------------------------------------------------------------------------------------------------

/** `// docs-env: NAME=value` header lines of an example. */
function envOf(source) {
  const env = {};
  for (const m of source.matchAll(/^\/\/ docs-env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) env[m[1]] = m[2];
  return env;
}

/** Checks the imports of an example: the library only through its public entry. */
function checkImports(name, file, source, problems) {
  for (const m of source.matchAll(/\bfrom\s+(['"])([^'"]+)\1|\brequire\((['"])([^'"]+)\3\)|\bimport\((['"])([^'"]+)\5\)/g)) {
    const spec = m[2] ?? m[4] ?? m[6];
    if (!spec.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), spec);
    if (target === LIB_ENTRY || target === path.join(LIB_ENTRY, 'index')) continue;
    if (target.startsWith(EXAMPLES + path.sep)) continue; // a helper next to the examples
    if (target === REFERENCE_APP || target.startsWith(REFERENCE_APP + path.sep)) continue; // the reference app's charts
    problems.push({ file: rel(file), message: `example ${name} imports '${spec}': import the library from its public entry only ('${path.relative(path.dirname(file), LIB_ENTRY).split(path.sep).join('/')}', shown as 'kubecraft')` });
  }
}

/** Splits a cdk8s output file into its documents (text as written, and parsed). */
function documents(text) {
  return text.split(/^---\n/m).filter((d) => d.trim() !== '').map((d) => ({ text: d.endsWith('\n') ? d : `${d}\n`, obj: parse(d) }));
}

/**
 * Runs one example in this process with CDK8S_OUTDIR pointing at a fresh directory. Returns
 * { files: [{ name, docs }], error } (error: the message of what it threw, if it threw).
 */
function runExample(name) {
  const file = path.join(EXAMPLES, `${name}.ts`);
  const source = fs.readFileSync(file, 'utf8');
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-docs-')), 'out');
  const env = envOf(source);
  const saved = { CDK8S_OUTDIR: process.env.CDK8S_OUTDIR };
  for (const k of Object.keys(env)) saved[k] = process.env[k];
  Object.assign(process.env, env, { CDK8S_OUTDIR: outdir });
  let error;
  try {
    // a CommonJS require rooted at the example: resolves '../../lib' and packages as the app would
    const require = createRequire(file);
    delete require.cache[file];
    require(file);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const files = fs.existsSync(outdir)
    ? fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ name: f, docs: documents(fs.readFileSync(path.join(outdir, f), 'utf8')) }))
    : [];
  fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
  return { source, files, error };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------

/** The code shown for an example: its regions (or the whole file), directives removed, the library as 'kubecraft'. */
export function renderCode(name, source, region) {
  const file = path.join(EXAMPLES, `${name}.ts`);
  let lines = source.replace(/\n+$/, '').split('\n');
  const starts = lines.map((l, i) => [l, i]).filter(([l]) => /^\s*\/\/ #region\b/.test(l));
  if (starts.length > 0) {
    const picked = [];
    let found = false;
    for (let i = 0; i < lines.length; i++) {
      const m = /^\s*\/\/ #region\s*(\S*)/.exec(lines[i]);
      if (!m) continue;
      const end = lines.findIndex((l, j) => j > i && /^\s*\/\/ #endregion\b/.test(l));
      if (end < 0) throw new Error(`example ${name}: '// #region ${m[1]}' has no '// #endregion'`);
      if (region === undefined || m[1] === region) {
        found = true;
        const body = lines.slice(i + 1, end);
        const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)[0].length));
        if (picked.length > 0) picked.push('');
        picked.push(...body.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)));
      }
      i = end;
    }
    if (!found) throw new Error(`example ${name} has no '// #region ${region}'`);
    lines = picked;
  } else if (region !== undefined) {
    throw new Error(`example ${name} has no '// #region ${region}'`);
  }
  lines = lines.filter((l) => !/^\s*\/\/ docs-env:/.test(l) && !/eslint-disable/.test(l));
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  const libSpec = (spec) => {
    if (!spec.startsWith('.')) return spec;
    const target = path.resolve(path.dirname(file), spec);
    return target === LIB_ENTRY || target === path.join(LIB_ENTRY, 'index') ? 'kubecraft' : spec;
  };
  return lines.join('\n').replace(/(\bfrom\s+)(['"])([^'"]+)\2/g, (_, from, q, spec) => `${from}${q}${libSpec(spec)}${q}`);
}

const idOf = (o) => `${o?.kind}/${o?.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o?.metadata?.name}`;

function matchesSelector(o, sel) {
  const parts = sel.split('/');
  if (parts.length === 1) return o?.kind === parts[0];
  if (parts.length === 2) return o?.kind === parts[0] && o?.metadata?.name === parts[1];
  return o?.kind === parts[0] && (o?.metadata?.namespace ?? '') === parts[1] && o?.metadata?.name === parts[2];
}

function pick(obj, dotted) {
  let v = obj;
  for (const k of dotted.split('.')) {
    if (v === undefined || v === null) return undefined;
    v = Array.isArray(v) && /^\d+$/.test(k) ? v[Number(k)] : v[k];
  }
  return v;
}

/** Only the given dotted fields of an object, nested as in the object (in the order given). */
function pickFields(obj, paths) {
  const out = {};
  for (const dotted of paths) {
    const value = pick(obj, dotted);
    if (value === undefined) return { missing: dotted };
    const keys = dotted.split('.');
    let at = out;
    for (const k of keys.slice(0, -1)) at = at[k] ??= {};
    at[keys[keys.length - 1]] = value;
  }
  return { out };
}

/** The YAML shown for an example. */
export function renderYaml(name, files, options) {
  const all = files.flatMap((f) => f.docs.map((d) => ({ ...d, file: f.name })));
  let chosen;
  if (options.objects) {
    chosen = [];
    for (const sel of options.objects) {
      const hits = all.filter((d) => matchesSelector(d.obj, sel));
      if (hits.length === 0) throw new Error(`example ${name} synthesizes no object ${sel} (it has: ${all.map((d) => idOf(d.obj)).join(', ')})`);
      chosen.push(...hits.filter((h) => !chosen.includes(h)));
    }
  } else {
    chosen = all;
  }
  const multiFile = files.length > 1 && !options.objects;
  const out = [];
  let lastFile;
  for (const d of chosen) {
    let text = d.text;
    if (options.path) {
      const { out: fields, missing } = pickFields(d.obj, options.path.split(','));
      if (missing) throw new Error(`example ${name}: ${idOf(d.obj)} has no field ${missing}`);
      text = `# ${idOf(d.obj)}, in part\n${stringify(fields, { lineWidth: 0 })}`;
    }
    if (multiFile && d.file !== lastFile) {
      text = `# ${d.file}\n${text}`;
      lastFile = d.file;
    }
    out.push(text);
  }
  return out.join('---\n').replace(/\n+$/, '');
}

/** One line per object synthesized: kind, namespace/name, and the file when there are several. */
export function renderList(name, files, options) {
  const rows = files.flatMap((f) => f.docs.map((d) => [d.obj?.kind ?? '?', `${d.obj?.metadata?.namespace ? `${d.obj.metadata.namespace}/` : ''}${d.obj?.metadata?.name}`, f.name]))
    .filter(([kind, , ]) => !options.objects || options.objects.some((sel) => sel.split('/')[0] === kind));
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([kind, id, file]) => `${kind.padEnd(width)}  ${id}${files.length > 1 ? `  (${file})` : ''}`).join('\n');
}

function fenced(lang, body) {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${body}\n${ticks}`;
}

function renderExample(region, result) {
  const { name, options } = region;
  const parts = [];
  if (options.show.includes('ts')) parts.push(fenced('ts', renderCode(name, result.source, options.region)));
  if (options.show.includes('yaml')) {
    const yaml = fenced('yaml', renderYaml(name, result.files, options));
    parts.push(options.fold ? `<details><summary>YAML it synthesizes</summary>\n\n${yaml}\n\n</details>` : yaml);
  }
  if (options.show.includes('list')) {
    const listing = fenced('text', renderList(name, result.files, options));
    parts.push(options.fold && !options.show.includes('yaml') ? `<details><summary>What it synthesizes</summary>\n\n${listing}\n\n</details>` : listing);
  }
  if (options.show.includes('error')) parts.push(fenced('text', result.error));
  return parts.join('\n\n');
}

/**
 * The body of a Markdown section, as is (not fenced): the lines after the heading whose title starts with `title`
 * (after an optional `N. ` numbering), up to the next heading of the same or a higher level.
 */
function markdownSection(name, text, title) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => {
    const m = /^(#+)\s+(?:\d+\.\s+)?(.*)$/.exec(l);
    return m && m[2].startsWith(title);
  });
  if (start < 0) throw new Error(`file:${name}: no heading starting with "${title}"`);
  const level = /^#+/.exec(lines[start])[0].length;
  let end = lines.findIndex((l, i) => i > start && /^#+\s/.test(l) && /^#+/.exec(l)[0].length <= level);
  if (end < 0) end = lines.length;
  return lines.slice(start + 1, end).join('\n').trim();
}

/** A file of the repository, verbatim; `file.json#a,b` shows only the top-level keys a and b of a JSON file. */
function renderFile(name) {
  const [rel, keys] = name.split('#');
  const file = path.join(ROOT, rel);
  if (!fs.existsSync(file)) throw new Error(`file ${rel} does not exist`);
  const ext = path.extname(rel).slice(1);
  const lang = { yml: 'yaml', mjs: 'js', cjs: 'js', sh: 'sh', json: 'json', yaml: 'yaml', ts: 'ts', toml: 'toml' }[ext] ?? '';
  let text = fs.readFileSync(file, 'utf8').replace(/\n+$/, '');
  if (keys !== undefined && ext === 'md') return markdownSection(name, text, keys);
  if (keys !== undefined) {
    if (ext !== 'json') throw new Error(`file:${name}: '#...' works for JSON files (keys) and Markdown files (a section) only`);
    const all = JSON.parse(text);
    const picked = {};
    for (const k of keys.split(',')) if (k in all) picked[k] = all[k];
    if (Object.keys(picked).length === 0) throw new Error(`file:${name}: ${rel} has none of the keys ${keys}`);
    text = JSON.stringify(picked, null, 2);
  }
  return fenced(lang, text);
}

/** First differing line of two texts, for a readable failure. */
function firstDifference(want, got) {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `first difference at line ${i + 1} of the region: page has ${JSON.stringify(b[i] ?? '<end>')}, example gives ${JSON.stringify(a[i] ?? '<end>')}`;
  }
  return '';
}

// ---------------------------------------------------------------------------------------------------------

/**
 * Processes every page. Returns { problems, stale, updated, examples } without writing unless `write`.
 * problems: [{ file, line?, message }] (stale regions included, with what to run).
 */
export function run({ write = false, pages } = {}) {
  const allPages = pages === undefined;
  pages ??= listPages();
  registerTypeScript(ROOT);
  const problems = [];
  const results = new Map();
  const used = new Set();
  const updated = [];
  const exampleResult = (name) => {
    if (!results.has(name)) {
      const file = path.join(EXAMPLES, `${name}.ts`);
      if (!fs.existsSync(file)) {
        results.set(name, { missing: true });
      } else {
        const r = runExample(name);
        checkImports(name, file, r.source, problems);
        results.set(name, r);
      }
    }
    return results.get(name);
  };

  for (const page of pages) {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    const { lines, regions } = parsePage(page, text, problems);
    lintPage(page, text, problems);
    const out = [...lines];
    let changed = 0;
    for (const region of [...regions].reverse()) {
      const where = { file: page, line: region.line };
      let body;
      try {
        if (region.kind === 'file') {
          body = renderFile(region.name);
        } else {
          used.add(region.name);
          const r = exampleResult(region.name);
          if (r.missing) throw new Error(`docs/examples/${region.name}.ts does not exist`);
          const wantsError = region.options.show.includes('error');
          if (r.error !== undefined && !wantsError) throw new Error(`example ${region.name} threw: ${r.error}`);
          if (r.error === undefined && wantsError) throw new Error(`example ${region.name} is shown with show=error but did not throw`);
          if (r.error === undefined && r.files.length === 0) throw new Error(`example ${region.name} wrote no manifests: it must call app.synth() on an App that uses the default outdir`);
          body = renderExample(region, r);
        }
      } catch (e) {
        problems.push({ ...where, message: e.message });
        continue;
      }
      // a marker indented (in a list item, say) indents what it generates the same way
      const indent = /^\s*/.exec(lines[region.start])[0];
      if (indent) body = body.split('\n').map((l) => (l === '' ? l : indent + l)).join('\n');
      if (body !== region.body) {
        if (write) {
          out.splice(region.start + 1, region.end - region.start - 1, ...body.split('\n'));
          changed++;
        } else {
          problems.push({ ...where, stale: true, message: `${region.kind}:${region.name} differs from what ${region.kind === 'file' ? 'the file holds' : 'the example gives'}: run \`${COMMAND}\` (${firstDifference(body, region.body)})` });
        }
      }
    }
    if (write && changed > 0) {
      fs.writeFileSync(path.join(ROOT, page), out.join('\n'));
      updated.push(`${page} (${changed} region${changed === 1 ? '' : 's'})`);
    }
  }

  for (const name of allPages ? listExamples() : []) {
    if (used.has(name)) continue;
    // run it anyway, so an example no page shows yet still has to work
    const r = exampleResult(name);
    if (r.error !== undefined) problems.push({ file: `docs/examples/${name}.ts`, message: `example ${name} threw: ${r.error}` });
    problems.push({ file: `docs/examples/${name}.ts`, message: `example ${name} is shown on no page: add <!-- example:${name} --> ${CLOSE} to a page, or delete it` });
  }
  return { problems, updated, examples: [...results.keys()].sort(), pages };
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const json = args.includes('--json');
  const pages = args.filter((a) => !a.startsWith('--'));
  const result = run({ write: !check, pages: pages.length > 0 ? pages : undefined });
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    for (const u of result.updated) console.log(`updated ${u}`);
    for (const p of result.problems) console.error(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    if (result.problems.length === 0) console.log(`docs examples: ${result.examples.length} examples, ${result.pages.length} pages${check ? ', all up to date' : ''}`);
  }
  process.exitCode = result.problems.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
