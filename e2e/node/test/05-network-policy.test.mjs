// 5. NetworkPolicies are enforced (kube-router's firewall): every wired pair connects, every unwired pair is refused
// or times out, and DNS still works from every app pod under default-deny.
//    wired:   ingress namespace -> web:8080, web -> api:9898, api -> db-0:5432, every pod -> kube-dns:53
//    unwired: web -> db-0, another namespace -> api, api -> db-0 on a port the policies do not name (a listener
//             is started there first, so only the policy can refuse it), api -> db-1 (only db-0 is wired),
//             one namespace's web -> the other namespace's api, a client in an unrelated namespace -> web
import assert from 'node:assert/strict';
import test from 'node:test';
import { clientPod, exec, fqdn, getJson, ingressNamespacesFor, isReady, kinds, namespaces, nsOf, podHandle, sleep } from './helpers.mjs';

const ready = async (ns, name) => (await getJson(['get', 'pods', '-n', ns, '-l', `app.kubernetes.io/name=${name}`])).items.filter(isReady);
const handle = (p) => podHandle(p.metadata.namespace, p.metadata.name, p.spec.containers[0].name);
const nsList = namespaces().filter((ns) => kinds('NetworkPolicy').some((p) => nsOf(p) === ns));

for (const ns of nsList) {
  test(`${ns}: wired pairs connect, unwired pairs are blocked`, async (t) => {
    const [web] = await ready(ns, 'web');
    const [api] = await ready(ns, 'api');
    const db = kinds('StatefulSet').find((s) => nsOf(s) === ns);
    assert.ok(web && api && db, 'web, api and db pods are needed');
    const dbHost = (i) => `${db.metadata.name}-${i}.${db.spec.serviceName}.${ns}.svc.cluster.local`;
    const webLabels = web.metadata.labels;
    const allowedNs = ingressNamespacesFor(ns, webLabels)[0];
    const ingress = await clientPod(allowedNs, `e2e-np-${ns}`);
    const stranger = await clientPod('e2e-unrelated', `e2e-np-${ns}`);
    const results = [];
    const check = async (label, got, want) => {
      results.push(`${want ? 'allow' : 'deny '} ${label}: ${got === want ? 'ok' : 'WRONG'}`);
      assert.equal(got, want, `${label}: expected ${want ? 'connected' : 'blocked'}, got ${got ? 'connected' : 'blocked'}`);
    };
    // wired
    await check(`${allowedNs} -> web:8080`, await ingress.tcp(web.status.podIP, 8080), true);
    await check(`${allowedNs} -> ${fqdn('web', ns)}:80`, (await ingress.http(`http://${fqdn('web', ns)}/`)).ok, true);
    await check('web -> api:9898', await handle(web).tcp(api.status.podIP, 9898), true);
    await check('api -> db-0:5432', await handle(api).tcp(dbHost(0), 5432), true);
    // unwired
    await check('web -> db-0:5432', await handle(web).tcp(dbHost(0), 5432), false);
    await check(`${allowedNs} -> api:9898`, await ingress.tcp(api.status.podIP, 9898), false);
    await check('e2e-unrelated -> web:8080', await stranger.tcp(web.status.podIP, 8080), false);
    await check('e2e-unrelated -> api:9898', await stranger.tcp(api.status.podIP, 9898), false);
    if ((db.spec.replicas ?? 1) > 1) await check('api -> db-1:5432', await handle(api).tcp(dbHost(1), 5432), false);
    // api -> db-0 on an unwired port where something listens: perl (in the postgres image) serves port 15432
    const listener = exec(ns, `${db.metadata.name}-0`, ['perl', '-MIO::Socket::INET', '-e',
      'my $s = IO::Socket::INET->new(LocalPort => 15432, Listen => 5, ReuseAddr => 1) or die "listen: $!"; alarm 40; while (my $c = $s->accept) { close $c }'], { container: db.spec.template.spec.containers[0].name, timeoutMs: 60_000 });
    await sleep(1500);
    const db0 = (await getJson(['get', 'pod', '-n', ns, `${db.metadata.name}-0`]));
    const selfProbe = await exec(ns, `${db.metadata.name}-0`, ['perl', '-MIO::Socket::INET', '-e', 'IO::Socket::INET->new(PeerAddr => "127.0.0.1:15432", Timeout => 3) or exit 1'], { container: db.spec.template.spec.containers[0].name });
    assert.equal(selfProbe.code, 0, 'the probe listener on db-0:15432 is not up');
    await check('api -> db-0:15432 (listening, not wired)', await handle(api).tcp(db0.status.podIP, 15432), false);
    // across namespaces: the other namespace's web -> this namespace's api
    for (const other of nsList.filter((n) => n !== ns)) {
      const [otherWeb] = await ready(other, 'web');
      if (otherWeb) await check(`${other}/web -> ${ns}/api:9898`, await handle(otherWeb).tcp(api.status.podIP, 9898), false);
    }
    await listener; // alarm ends it
    t.diagnostic(results.join('; '));
  });

  test(`${ns}: DNS resolves from every app pod under default-deny`, async () => {
    for (const w of [...kinds('Deployment'), ...kinds('StatefulSet')].filter((o) => nsOf(o) === ns)) {
      const pods = (await getJson(['get', 'pods', '-n', ns, '-l', Object.entries(w.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')])).items.filter(isReady);
      const p = pods[0];
      assert.ok(p, `${w.metadata.name}: no Ready pod`);
      // getent (glibc images) or nslookup (busybox images): whichever the image has
      const name = fqdn('kubernetes', 'default');
      const r = await exec(ns, p.metadata.name, ['sh', '-c', `getent hosts ${name} 2>/dev/null || nslookup ${name} 2>/dev/null`], { container: p.spec.containers[0].name });
      assert.equal(r.code, 0, `${p.metadata.name}: ${name} does not resolve: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /10\.96\.0\.1\b/, `${p.metadata.name}: ${name} resolved to ${r.stdout}`);
    }
  });
}
