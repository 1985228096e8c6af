#!/usr/bin/env node
// Deploy, diff and prune dist/ with kubectl's ApplySets (see docs/deploy.md).
//
//   node scripts/deploy.mjs [deploy] [--dry-run] [--allow-prune=Kind,...] [options]    (npm run deploy)
//   node scripts/deploy.mjs diff [options]                                             (npm run diff)
//
//   --dir DIR              the manifests (default dist)
//   --set NS/NAME          only this ApplySet (repeatable; objects of no set are then skipped)
//   --dry-run              show what would be applied and pruned (kubectl's server-side dry run); change nothing
//   --allow-prune=KINDS    let the prune delete Namespace, PersistentVolumeClaim, PersistentVolume, StorageClass or
//                          CustomResourceDefinition objects (a StatefulSet whose claims go with it counts as a
//                          PersistentVolumeClaim); without it such a prune stops the deploy before any change
//   --field-manager NAME   server-side apply field manager (default kubecraft)
//   --force-conflicts      take over fields another field manager owns (kubectl apply --force-conflicts)
//   --context, --kubeconfig   passed to kubectl
//
// Each ApplySet (the objects annotated kubecraft.dev/applyset: <ns>/<name>) is applied in one call:
//   KUBECTL_APPLYSET=true kubectl apply --server-side --field-manager=kubecraft --prune \
//     --applyset=configmaps/<name> --namespace <ns> -f -
// kubectl labels what it applies applyset.kubernetes.io/part-of=<id> and deletes the members that are no longer
// in its input. Before that, this script lists those members itself and refuses (exit 3, nothing changed) a prune of
// a protected kind without --allow-prune, or of an object this app never applied. When the set's Namespace does not
// exist yet it is applied first (kubectl keeps the set's state in a ConfigMap inside it).
//
// kubectl: $KUBECTL, else the pinned one built by e2e/build.sh (~/.cache/kubecraft/k8s-<version>/bin), else PATH.
// Exit codes: deploy 0 done, 1 error, 2 usage, 3 refused; diff 0 no change, 1 changes, 2 error (kubectl diff's).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  PART_OF_LABEL, describe, groupIntoSets, parentScope, parseArgs, planPrune, readManifests,
  withMemberLabel,
} from './lib/applyset.mjs';

const EXIT = { ok: 0, error: 1, usage: 2, refused: 3 };
const DIFF_EXIT = { same: 0, changes: 1, error: 2 }; // kubectl diff's convention
let command = 'deploy';

class Fail extends Error {
  constructor(message, code = EXIT.error) {
    super(message);
    this.code = code;
  }
}

/** kubectl to use: $KUBECTL, the pinned cached build, or PATH. */
function pickKubectl() {
  if (process.env.KUBECTL) return { bin: process.env.KUBECTL, from: '$KUBECTL' };
  const env = join(import.meta.dirname, '..', 'e2e', 'lib', 'env.sh');
  const version = existsSync(env) ? /^K8S_VERSION=(\S+)/m.exec(readFileSync(env, 'utf8'))?.[1] : undefined;
  const cache = join(process.env.XDG_CACHE_HOME || join(process.env.HOME || '', '.cache'), 'kubecraft');
  const pinned = version && join(cache, `k8s-${version}`, 'bin', 'kubectl');
  if (pinned && existsSync(pinned)) return { bin: pinned, from: `pinned ${version}` };
  return { bin: 'kubectl', from: 'PATH' };
}

