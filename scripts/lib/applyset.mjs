// The pure part of scripts/deploy.mjs: reading dist/ into ApplySets, kubectl's ApplySet id, and the prune plan with
// its safety rules. No process, no cluster: test/deploy/applyset-plan.test.ts runs it on plain objects.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A path as the user gave it when under the working directory, else absolute. */
const shown = (p) => (relative(process.cwd(), p).startsWith('..') ? p : relative(process.cwd(), p));
import { parseAllDocuments } from 'yaml';

/** The annotation the library puts on every object of an ApplySet (lib/deploy/applyset.ts): `<namespace>/<name>`. */
export const APPLYSET_ANNOTATION = 'kubecraft.dev/applyset';
/** kubectl's ApplySet labels and annotations (KEP 3659). */
export const PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
export const PARENT_ID_LABEL = 'applyset.kubernetes.io/id';
export const TOOLING_ANNOTATION = 'applyset.kubernetes.io/tooling';
export const GROUP_KINDS_ANNOTATION = 'applyset.kubernetes.io/contains-group-kinds';
export const ADDITIONAL_NAMESPACES_ANNOTATION = 'applyset.kubernetes.io/additional-namespaces';

/** The field manager of `npm run deploy` and `npm run diff` (and of the documented kubectl line). */
export const FIELD_MANAGER = 'kubecraft';

/**
 * Kinds a prune deletes only with `--allow-prune=<Kind>`: deleting them loses data or other apps' objects.
 * Keys are `<group>/<Kind>` (core group empty).
 */
export const PROTECTED = {
  '/Namespace': 'deletes every object in it, other apps\' included',
  '/PersistentVolumeClaim': 'deletes the claim, and its volume and data when the reclaim policy is Delete',
  '/PersistentVolume': 'deletes the volume object (its data too when the reclaim policy is Delete)',
  'storage.k8s.io/StorageClass': 'claims that name it can no longer be provisioned',
  'apiextensions.k8s.io/CustomResourceDefinition': 'deletes every custom resource of that type',
};

const SET_VALUE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/** kubectl's id of the ConfigMap parent `name` in `namespace` (`ApplySet.ID()`: base64url(sha256(name.ns.Kind.group))). */
export function applySetId(name, namespace) {
  return `applyset-${createHash('sha256').update(`${name}.${namespace}.ConfigMap.`).digest('base64url')}-v1`;
}

export const groupOf = (apiVersion) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** `Deployment.apps dev/worker`, `StorageClass.storage.k8s.io dev-local`: how kubectl names a pruned object. */
export function describe(obj) {
  const group = groupOf(obj.apiVersion);
  const ns = obj.metadata.namespace;
  return `${obj.kind}${group ? `.${group}` : ''} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

/** Every manifest file under `dir` (.yaml, .yml, .json; sub-folders too), in path order, with its documents. */
export function readManifests(dir) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name)) files.push(p);
    }
  };
  walk(dir);
  const out = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${shown(file)}: ${doc.errors[0].message}`);
      const obj = doc.toJS();
      if (obj === null || obj === undefined) continue;
      if (typeof obj !== 'object' || !obj.kind || !obj.apiVersion || !obj.metadata?.name) {
        throw new Error(`${shown(file)}: a document without apiVersion, kind or metadata.name`);
      }
      out.push({ file: shown(file), obj });
    }
  }
  return out;
}

/**
 * Groups manifests into units, in the order they first appear: one per ApplySet (objects annotated
 * `kubecraft.dev/applyset: <ns>/<name>`), and one for the objects of no set (applied without pruning).
 */
