/**
 * The pure part of scripts/deploy.mjs (scripts/lib/applyset.mjs): dist/ into sets, the prune plan and its safety
 * rules, the command line. The cluster side is proven by e2e/test/07-deploy-prune.test.mjs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApplySet } from '../../lib/deploy/applyset';
import {
  APPLYSET_ANNOTATION, PART_OF_LABEL, applySetId, describe as describeObject, groupIntoSets, parentScope, parseArgs, planPrune, readManifests,
  withMemberLabel,
} from '../../scripts/lib/applyset.mjs';
import { Manifest, testChart } from '../util';

const SCRIPT = resolve(__dirname, '..', '..', 'scripts', 'deploy.mjs');

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: Manifest = {}): Manifest => ({
  apiVersion, kind, ...extra, metadata: { name, ...(namespace ? { namespace } : {}), ...(extra.metadata ?? {}) },
});
const member = (ref: string) => ({ metadata: { annotations: { [APPLYSET_ANNOTATION]: ref } } });
/** A live object as `kubectl get --show-managed-fields` lists it, applied by `manager`. */
const live = (apiVersion: string, kind: string, name: string, namespace?: string, manager = 'kubecraft', extra: Manifest = {}): Manifest =>
  obj(apiVersion, kind, name, namespace, { ...extra, metadata: { managedFields: [{ manager, operation: 'Apply' }], ...(extra.metadata ?? {}) } });