/** Runs kubectl; resolves { code, stdout, stderr }; `echo` streams stdout through. */
function run(k, args, { input, echo = false, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(k.bin, [...k.globalArgs, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', (e) => reject(e.code === 'ENOENT' ? new Fail(`${command}: no kubectl (${k.bin} from ${k.from}): set $KUBECTL, put kubectl on PATH, or build the pinned one with bash e2e/build.sh`) : e));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.on('error', () => {}); // kubectl may exit before reading its input
    p.stdin.end(input ?? '');
  });
}

async function kubectlOk(k, args, opts) {
  const r = await run(k, args, opts);
  if (r.code !== 0) throw new Fail(`${command}: kubectl ${args.join(' ')} failed: ${lastLine(r.stderr)}`);
  return r.stdout;
}

const lastLine = (s) => s.trim().split('\n').filter(Boolean).pop() ?? '(no message)';
/** kubectl's message, and what to do about a server-side apply conflict */
const explain = (stderr) => `${stderr.trim()}${/conflicts? with "/.test(stderr)
  ? `\n${command}: another field manager owns a field with another value (e.g. the objects were applied before with kubectl's default manager "kubectl"): pass the manager that applied them (--field-manager=NAME), or take the fields over once with --force-conflicts`
  : ''}`;
const yamlOf = (docs) => docs.map((d) => stringify(d)).join('---\n');

async function preflight(k, { needApplySet }) {
  const client = await run(k, ['version', '--client', '-o', 'json']);
  if (client.code !== 0) throw new Fail(`${command}: ${k.bin} does not run: ${lastLine(client.stderr)}`);
  k.version = JSON.parse(client.stdout).clientVersion?.gitVersion ?? '?';
  if (needApplySet) {
    const help = await run(k, ['apply', '--help'], { env: { KUBECTL_APPLYSET: 'true' } });
    if (!help.stdout.includes('--applyset=')) {
      throw new Fail(`${command}: kubectl ${k.version} has no --applyset (ApplySet pruning needs kubectl >= 1.27; the older --prune -l does not work with --server-side): use a newer kubectl ($KUBECTL)`);
    }
  }
  const server = await run(k, ['get', '--raw', '/version', '--request-timeout=15s']);
  if (server.code !== 0) {
    const ctx = await run(k, ['config', 'current-context']);
    const where = ctx.code === 0 ? `context ${ctx.stdout.trim()}` : 'no current context';
    throw new Fail(`${command}: no cluster reachable (${where}, KUBECONFIG=${process.env.KUBECONFIG ?? '~/.kube/config'}): ${lastLine(server.stderr)}`);
  }
  const sv = JSON.parse(server.stdout);
  k.serverVersion = sv.gitVersion;
  if (Number(sv.major) === 1 && parseInt(sv.minor, 10) < 22) {
    throw new Fail(`${command}: the server is ${sv.gitVersion}: server-side apply (GA in 1.22) is needed`);
  }
  console.error(`${command}: kubectl ${k.version} (${k.from}), server ${k.serverVersion}`);
}

async function getJson(k, args) {
  const out = await kubectlOk(k, [...args, '-o', 'json', '--ignore-not-found']);
  return out.trim() ? JSON.parse(out) : undefined;
}

/** The live state of a set: does its namespace exist, its parent, and what kubectl would prune. */
async function inspect(k, unit, opts) {
  const nsExists = (await getJson(k, ['get', 'namespace', unit.namespace])) !== undefined;
  const parent = nsExists ? await getJson(k, ['get', 'configmap', unit.name, '-n', unit.namespace]) : undefined;
  let live = [];
  if (parent) {
    const { kinds, namespaces } = parentScope(parent, unit);
    if (kinds.length > 0) {
      for (const ns of namespaces) {
        const list = await getJson(k, ['get', kinds.join(','), '-l', `${PART_OF_LABEL}=${unit.id}`, '-n', ns, '--show-managed-fields']);
        live.push(...(list?.items ?? []));
      }
    }
  }
  const prune = planPrune({ namespace: unit.namespace, desired: unit.docs, live, fieldManager: opts.fieldManager, allow: opts.allow });
  return { nsExists, parent, prune };
}

function printPrune(prune, verb) {
  for (const p of prune) {
    const note = p.blocked === 'protected' ? `  [needs --allow-prune=${p.kind}: ${p.why}]`
      : p.blocked === 'foreign' ? `  [never pruned: ${p.why}]`
        : p.allowedBy ? `  [allowed by --allow-prune=${p.allowedBy}]` : '';
    console.log(`  - ${p.name}${note}`);
  }
  if (prune.length === 0) console.log(`  (nothing ${verb})`);
}

const header = (unit) => unit.ref
  ? `== ApplySet ${unit.ref} (${unit.files.join(', ')}: ${unit.docs.length} objects)`
  : `== objects of no ApplySet (${unit.files.join(', ')}: ${unit.docs.length} objects, applied without pruning)`;

async function diff(k, units, opts) {
  let changes = false;
  let errors = false;
  const summary = [];
  for (const unit of units) {
    console.log(header(unit));
    const state = unit.ref ? await inspect(k, unit, opts) : { nsExists: true, prune: [] };
    if (!state.nsExists) {
      console.log(`namespace ${unit.namespace} does not exist yet: the deploy creates it and all ${unit.docs.length} objects:`);
      for (const d of unit.docs) console.log(`  + ${describe(d)}`);
      changes = true;
      summary.push(`${unit.ref}: ${unit.docs.length} to create`);
      continue;
    }
    const docs = unit.ref ? unit.docs.map((d) => withMemberLabel(d, unit.id)) : unit.docs;
    const r = await run(k, ['diff', '--server-side', `--field-manager=${opts.fieldManager}`, ...(opts.forceConflicts ? ['--force-conflicts'] : []), '-f', '-'], { input: yamlOf(docs), echo: true });
    const changed = (r.stdout.match(/^diff -u -N /gm) ?? []).length;
    if (r.code > 1) {
      errors = true;
      console.error(explain(r.stderr));
    } else if (r.code === 1) changes = true;
    if (unit.ref) {
      console.log(state.prune.length > 0 ? `would prune (in ApplySet ${unit.ref}, no longer in ${opts.dir}/):` : `would prune: nothing`);
      if (state.prune.length > 0) printPrune(state.prune, 'to prune');
      if (state.prune.length > 0) changes = true;
    }
    summary.push(`${unit.ref ?? '(no ApplySet)'}: ${r.code > 1 ? 'kubectl diff failed' : `${changed} to change`}${unit.ref ? `, ${state.prune.length} to prune` : ''}`);
  }
  console.log(`\ndiff: ${errors ? 'error' : changes ? 'changes pending' : 'no changes'} (${summary.join('; ')})`);
  return errors ? DIFF_EXIT.error : changes ? DIFF_EXIT.changes : DIFF_EXIT.same;
}

async function deploy(k, units, opts) {
  // plan every set first: a refused prune stops the deploy before anything changed
  const states = [];
  let refused = false;
  for (const unit of units) {
    const state = unit.ref ? await inspect(k, unit, opts) : { nsExists: true, prune: [] };
    states.push(state);
    if (unit.ref && state.prune.length > 0) {
      console.log(`ApplySet ${unit.ref}: to prune (no longer in ${opts.dir}/):`);
      printPrune(state.prune, 'to prune');
    }
    if (state.prune.some((p) => p.blocked)) refused = true;
  }
  if (refused) {
    const kinds = [...new Set(states.flatMap((s) => s.prune.filter((p) => p.blocked === 'protected').map((p) => p.kind)))];
    const foreign = states.some((s) => s.prune.some((p) => p.blocked === 'foreign'));
    console.error(`deploy: refused, nothing changed: ${[
      kinds.length ? `the prune would delete ${kinds.join(', ')} objects (re-run with --allow-prune=${kinds.join(',')} to delete them)` : '',
      foreign ? 'the set holds objects this app never applied (remove their applyset.kubernetes.io/part-of label, or use the --field-manager that applied them)' : '',
    ].filter(Boolean).join('; ')}`);
    return EXIT.refused;
  }
  const results = [];
  for (const [i, unit] of units.entries()) {
    const state = states[i];
    console.log(header(unit));
    const dry = opts.dryRun ? ['--dry-run=server'] : [];
    const common = ['apply', '--server-side', `--field-manager=${opts.fieldManager}`, ...(opts.forceConflicts ? ['--force-conflicts'] : []), ...dry];
    if (!unit.ref) {
      const r = await run(k, [...common, '-f', '-'], { input: yamlOf(unit.docs), echo: true });
      if (r.code !== 0) throw new Fail(`deploy: kubectl apply failed: ${explain(r.stderr)}`);
      results.push(`(no ApplySet): ${unit.docs.length} applied`);
      continue;
    }
    if (!state.nsExists) {
      const nsDoc = unit.docs.find((d) => d.kind === 'Namespace' && d.apiVersion === 'v1' && d.metadata.name === unit.namespace);
      if (!nsDoc) throw new Fail(`deploy: namespace ${unit.namespace} of ApplySet ${unit.ref} does not exist and ${opts.dir}/ does not create it`);
      if (opts.dryRun) {
        console.log(`namespace ${unit.namespace} does not exist yet: the deploy creates it, then its ${unit.docs.length} objects (a server dry run needs the namespace):`);
        for (const d of unit.docs) console.log(`  + ${describe(d)}`);
        results.push(`${unit.ref}: ${unit.docs.length} to create`);
        continue;
      }
      // kubectl keeps the set's state in a ConfigMap in the namespace: create the Namespace first, as the set will
      await kubectlOk(k, [...common, '-f', '-'], { input: yamlOf([withMemberLabel(nsDoc, unit.id)]), echo: true });
    }
    const r = await run(k, [...common, '--prune', `--applyset=configmaps/${unit.name}`, '--namespace', unit.namespace, '-f', '-'], {
      input: yamlOf(unit.docs), echo: true, env: { KUBECTL_APPLYSET: 'true' },
    });
    if (r.code !== 0) throw new Fail(`deploy: kubectl apply of ApplySet ${unit.ref} failed: ${explain(r.stderr)}`);
    const pruned = (r.stdout.match(/ pruned( \(server dry run\))?$/gm) ?? []).length;
    results.push(`${unit.ref}: ${unit.docs.length} ${opts.dryRun ? 'to apply' : 'applied'}, ${pruned} ${opts.dryRun ? 'to prune' : 'pruned'}`);
  }
  console.log(`\ndeploy: ${opts.dryRun ? 'dry run, nothing changed' : 'done'} (${results.join('; ')})`);
  return EXIT.ok;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`deploy: ${e.message}\nusage: node scripts/deploy.mjs [deploy|diff] [--dir DIR] [--set NS/NAME] [--dry-run] [--allow-prune=KINDS] [--field-manager NAME] [--force-conflicts] [--context CTX] [--kubeconfig FILE]`);
    return EXIT.usage;
  }
  command = opts.command;
  if (opts.help) {
    console.log(readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1).filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
    return EXIT.ok;
  }
  const fail = command === 'diff' ? DIFF_EXIT.error : EXIT.error;
  try {
    if (!existsSync(opts.dir)) throw new Fail(`${command}: no ${opts.dir}/ (synthesize first: npm run synth)`);
    let units = groupIntoSets(readManifests(opts.dir));
    if (units.length === 0) throw new Fail(`${command}: no manifests in ${opts.dir}/`);
    if (opts.sets.length > 0) {
      const missing = opts.sets.filter((s) => !units.some((u) => u.ref === s));
      if (missing.length) throw new Fail(`${command}: no ApplySet ${missing.join(', ')} in ${opts.dir}/ (it has ${units.filter((u) => u.ref).map((u) => u.ref).join(', ') || 'none'})`, EXIT.usage);
      units = units.filter((u) => opts.sets.includes(u.ref));
    }
    const k = { ...pickKubectl(), globalArgs: opts.kubectlArgs };
    await preflight(k, { needApplySet: command === 'deploy' });
    return command === 'diff' ? await diff(k, units, opts) : await deploy(k, units, opts);
  } catch (e) {
    console.error(e instanceof Fail ? e.message : `${command}: ${e.stack ?? e}`);
    return e instanceof Fail && e.code !== EXIT.error && command !== 'diff' ? e.code : fail;
  }
}

process.exitCode = await main();