export function groupIntoSets(manifests) {
  const units = [];
  const byRef = new Map();
  let plain;
  for (const { file, obj } of manifests) {
    const ref = obj.metadata.annotations?.[APPLYSET_ANNOTATION];
    if (ref === undefined) {
      if (!plain) units.push((plain = { ref: undefined, files: [], docs: [] }));
      if (!plain.files.includes(file)) plain.files.push(file);
      plain.docs.push(obj);
      continue;
    }
    const m = SET_VALUE.exec(ref);
    if (!m) throw new Error(`${file}: ${obj.kind} ${obj.metadata.name}: annotation ${APPLYSET_ANNOTATION} must be <namespace>/<name>, got ${JSON.stringify(ref)}`);
    let unit = byRef.get(ref);
    if (!unit) {
      const [, namespace, , name] = m;
      unit = { ref, namespace, name, id: applySetId(name, namespace), files: [], docs: [] };
      byRef.set(ref, unit);
      units.push(unit);
    }
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== unit.namespace) {
      throw new Error(`${file}: ${obj.kind} ${obj.metadata.namespace}/${obj.metadata.name} is in ApplySet ${ref} but not in its namespace ${unit.namespace}`);
    }
    for (const label of [PART_OF_LABEL, PARENT_ID_LABEL]) {
      if (obj.metadata.labels?.[label] !== undefined) {
        throw new Error(`${file}: ${obj.kind} ${obj.metadata.name} carries the label ${label}: kubectl sets it and refuses input that has it`);
      }
    }
    if (!unit.files.includes(file)) unit.files.push(file);
    unit.docs.push(obj);
  }
  return units;
}

/** A copy of `obj` with kubectl's membership label, as kubectl applies it (for diff and the namespace bootstrap). */
export function withMemberLabel(obj, id) {
  const copy = JSON.parse(JSON.stringify(obj));
  copy.metadata.labels = { ...(copy.metadata.labels ?? {}), [PART_OF_LABEL]: id };
  return copy;
}

const key = (group, kind, ns, name) => `${group}/${kind}/${ns ?? ''}/${name}`;

/**
 * What kubectl would prune: the live members of the set (listed by its label) that are not in `desired`, each with
 * the reason it must not go without a flag, or must never go:
 * - `protected`: a kind of PROTECTED, or a StatefulSet whose claims go with it; allowed by `allow` (kinds).
 * - `foreign`: not applied by `fieldManager` (a controller copied the label onto it, or someone else made it), or
 *   controlled by an owner: never pruned by this tool.
 */
export function planPrune({ namespace, desired, live, fieldManager = FIELD_MANAGER, allow = [] }) {
  const allowed = new Set(allow.map((k) => k.toLowerCase()));
  const wanted = new Set();
  for (const o of desired) {
    const g = groupOf(o.apiVersion);
    wanted.add(key(g, o.kind, o.metadata.namespace, o.metadata.name));
    // no namespace in the manifest: kubectl puts a namespaced object in the set's namespace
    if (o.metadata.namespace === undefined) wanted.add(key(g, o.kind, namespace, o.metadata.name));
  }
  const seen = new Set();
  const prune = [];
  for (const o of live) {
    const k = key(groupOf(o.apiVersion), o.kind, o.metadata.namespace, o.metadata.name);
    if (wanted.has(k) || seen.has(k)) continue;
    seen.add(k);
    prune.push({ obj: o, name: describe(o), ...safety(o, fieldManager, allowed) });
  }
  return prune;
}

function safety(o, fieldManager, allowed) {
  const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (owner) return { blocked: 'foreign', why: `controlled by ${owner.kind} ${owner.name}: it was not applied by this app` };
  const managers = o.metadata.managedFields ?? [];
  if (!managers.some((m) => m.manager === fieldManager && m.operation === 'Apply')) {
    const names = [...new Set(managers.map((m) => m.manager))].join(', ') || 'none';
    return { blocked: 'foreign', why: `never applied by field manager ${fieldManager} (managers: ${names}): it carries the set's label but was made by something else` };
  }
  const protectedWhy = PROTECTED[`${groupOf(o.apiVersion)}/${o.kind}`];
  if (protectedWhy) {
    return allowed.has(o.kind.toLowerCase()) ? { allowedBy: o.kind } : { blocked: 'protected', kind: o.kind, why: protectedWhy };
  }
  if (o.kind === 'StatefulSet' && groupOf(o.apiVersion) === 'apps' && o.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') {
    const kind = 'PersistentVolumeClaim';
    return allowed.has(kind.toLowerCase())
      ? { allowedBy: kind }
      : { blocked: 'protected', kind, why: 'deleting it deletes its PersistentVolumeClaims (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)' };
  }
  return {};
}

