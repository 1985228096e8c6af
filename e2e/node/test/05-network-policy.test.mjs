// 5. NetworkPolicies are enforced (kube-router's firewall): every wired pair connects, every unwired pair is refused
// or times out, and DNS still works from every app pod under default-deny.
//    wired:   ingress namespace -> web:8080, web -> api:9898, api -> db-0:5432, every pod -> kube-dns:53
//    unwired: web -> db-0, another namespace -> api, api -> db-0 on a port the policies do not name (a listener
//             is started there first, so only the policy can refuse it), api -> db-1 (only db-0 is wired),
//             one namespace's web -> the other namespace's api, a client in an unrelated namespace -> web
import assert from 'node:assert/strict';
import test from 'node:test';
import { clientPod, eventually, exec, fqdn, getJson, ingressNamespacesFor, isReady, kinds, namespaces, nsOf, podHandle } from './helpers.mjs';

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
    const ingress = await clientPod(allowedNs);
    const stranger = await clientPod('e2e-unrelated');
    // every check runs at once (a blocked connect waits for its timeout); each is [label, promise of connected, wanted]
    const checks = [];
    const check = (label, connected, want) => checks.push([label, connected, want]);
    // api -> db-0 on an unwired port where something listens: perl (in the postgres image) serves port 15432
    const dbc = db.spec.template.spec.containers[0].name;
    const listener = exec(ns, `${db.metadata.name}-0`, ['perl', '-MIO::Socket::INET', '-e',
      'my $s = IO::Socket::INET->new(LocalPort => 15432, Listen => 5, ReuseAddr => 1) or die "listen: $!"; alarm 15; while (my $c = $s->accept) { close $c }'], { container: dbc, timeoutMs: 60_000 });
    const db0 = await getJson(['get', 'pod', '-n', ns, `${db.metadata.name}-0`]);
    await eventually('the probe listener on db-0:15432', async () => (await exec(ns, `${db.metadata.name}-0`, ['perl', '-MIO::Socket::INET', '-e', 'IO::Socket::INET->new(PeerAddr => "127.0.0.1:15432", Timeout => 3) or exit 1'], { container: dbc })).code === 0, { timeoutMs: 15_000, intervalMs: 300 });
    // wired
    check(`${allowedNs} -> web:8080`, ingress.tcp(web.status.podIP, 8080), true);
    check(`${allowedNs} -> ${fqdn('web', ns)}:80`, ingress.http(`http://${fqdn('web', ns)}/`).then((r) => r.ok), true);
    check('web -> api:9898', handle(web).tcp(api.status.podIP, 9898), true);
    check('api -> db-0:5432', handle(api).tcp(dbHost(0), 5432), true);
    // unwired
    check('web -> db-0:5432', handle(web).tcp(dbHost(0), 5432), false);
    check(`${allowedNs} -> api:9898`, ingress.tcp(api.status.podIP, 9898), false);
    check('e2e-unrelated -> web:8080', stranger.tcp(web.status.podIP, 8080), false);
    check('e2e-unrelated -> api:9898', stranger.tcp(api.status.podIP, 9898), false);
    if ((db.spec.replicas ?? 1) > 1) check('api -> db-1:5432', handle(api).tcp(dbHost(1), 5432), false);
    check('api -> db-0:15432 (listening, not wired)', handle(api).tcp(db0.status.podIP, 15432), false);
    for (const other of nsList.filter((n) => n !== ns)) {
      const [otherWeb] = await ready(other, 'web');
      if (otherWeb) check(`${other}/web -> ${ns}/api:9898`, handle(otherWeb).tcp(api.status.podIP, 9898), false);
    }
    const got = await Promise.all(checks.map(([, p]) => p));
    const results = checks.map(([label, , want], i) => `${want ? 'allow' : 'deny '} ${label}: ${got[i] === want ? 'ok' : 'WRONG'}`);
    const wrong = checks.filter(([, , want], i) => got[i] !== want).map(([label, , want]) => `${label} (expected ${want ? 'connected' : 'blocked'})`);
    assert.deepEqual(wrong, [], `wrong: ${wrong.join('; ')}`);
    await listener; // its alarm ends it
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
