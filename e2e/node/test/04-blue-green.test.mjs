// 4. Blue/green under load: continuous requests through the stable Service from the namespace the web pods admit;
// applying the manifests synthesized with the other version active switches every answer to the other version
// with zero failed requests, and applying the original manifests switches back the same way.
import assert from 'node:assert/strict';
import test from 'node:test';
import { applyDir, blueGreen, clientPod, fqdn, ingressNamespacesFor, MANIFESTS, nginxVersion, requestLoop, synthWithActive, eventually } from './helpers.mjs';

const imageOfSlot = (bg, slot) => bg.slots.find((d) => d.spec.template.metadata.labels.version === slot)?.spec.template.spec.containers[0].image;

const bgs = blueGreen().filter((bg) => bg.slots.length === 2);
test('blue/green switch and rollback under continuous requests, zero failures', { skip: bgs.length ? false : 'no blue/green Service' }, async (t) => {
  const bg = bgs.sort((a, b) => (b.slots[0].spec.replicas ?? 1) - (a.slots[0].spec.replicas ?? 1))[0];
  const other = bg.slots.map((d) => d.spec.template.metadata.labels.version).find((v) => v !== bg.active);
  const [from, to] = [`nginx/${nginxVersion(imageOfSlot(bg, bg.active))}`, `nginx/${nginxVersion(imageOfSlot(bg, other))}`];
  assert.notEqual(from, to, 'the two slots run the same version: the switch would be invisible');
  const clientNs = ingressNamespacesFor(bg.ns, bg.slots[0].spec.template.metadata.labels)[0];
  assert.ok(clientNs, 'no namespace is admitted to the web pods');
  const client = await clientPod(clientNs);
  const url = `http://${fqdn(bg.svc.metadata.name, bg.ns)}/`;
  const switched = await synthWithActive(other);

  for (const [dir, want, label] of [[switched, to, `${bg.active} -> ${other}`], [MANIFESTS, from, `${other} -> ${bg.active} (rollback)`]]) {
    const loop = requestLoop(client, url, { intervalMs: 50 });
    await loop.waitFor(10);
    await applyDir(dir);
    // every answer is the new version for a while: the switch is complete
    await eventually(`every answer is ${want}`, () => loop.sequence.length >= 20 && loop.sequence.slice(-20).every((l) => l === `ok ${want}`), { timeoutMs: 60_000 });
    const r = await loop.stop();
    const firstNew = r.sequence.indexOf(`ok ${want}`);
    const afterSwitch = r.sequence.slice(firstNew);
    t.diagnostic(`${label}: ${r.total} requests, ${r.failed} failed, ${[...r.byClass].map(([k, v]) => `${v}x ${k}`).join(', ')}`);
    assert.equal(r.failed, 0, `${label}: ${r.failed} failed requests`);
    assert.ok(r.sequence.every((l) => l === `ok ${want}` || l === `ok ${want === to ? from : to}`), `${label}: an unexpected answer`);
    // once traffic reached the new version it never went back (each kube-proxy sync is atomic)
    assert.ok(afterSwitch.every((l) => l === `ok ${want}`), `${label}: answers flapped back after the switch`);
  }
});