describe('scripts/lib/applyset.mjs', () => {
  test('applySetId is the id the library computes (and kubectl: see test/deploy/applyset.test.ts)', () => {
    for (const [name, ns] of [['shop', 'dev'], ['shop', 'exp'], ['deploy-e2e', 'deploy-e2e']]) {
      expect(applySetId(name, ns)).toBe(new ApplySet(testChart(ns), 'ApplySet', { name }).id);
    }
  });

  test('groupIntoSets: one unit per set in order of first appearance, and one for objects of no set', () => {
    const m = (file: string, o: Manifest) => ({ file, obj: o });
    const units = groupIntoSets([
      m('a.yaml', obj('v1', 'Namespace', 'dev', undefined, member('dev/shop'))),
      m('a.yaml', obj('v1', 'ConfigMap', 'x', 'dev', member('dev/shop'))),
      m('b.yaml', obj('v1', 'ConfigMap', 'loose', 'default')),
      m('c.yaml', obj('v1', 'ConfigMap', 'y', 'prod', member('prod/shop'))),
      m('c.yaml', obj('v1', 'ConfigMap', 'z', 'dev', member('dev/shop'))),
    ]);
    expect(units.map((u: Manifest) => [u.ref, u.files, u.docs.map((d: Manifest) => d.metadata.name)])).toEqual([
      ['dev/shop', ['a.yaml', 'c.yaml'], ['dev', 'x', 'z']],
      [undefined, ['b.yaml'], ['loose']],
      ['prod/shop', ['c.yaml'], ['y']],
    ]);
    expect(units[0]).toMatchObject({ namespace: 'dev', name: 'shop', id: applySetId('shop', 'dev') });
  });

  test('groupIntoSets refuses a bad annotation, an object outside the set\'s namespace and kubectl\'s own label', () => {
    const one = (o: Manifest) => () => groupIntoSets([{ file: 'a.yaml', obj: o }]);
    expect(one(obj('v1', 'ConfigMap', 'x', 'dev', member('shop')))).toThrow('a.yaml: ConfigMap x: annotation kubecraft.dev/applyset must be <namespace>/<name>, got "shop"');
    expect(one(obj('v1', 'ConfigMap', 'x', 'prod', member('dev/shop')))).toThrow('a.yaml: ConfigMap prod/x is in ApplySet dev/shop but not in its namespace dev');
    const labelled = obj('v1', 'ConfigMap', 'x', 'dev', { metadata: { ...member('dev/shop').metadata, labels: { [PART_OF_LABEL]: 'applyset-x-v1' } } });
    expect(one(labelled)).toThrow('a.yaml: ConfigMap x carries the label applyset.kubernetes.io/part-of: kubectl sets it and refuses input that has it');
  });

  test('readManifests reads .yaml/.yml/.json files of a folder and its sub-folders in path order, skipping empty documents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecraft-deploy-'));
    try {
      mkdirSync(join(dir, 'b'));
      writeFileSync(join(dir, 'a.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
      writeFileSync(join(dir, 'b', 'c.json'), JSON.stringify(obj('v1', 'Secret', 's', 'dev')));
      writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
      expect(readManifests(dir).map((m: Manifest) => `${m.obj.kind}/${m.obj.metadata.name}`)).toEqual(['Namespace/dev', 'ConfigMap/x', 'Secret/s']);
      writeFileSync(join(dir, 'z.yaml'), 'kind: ConfigMap\n');
      expect(() => readManifests(dir)).toThrow(`${join(dir, 'z.yaml')}: a document without apiVersion, kind or metadata.name`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('withMemberLabel adds kubectl\'s label to a copy', () => {
    const o = obj('v1', 'ConfigMap', 'x', 'dev', { metadata: { labels: { a: 'b' } } });
    expect(withMemberLabel(o, 'applyset-id-v1').metadata.labels).toEqual({ a: 'b', [PART_OF_LABEL]: 'applyset-id-v1' });
    expect(o.metadata.labels).toEqual({ a: 'b' });
  });

  test('describe names objects as kubectl prints them', () => {
    expect(describeObject(obj('apps/v1', 'Deployment', 'worker', 'dev'))).toBe('Deployment.apps dev/worker');
    expect(describeObject(obj('storage.k8s.io/v1', 'StorageClass', 'fast'))).toBe('StorageClass.storage.k8s.io fast');
    expect(describeObject(obj('v1', 'Service', 'api', 'dev'))).toBe('Service dev/api');
  });

  describe('planPrune', () => {
    const desired = [obj('v1', 'Namespace', 'dev'), obj('apps/v1', 'Deployment', 'api', 'dev'), obj('v1', 'ConfigMap', 'no-ns')];
    const plan = (liveObjects: Manifest[], allow: string[] = []) =>
      planPrune({ namespace: 'dev', desired, live: liveObjects, allow }).map((p: Manifest) => ({ name: p.name, blocked: p.blocked, kind: p.kind, allowedBy: p.allowedBy }));

    test('prunes exactly the live members that are no longer desired (same group, kind, namespace and name)', () => {
      expect(plan([
        live('v1', 'Namespace', 'dev'),
        live('apps/v1', 'Deployment', 'api', 'dev'),
        live('v1', 'ConfigMap', 'no-ns', 'dev'), // no namespace in the manifest: kubectl puts it in the set's namespace
        live('apps/v1', 'Deployment', 'worker', 'dev'),
        live('networking.k8s.io/v1', 'NetworkPolicy', 'api', 'dev'), // same name, other kind
        live('extensions.example.com/v1', 'Deployment', 'api', 'dev'), // same kind name, other group
      ])).toEqual([
        { name: 'Deployment.apps dev/worker' },
        { name: 'NetworkPolicy.networking.k8s.io dev/api' },
        { name: 'Deployment.extensions.example.com dev/api' },
      ]);
    });

    test('Namespace, PersistentVolumeClaim, PersistentVolume, StorageClass and CRD need --allow-prune=<Kind>', () => {
      const protectedObjects = [
        live('v1', 'Namespace', 'old'),
        live('v1', 'PersistentVolumeClaim', 'uploads', 'dev'),
        live('v1', 'PersistentVolume', 'pv-1'),
        live('storage.k8s.io/v1', 'StorageClass', 'fast'),
        live('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
      ];
      expect(plan(protectedObjects).map((p: Manifest) => [p.blocked, p.kind])).toEqual([
        ['protected', 'Namespace'], ['protected', 'PersistentVolumeClaim'], ['protected', 'PersistentVolume'], ['protected', 'StorageClass'],
        ['protected', 'CustomResourceDefinition'],
      ]);
      expect(plan(protectedObjects, ['namespace', 'PersistentVolumeClaim']).map((p: Manifest) => p.blocked ?? `allowed by ${p.allowedBy}`)).toEqual([
        'allowed by Namespace', 'allowed by PersistentVolumeClaim', 'protected', 'protected', 'protected',
      ]);
      // a kind of the same name in another group is not protected
      expect(plan([live('example.com/v1', 'StorageClass', 'x')])).toEqual([{ name: 'StorageClass.example.com x' }]);
    });

    test('a StatefulSet whose claims are deleted with it counts as a PersistentVolumeClaim prune', () => {
      const sts = (whenDeleted: string) => live('apps/v1', 'StatefulSet', `db-${whenDeleted.toLowerCase()}`, 'dev', 'kubecraft', {
        spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled: 'Retain' } },
      });
      expect(plan([sts('Delete'), sts('Retain')])).toEqual([
        { name: 'StatefulSet.apps dev/db-delete', blocked: 'protected', kind: 'PersistentVolumeClaim' },
        { name: 'StatefulSet.apps dev/db-retain' },
      ]);
      expect(plan([sts('Delete')], ['PersistentVolumeClaim'])).toEqual([{ name: 'StatefulSet.apps dev/db-delete', allowedBy: 'PersistentVolumeClaim' }]);
    });

    test('never an object this app did not apply: label copied by a controller, made by someone else, or controlled by an owner', () => {
      const copied = live('v1', 'Endpoints', 'api', 'dev', 'endpoint-controller');
      copied.metadata.managedFields[0].operation = 'Update';
      const otherManager = live('v1', 'ConfigMap', 'theirs', 'dev', 'helm');
      const owned = live('v1', 'ConfigMap', 'owned', 'dev', 'kubecraft', { metadata: { ownerReferences: [{ kind: 'Widget', name: 'w', controller: true }] } });
      const noFields = obj('v1', 'Secret', 'bare', 'dev');
      const p = planPrune({ namespace: 'dev', desired, live: [copied, otherManager, owned, noFields], allow: ['Namespace'] });
      expect(p.map((x: Manifest) => [x.name, x.blocked, x.why])).toEqual([
        ['Endpoints dev/api', 'foreign', "never applied by field manager kubecraft (managers: endpoint-controller): it carries the set's label but was made by something else"],
        ['ConfigMap dev/theirs', 'foreign', "never applied by field manager kubecraft (managers: helm): it carries the set's label but was made by something else"],
        ['ConfigMap dev/owned', 'foreign', 'controlled by Widget w: it was not applied by this app'],
        ['Secret dev/bare', 'foreign', "never applied by field manager kubecraft (managers: none): it carries the set's label but was made by something else"],
      ]);
      // the field manager that applied the set can be named
      expect(planPrune({ namespace: 'dev', desired, live: [otherManager], fieldManager: 'helm' })[0].blocked).toBeUndefined();
    });
  });

  describe('parentScope', () => {
    const unit = { ref: 'dev/shop', namespace: 'dev', name: 'shop', id: applySetId('shop', 'dev'), files: [], docs: [] };
    const parent = (labels: Record<string, string>, annotations: Record<string, string>) => obj('v1', 'ConfigMap', 'shop', 'dev', { metadata: { labels, annotations } });
    const ok = { 'applyset.kubernetes.io/id': unit.id };

    test('the kinds and namespaces kubectl recorded on the parent', () => {
      expect(parentScope(parent(ok, {
        'applyset.kubernetes.io/tooling': 'kubectl/v1.36.3',
        'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Deployment.apps,Namespace',
        'applyset.kubernetes.io/additional-namespaces': 'dev,ops',
      }), unit)).toEqual({ kinds: ['ConfigMap', 'Deployment.apps', 'Namespace'], namespaces: ['dev', 'ops'] });
      expect(parentScope(parent(ok, { 'applyset.kubernetes.io/tooling': 'kubectl/v1.30.0' }), unit)).toEqual({ kinds: [], namespaces: ['dev'] });
    });

    test('refuses a ConfigMap of that name that is not this set\'s parent, or a set of another tool', () => {
      expect(() => parentScope(parent({}, {}), unit)).toThrow(`ConfigMap dev/shop exists but is not the parent of ApplySet dev/shop: label applyset.kubernetes.io/id is null, expected ${unit.id}; rename the set or the ConfigMap`);
      expect(() => parentScope(parent(ok, { 'applyset.kubernetes.io/tooling': 'helm/v3' }), unit)).toThrow('ConfigMap dev/shop is an ApplySet parent managed by "helm/v3", not kubectl: refusing to apply or prune it');
    });
  });

  describe('parseArgs', () => {
    test('defaults, the two commands and every option', () => {
      expect(parseArgs([])).toMatchObject({ command: 'deploy', dir: 'dist', dryRun: false, allow: [], sets: [], fieldManager: 'kubecraft', forceConflicts: false, kubectlArgs: [] });
      expect(parseArgs(['diff', '--dir', 'out', '--set=dev/shop', '--context', 'kind', '--kubeconfig=/k'])).toMatchObject({
        command: 'diff', dir: 'out', sets: ['dev/shop'], kubectlArgs: ['--context=kind', '--kubeconfig=/k'],
      });
      expect(parseArgs(['deploy', '--dry-run', '--allow-prune=Namespace,PersistentVolumeClaim', '--allow-prune', 'StorageClass', '--force-conflicts', '--field-manager', 'ci'])).toMatchObject({
        dryRun: true, allow: ['Namespace', 'PersistentVolumeClaim', 'StorageClass'], forceConflicts: true, fieldManager: 'ci',
      });
    });

    test('refuses unknown arguments, unknown kinds, bad set names and deploy options on diff', () => {
      expect(() => parseArgs(['--prune'])).toThrow('unknown argument "--prune"');
      expect(() => parseArgs(['--dir'])).toThrow('--dir needs a value');
      expect(() => parseArgs(['--allow-prune=Deployment'])).toThrow('--allow-prune takes kinds among Namespace, PersistentVolumeClaim, PersistentVolume, StorageClass, CustomResourceDefinition, got "Deployment"');
      expect(() => parseArgs(['--set', 'shop'])).toThrow('--set takes <namespace>/<name>, got "shop"');
      expect(() => parseArgs(['diff', '--dry-run'])).toThrow('--dry-run and --allow-prune are options of deploy, not diff');
    });
  });
});

describe('scripts/deploy.mjs', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

  test('no kubectl: one clear line, exit 1 (deploy) or 2 (diff: > 1 is an error)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecraft-deploy-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
      const missing = join(dir, 'no-kubectl');
      const deploy = run(['--dir', dir], { KUBECTL: missing });
      expect([deploy.status, deploy.stderr]).toEqual([1, `deploy: no kubectl (${missing} from $KUBECTL): set $KUBECTL, put kubectl on PATH, or build the pinned one with bash e2e/build.sh\n`]);
      const diff = run(['diff', '--dir', dir], { KUBECTL: missing });
      expect([diff.status, diff.stderr]).toEqual([2, `diff: no kubectl (${missing} from $KUBECTL): set $KUBECTL, put kubectl on PATH, or build the pinned one with bash e2e/build.sh\n`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no manifests, or a usage error: one line, before any kubectl call', () => {
    const nothing = run(['--dir', join(tmpdir(), 'kubecraft-no-such-dir')], { KUBECTL: '/nonexistent' });
    expect([nothing.status, nothing.stderr]).toEqual([1, `deploy: no ${join(tmpdir(), 'kubecraft-no-such-dir')}/ (synthesize first: npm run synth)\n`]);
    const usage = run(['--allow-prune=Pod']);
    expect(usage.status).toBe(2);
    expect(usage.stderr.split('\n')[0]).toBe('deploy: --allow-prune takes kinds among Namespace, PersistentVolumeClaim, PersistentVolume, StorageClass, CustomResourceDefinition, got "Pod"');
  });
});