/**
 * Checks the live parent ConfigMap of a set: it must be kubectl's, with this set's id. Returns the kinds to list
 * (`Kind.group`) and the namespaces to list them in.
 */
export function parentScope(parent, unit) {
  const where = `ConfigMap ${unit.namespace}/${unit.name}`;
  const id = parent.metadata.labels?.[PARENT_ID_LABEL];
  if (id !== unit.id) {
    throw new Error(`${where} exists but is not the parent of ApplySet ${unit.ref}: label ${PARENT_ID_LABEL} is ${JSON.stringify(id ?? null)}, expected ${unit.id}; rename the set or the ConfigMap`);
  }
  const tooling = parent.metadata.annotations?.[TOOLING_ANNOTATION] ?? '';
  if (!tooling.startsWith('kubectl/')) {
    throw new Error(`${where} is an ApplySet parent managed by ${JSON.stringify(tooling)}, not kubectl: refusing to apply or prune it`);
  }
  const split = (s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const kinds = split(parent.metadata.annotations?.[GROUP_KINDS_ANNOTATION]);
  const namespaces = [unit.namespace, ...split(parent.metadata.annotations?.[ADDITIONAL_NAMESPACES_ANNOTATION]).filter((n) => n !== unit.namespace)];
  return { kinds, namespaces };
}

/** The command line of scripts/deploy.mjs. */
export function parseArgs(argv) {
  const opts = { command: 'deploy', dir: 'dist', dryRun: false, allow: [], sets: [], fieldManager: FIELD_MANAGER, forceConflicts: false, kubectlArgs: [] };
  const rest = [...argv];
  if (rest[0] === 'deploy' || rest[0] === 'diff') opts.command = rest.shift();
  const value = (a, i) => {
    const eq = a.indexOf('=');
    if (eq >= 0) return [a.slice(eq + 1), i];
    if (rest[i + 1] === undefined) throw new Error(`${a} needs a value`);
    return [rest[i + 1], i + 1];
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const flag = a.split('=')[0];
    let v;
    switch (flag) {
      case '--dir': [v, i] = value(a, i); opts.dir = v; break;
      case '--dry-run': opts.dryRun = true; break;
      case '--allow-prune': [v, i] = value(a, i); opts.allow.push(...v.split(',').map((k) => k.trim()).filter(Boolean)); break;
      case '--set': [v, i] = value(a, i); opts.sets.push(v); break;
      case '--field-manager': [v, i] = value(a, i); opts.fieldManager = v; break;
      case '--force-conflicts': opts.forceConflicts = true; break;
      case '--context': case '--kubeconfig': [v, i] = value(a, i); opts.kubectlArgs.push(`${flag}=${v}`); break;
      case '--help': case '-h': opts.help = true; break;
      default: throw new Error(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  if (opts.command === 'diff' && (opts.dryRun || opts.allow.length > 0)) throw new Error('--dry-run and --allow-prune are options of deploy, not diff');
  const kinds = Object.keys(PROTECTED).map((k) => k.split('/')[1].toLowerCase());
  for (const k of opts.allow) {
    if (!kinds.includes(k.toLowerCase())) throw new Error(`--allow-prune takes kinds among ${Object.keys(PROTECTED).map((x) => x.split('/')[1]).join(', ')}, got ${JSON.stringify(k)}`);
  }
  for (const s of opts.sets) if (!SET_VALUE.test(s)) throw new Error(`--set takes <namespace>/<name>, got ${JSON.stringify(s)}`);
  return opts;
}
