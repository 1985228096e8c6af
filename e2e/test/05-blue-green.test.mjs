// Blue/green: the stable Service (label kubecraft.dev/role=stable, selector version=<active>) lists only the active
// version's pods; re-synthesized with the other version active and applied, it lists only the other version's pods,
// and it never lists none while switching (every EndpointSlice change is watched). Applying the original manifests again switches back (rollback).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import test from 'node:test';
import { MANIFESTS, applyDir, eventually, getJson, isReady, kinds, labelQuery, nsOf, observe, readyEndpoints, synthWithActive } from './helpers.mjs';
import { objects } from '../lib/manifests.mjs';

const ROLE = 'kubecraft.dev/role';
const stables = kinds('Service').filter((s) => s.metadata.labels?.[ROLE] === 'stable');
const key = (s) => `${nsOf(s)}/${s.metadata.name}`;
const skip = stables.length ? false : `no Service labelled ${ROLE}=stable in the manifests`;

/** the version slots of a stable Service: version labels of the Deployments its selector (minus version) matches */
function slotsOf(svc) {
  const { version: active, ...rest } = svc.spec.selector;
  const slots = kinds('Deployment')
    .filter((d) => nsOf(d) === nsOf(svc))
    .map((d) => d.spec.template.metadata.labels)
    .filter((l) => l.version && Object.entries(rest).every(([k, v]) => l[k] === v))
    .map((l) => l.version);
  return { active, slots: [...new Set(slots)] };
}

/** ready endpoints of the Service, with the version label of each endpoint's pod */
async function sample(svc) {
  const ns = nsOf(svc);
  const [eps, pods] = await Promise.all([
    readyEndpoints(ns, svc.metadata.name),
    getJson(['get', 'pods', '-n', ns, '-l', 'version']),
  ]);
  const version = Object.fromEntries(pods.items.map((p) => [p.metadata.name, p.metadata.labels.version]));
  return eps.map((e) => ({ ...e, version: version[e.pod] }));
}

const readyCount = (slices) =>
  slices.flatMap((s) => s.endpoints || []).filter((e) => e.conditions?.ready !== false).length;

/**
 * applies dir while watching every stable Service's EndpointSlices (each change is seen, not sampled);
 * resolves when each lists only `target[svc]` pods, and asserts none ever had zero ready endpoints
 */
async function switchTo(t, dir, target) {
  const min = {};
  const stops = [];
  for (const s of stables) {
    const name = s.metadata.name;
    min[key(s)] = Infinity;
    const path = `/apis/discovery.k8s.io/v1/namespaces/${nsOf(s)}/endpointslices?${labelQuery({ 'kubernetes.io/service-name': name })}`;
    stops.push(await observe(path, (slices) => (min[key(s)] = Math.min(min[key(s)], readyCount(slices)))));
  }
  let states = 0;
  try {
    await applyDir(dir);
    for (const s of stables) {
      const want = target[key(s)];
      const readyPods = async () => (await getJson(['get', 'pods', '-n', nsOf(s), '-l', `version=${want}`])).items.filter(isReady).length;
      await eventually(`Service ${s.metadata.name} lists only version=${want} pods`, async () => {
        const eps = await sample(s);
        return eps.length > 0 && eps.every((e) => e.version === want) && eps.length >= (await readyPods()) ? eps : false;
      });
    }
  } finally {
    for (const stop of stops) states += await stop();
  }
  t.diagnostic(`switch to ${JSON.stringify(target)}: ${states} EndpointSlice states watched, fewest ready endpoints ${JSON.stringify(min)}`);
  for (const s of stables) assert.ok(min[key(s)] > 0, `Service ${key(s)} had zero ready endpoints while switching`);
}

test('the stable Service lists only the active version\'s pods', { skip }, async () => {
  for (const s of stables) {
    const { active, slots } = slotsOf(s);
    assert.ok(active, `stable Service ${s.metadata.name} has no version in its selector`);
    assert.equal(slots.length, 2, `Service ${s.metadata.name}: expected two version slots, got ${slots}`);
    assert.ok(slots.includes(active));
    const eps = await sample(s);
    assert.ok(eps.length > 0, `Service ${s.metadata.name} has no ready endpoint`);
    assert.deepEqual([...new Set(eps.map((e) => e.version))], [active]);
  }
});

test('re-synthesized with the other version active, apply switches the stable Service without a gap, and back', { skip }, async (t) => {
  const original = Object.fromEntries(stables.map((s) => [key(s), slotsOf(s).active]));
  const other = Object.fromEntries(stables.map((s) => [key(s), slotsOf(s).slots.find((v) => v !== slotsOf(s).active)]));
  const otherSlots = [...new Set(Object.values(other))];
  assert.equal(otherSlots.length, 1, `stable Services disagree on the other slot: ${JSON.stringify(other)}`);
  // the manifests under test must be what synth produces now, or the switch would also apply unrelated changes
  if (new Set(Object.values(original)).size === 1) {
    const againDir = await synthWithActive(Object.values(original)[0]);
    t.after(() => rmSync(againDir, { recursive: true, force: true }));
    const again = objects(againDir);
    assert.deepEqual(again, objects(MANIFESTS), `${MANIFESTS} differs from a fresh synth: re-synthesize it first`);
  }
  const dir = await synthWithActive(otherSlots[0]);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const resynth = objects(dir);
  for (const s of stables) {
    const r = resynth.find((o) => o.kind === 'Service' && o.metadata.name === s.metadata.name && nsOf(o) === nsOf(s));
    assert.equal(r?.spec.selector.version, other[key(s)], `re-synth: Service ${key(s)} selects the other version`);
  }
  await switchTo(t, dir, other);
  await switchTo(t, MANIFESTS, original); // rollback
});
