// One-pass server-side apply of the manifests on the empty cluster, Pod Security labels, rollouts, no FailedCreate.
import assert from 'node:assert/strict';
import test from 'node:test';
import { MANIFESTS, applyDir, getJson, kinds, kubectl, namespaces, rolloutStatus } from './helpers.mjs';

const PSA = 'pod-security.kubernetes.io';

test('every Namespace in the manifests enforces and warns Pod Security "restricted"', () => {
  const nss = kinds('Namespace');
  assert.ok(nss.length > 0, `no Namespace object in ${MANIFESTS}`);
  for (const ns of nss) {
    const labels = ns.metadata.labels || {};
    assert.equal(labels[`${PSA}/enforce`], 'restricted', `Namespace ${ns.metadata.name}: ${PSA}/enforce`);
    assert.equal(labels[`${PSA}/warn`], 'restricted', `Namespace ${ns.metadata.name}: ${PSA}/warn`);
  }
  const declared = new Set(nss.map((n) => n.metadata.name));
  for (const ns of namespaces()) assert.ok(declared.has(ns), `objects target namespace ${ns}, which the manifests do not create`);
});

test('kubectl apply --server-side --warnings-as-errors succeeds in one pass on the empty cluster', async () => {
  if (process.env.E2E_USE_EXISTING_CLUSTER !== '1') {
    const live = (await getJson(['get', 'namespaces'])).items.map((n) => n.metadata.name);
    for (const ns of kinds('Namespace')) assert.ok(!live.includes(ns.metadata.name), `namespace ${ns.metadata.name} exists before apply`);
  }
  await applyDir(MANIFESTS);
  for (const ns of kinds('Namespace')) {
    const labels = (await getJson(['get', 'namespace', ns.metadata.name])).metadata.labels;
    assert.equal(labels[`${PSA}/enforce`], 'restricted');
  }
});

test('the API server enforces "restricted" in every namespace (a pod without securityContext is rejected)', async () => {
  for (const ns of kinds('Namespace')) {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'e2e-psa-probe', namespace: ns.metadata.name },
      spec: { containers: [{ name: 'c', image: 'registry.invalid/probe:1' }] },
    };
    await assert.rejects(
      kubectl(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) }),
      /violates PodSecurity "restricted/,
    );
  }
});

test('every Deployment and StatefulSet rolls out', async () => {
  const workloads = [...kinds('Deployment'), ...kinds('StatefulSet')];
  assert.ok(workloads.length > 0, 'no Deployment or StatefulSet in the manifests');
  for (const w of workloads) await rolloutStatus(w);
});

test('no FailedCreate events in the manifests\' namespaces', async () => {
  const events = (await getJson(['get', 'events', '-A', '--field-selector', 'reason=FailedCreate'])).items;
  const ours = events.filter((e) => namespaces().includes(e.metadata.namespace));
  assert.deepEqual(
    ours.map((e) => `${e.involvedObject.kind}/${e.metadata.namespace}/${e.involvedObject.name}: ${e.message}`),
    [],
  );
});
