// CoreDNS (on 127.0.0.1 only) answers every Service FQDN with its ClusterIP and every StatefulSet pod name through
// its headless governing Service. Only the DNS server on loopback is contacted: the 10.x answers are compared, never dialled.
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import test from 'node:test';
import { eventually, getJson, kinds, nsOf } from './helpers.mjs';

const server = process.env.E2E_DNS_SERVER;
const skip = server ? false : 'E2E_DNS_SERVER (cluster DNS reachable on 127.0.0.1:<port>) is not set';
const resolver = new Resolver({ timeout: 2000, tries: 2 });
if (server) {
  assert.match(server, /^127\.\d+\.\d+\.\d+:\d+$/, 'E2E_DNS_SERVER must be a loopback address');
  resolver.setServers([server]);
}

const resolves = async (name, expected) => {
  const got = await eventually(`${name} -> ${expected}`, async () => {
    const a = await resolver.resolve4(name);
    return a.length === 1 && a[0] === expected ? a : false;
  }, { timeoutMs: 30_000 });
  assert.deepEqual(got, [expected], name);
};

test('each Service FQDN resolves to its ClusterIP', { skip }, async () => {
  const services = kinds('Service').filter((s) => s.spec?.type !== 'ExternalName');
  assert.ok(services.length > 0, 'no Service in the manifests');
  for (const s of services) {
    const live = await getJson(['get', 'service', s.metadata.name, '-n', nsOf(s)]);
    if (live.spec.clusterIP === 'None') continue;
    await resolves(`${s.metadata.name}.${nsOf(s)}.svc.cluster.local`, live.spec.clusterIP);
  }
});

test('each StatefulSet pod name resolves through its headless Service', { skip }, async () => {
  for (const sts of kinds('StatefulSet')) {
    const ns = nsOf(sts);
    const governing = kinds('Service').find((s) => nsOf(s) === ns && s.metadata.name === sts.spec.serviceName);
    assert.ok(governing, `StatefulSet ${sts.metadata.name}: governing Service ${sts.spec.serviceName} is not in the manifests`);
    assert.equal(governing.spec.clusterIP, 'None', `Service ${governing.metadata.name} must be headless`);
    const n = (await getJson(['get', 'statefulset', sts.metadata.name, '-n', ns])).spec.replicas;
    for (let i = 0; i < n; i++) {
      const pod = await getJson(['get', 'pod', `${sts.metadata.name}-${i}`, '-n', ns]);
      await resolves(`${sts.metadata.name}-${i}.${sts.spec.serviceName}.${ns}.svc.cluster.local`, pod.status.podIP);
    }
  }
});
