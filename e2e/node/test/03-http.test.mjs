// 3. HTTP from inside the cluster through each Service's FQDN, on the paths the NetworkPolicies wire:
//    a client in the namespace that the web pods admit (ingress-nginx) -> web (the stable Service answers with the
//    active version; each preview Service with its own), a web pod -> api, an api pod -> db-0 (TCP, per-pod DNS).
import assert from 'node:assert/strict';
import test from 'node:test';
import { blueGreen, clientPod, fqdn, getJson, ingressNamespacesFor, isReady, kinds, nginxVersion, nsOf, podHandle, podsOf } from './helpers.mjs';

const imageOfSlot = (bg, slot) => bg.slots.find((d) => d.spec.template.metadata.labels.version === slot)?.spec.template.spec.containers[0].image;

for (const bg of blueGreen()) {
  const webLabels = bg.slots[0]?.spec.template.metadata.labels || {};
  const clientNs = ingressNamespacesFor(bg.ns, webLabels)[0];
  test(`${bg.ns}: web answers through ${fqdn(bg.svc.metadata.name, bg.ns)} with the active version, each preview with its own`, { skip: clientNs ? false : 'no namespace admitted to web' }, async (t) => {
    const client = await clientPod(clientNs);
    const r = await client.http(`http://${fqdn(bg.svc.metadata.name, bg.ns)}/`);
    assert.ok(r.ok, `GET via the stable Service failed: ${r.error}`);
    assert.match(r.body, /nginx/i);
    assert.equal(r.headers.server, `nginx/${nginxVersion(imageOfSlot(bg, bg.active))}`, 'the stable Service answers with the active slot');
    for (const preview of kinds('Service').filter((s) => nsOf(s) === bg.ns && s.metadata.labels?.['kubecraft.dev/role'] === 'preview')) {
      const pr = await client.http(`http://${fqdn(preview.metadata.name, bg.ns)}/`);
      assert.ok(pr.ok, `GET via ${preview.metadata.name} failed: ${pr.error}`);
      assert.equal(pr.headers.server, `nginx/${nginxVersion(imageOfSlot(bg, preview.spec.selector.version))}`, `${preview.metadata.name} answers with its slot`);
    }
    t.diagnostic(`${bg.ns}: stable -> ${r.headers.server}`);
  });
}

for (const api of kinds('Deployment').filter((d) => d.metadata.labels?.['app.kubernetes.io/component'] === 'backend')) {
  const ns = nsOf(api);
  const svc = kinds('Service').find((s) => nsOf(s) === ns && Object.entries(s.spec.selector || {}).every(([k, v]) => api.spec.template.metadata.labels[k] === v));
  test(`${ns}: a web pod reaches ${api.metadata.name} through ${svc && fqdn(svc.metadata.name, ns)}`, { skip: svc ? false : 'no Service' }, async () => {
    const web = (await getJson(['get', 'pods', '-n', ns, '-l', 'app.kubernetes.io/name=web'])).items.find(isReady);
    assert.ok(web, 'no Ready web pod');
    const h = podHandle(ns, web.metadata.name, web.spec.containers[0].name);
    const cfg = kinds('ConfigMap').find((c) => nsOf(c) === ns && c.data?.PODINFO_UI_MESSAGE);
    const r = await h.http(`http://${fqdn(svc.metadata.name, ns)}/api/info`);
    assert.ok(r.ok, `GET api failed: ${r.error}`);
    const info = JSON.parse(r.body);
    if (cfg) assert.equal(info.message, cfg.data.PODINFO_UI_MESSAGE, 'the api serves the message of its ConfigMap');
  });
}

for (const db of kinds('StatefulSet')) {
  const ns = nsOf(db);
  test(`${ns}: an api pod reaches ${db.metadata.name}-0 through its per-pod DNS name`, async () => {
    const api = (await getJson(['get', 'pods', '-n', ns, '-l', 'app.kubernetes.io/name=api'])).items.find(isReady);
    assert.ok(api, 'no Ready api pod');
    const h = podHandle(ns, api.metadata.name, api.spec.containers[0].name);
    const port = db.spec.template.spec.containers[0].ports[0].containerPort;
    assert.ok(await h.tcp(`${db.metadata.name}-0.${db.spec.serviceName}.${ns}.svc.cluster.local`, port), `api -> ${db.metadata.name}-0:${port} refused`);
    assert.ok((await podsOf(db)).length >= 1);
  });
}
