import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Namespace } from '../../lib/security/namespace';
import {
  NetworkPeer,
  NetworkPolicy,
  NetworkPolicyProps,
  NetworkPolicyRule,
  NetworkPort,
  NetworkProtocol,
  PolicyType,
  allowDnsEgress,
  allowExternalIngress,
  allowIngressController,
  denyAll,
} from '../../lib/network/network-policy';
import { connect } from '../../lib/network/wiring';
import { Manifest, allOf, find, synthAll, testChart } from '../util';
import { StandInWorkload, allowingPolicies, assertRestricted } from '../util-security';

const sel = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name });

describe('NetworkPolicy', () => {
  test('custom allow rules: pods, namespaces, pods in namespaces, ip blocks and ports', () => {
    const chart = testChart('demo');
    const np = new NetworkPolicy(chart, 'api-custom', {
      podSelector: { app: 'api' },
      ingress: [
        { peers: [NetworkPeer.pods({ app: 'web' })], ports: [NetworkPort.tcp(8080), NetworkPort.named('metrics')] },
        { peers: [NetworkPeer.podsInNamespaces({ app: 'prometheus' }, { team: 'monitoring' })], ports: [NetworkPort.tcpRange(9000, 9100)] },
      ],
      egress: [
        { peers: [NetworkPeer.namespaces({ team: 'data' })], ports: [NetworkPort.of(5432, NetworkProtocol.TCP)] },
        { peers: [NetworkPeer.ipBlock('10.0.0.0/8', ['10.1.0.0/16']), NetworkPeer.ipBlock('fd00::/8')], ports: [NetworkPort.udp(123)] },
      ],
    });
    np.addEgress({ peers: [NetworkPeer.allPodsInNamespace()] });
    const p = find(Testing.synth(chart), 'NetworkPolicy', 'api-custom');
    expect(p.metadata.namespace).toBe('demo');
    expect(p.spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080, protocol: 'TCP' }, { port: 'metrics', protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ port: 9000, endPort: 9100, protocol: 'TCP' }] },
      ],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { team: 'data' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { ipBlock: { cidr: 'fd00::/8' } }], ports: [{ port: 123, protocol: 'UDP' }] },
        { to: [{ podSelector: {} }] },
      ],
    });
  });

  test('policyTypes default to the directions with rules', () => {
    const chart = testChart('demo');
    new NetworkPolicy(chart, 'only-ingress', { podSelector: { app: 'a' }, ingress: [{ peers: [NetworkPeer.pods({ app: 'b' })] }] });
    expect(find(Testing.synth(chart), 'NetworkPolicy', 'only-ingress').spec.policyTypes).toEqual(['Ingress']);
  });

  test('an explicit direction without rules denies it', () => {
    const chart = testChart('demo');
    new NetworkPolicy(chart, 'no-egress', { podSelector: { app: 'a' }, policyTypes: [PolicyType.EGRESS], ingress: [{ peers: [NetworkPeer.pods({ app: 'b' })] }] });
    const p = find(Testing.synth(chart), 'NetworkPolicy', 'no-egress');
    expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(p.spec.egress).toBeUndefined();
  });

  test('NetworkPeer.allNamespaces is the explicit way to select every namespace', () => {
    const chart = testChart('demo');
    new NetworkPolicy(chart, 'from-anywhere', { podSelector: {}, ingress: [{ peers: [NetworkPeer.allNamespaces()] }] });
    expect(find(Testing.synth(chart), 'NetworkPolicy', 'from-anywhere').spec.ingress).toEqual([{ from: [{ namespaceSelector: {} }] }]);
  });

  test('NetworkPeer.anywhere emits the rule without peers', () => {
    const chart = testChart('demo');
    new NetworkPolicy(chart, 'open-egress', { podSelector: {}, egress: [{ peers: [NetworkPeer.anywhere()], ports: [NetworkPort.tcp(443)] }] });
    expect(find(Testing.synth(chart), 'NetworkPolicy', 'open-egress').spec.egress).toEqual([{ ports: [{ port: 443, protocol: 'TCP' }] }]);
  });

  test('denyAll and allowDnsEgress stand alone', () => {
    const chart = testChart('demo');
    denyAll(chart, 'deny', { name: 'deny-ingress', policyTypes: [PolicyType.INGRESS] });
    allowDnsEgress(chart, 'dns');
    const out = Testing.synth(chart);
    expect(find(out, 'NetworkPolicy', 'deny-ingress').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(find(out, 'NetworkPolicy', 'allow-dns').spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
  });

  test('a policy with neither rules nor policyTypes fails at synth', () => {
    const chart = testChart('demo');
    new NetworkPolicy(chart, 'empty', { podSelector: { app: 'a' } });
    expect(() => Testing.synth(chart)).toThrow("test/empty: 'policyTypes' must be given when the policy has no rules (it would isolate nothing), got none");
  });

  test.each([
    ['a namespace peer with no labels', { ingress: [{ peers: [NetworkPeer.namespaces({})] }] }, "test/np: 'ingress[0].peers[0].namespaceSelector' must have at least one label (an empty selector matches every namespace; use NetworkPeer.allNamespaces() to mean that), got {}"],
    ['pods in a namespace with no labels', { egress: [{ peers: [NetworkPeer.podsInNamespaces({ app: 'x' }, {})] }] }, /'egress\[0\]\.peers\[0\]\.namespaceSelector' must have at least one label/],
    ['a rule with no peers', { ingress: [{ peers: [] }] }, /'ingress\[0\]\.peers' must contain at least one peer/],
    ['anywhere with other peers', { egress: [{ peers: [NetworkPeer.anywhere(), NetworkPeer.pods({ a: 'b' })] }] }, "test/np: 'egress[0].peers' must contain only NetworkPeer.anywhere() when it contains it, got 2 peers"],
    ['an invalid CIDR', { egress: [{ peers: [NetworkPeer.ipBlock('10.0.0.0')] }] }, /'egress\[0\]\.peers\[0\]\.ipBlock.cidr' must be an IPv4 or IPv6 CIDR such as "10.0.0.0\/8", got "10.0.0.0"/],
    ['an invalid except', { egress: [{ peers: [NetworkPeer.ipBlock('10.0.0.0/8', ['300.1.0.0/16'])] }] }, /'egress\[0\]\.peers\[0\]\.ipBlock.except\[0\]' must be an IPv4 or IPv6 CIDR/],
    ['port 0', { ingress: [{ peers: [NetworkPeer.pods({ a: 'b' })], ports: [NetworkPort.tcp(0)] }] }, /'ingress\[0\]\.ports\[0\]\.port' must be a port number between 1 and 65535, got 0/],
    ['a reversed range', { ingress: [{ peers: [NetworkPeer.pods({ a: 'b' })], ports: [NetworkPort.tcpRange(9100, 9000)] }] }, /'ingress\[0\]\.ports\[0\]\.endPort' must be >= port \(9100\), got 9000/],
    ['an invalid port name', { ingress: [{ peers: [NetworkPeer.pods({ a: 'b' })], ports: [NetworkPort.named('HTTP_port')] }] }, /'ingress\[0\]\.ports\[0\]\.port' must be a port name/],
    ['an invalid label value', { ingress: [{ peers: [NetworkPeer.pods({ app: 'not ok' })] }] }, /'ingress\[0\]\.peers\[0\]\.podSelector\["app"\]' must be a valid label value/],
    ['an invalid pod selector key', { podSelector: { 'bad key': 'x' } }, /'podSelector' must be a valid label key .*, got "bad key"/],
    ['a label key with two slashes', { podSelector: { 'a.io/b/c': 'x' } }, /'podSelector' must be a valid label key .*, got "a.io\/b\/c"/],
  ])('%s throws', (_what, props, message) => {
    expect(() => new NetworkPolicy(testChart('demo'), 'np', { podSelector: { app: 'api' }, ...props })).toThrow(message);
  });

  test('a rule whose ports are a function renders them at synth (an empty list allows every port)', () => {
    const chart = testChart('demo');
    const ports: NetworkPort[] = [];
    new NetworkPolicy(chart, 'np', { podSelector: { app: 'api' }, ingress: [{ peers: [NetworkPeer.pods({ app: 'web' })], ports: () => ports }] });
    new NetworkPolicy(chart, 'np-all', { podSelector: { app: 'api' }, ingress: [{ peers: [NetworkPeer.pods({ app: 'web' })], ports: () => [] }] });
    ports.push(NetworkPort.named('http'));
    const out = Testing.synth(chart);
    expect(find(out, 'NetworkPolicy', 'np').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http', protocol: 'TCP' }] }]);
    expect(find(out, 'NetworkPolicy', 'np-all').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }]);
  });

  test('an invalid name throws', () => {
    expect(() => new NetworkPolicy(testChart(), 'np', { name: 'Bad_Name', podSelector: {}, policyTypes: [PolicyType.INGRESS] })).toThrow(/'name' must be a DNS-1123 subdomain/);
  });

  test('defaults snapshot', () => {
    const chart = testChart('demo');
    new NetworkPolicy(chart, 'web-from-lb', { podSelector: sel('web'), ingress: [{ peers: [NetworkPeer.anyIpv4()], ports: [NetworkPort.tcp(8080)] }] });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });
});

describe('external ingress', () => {
  test('a NodePort/LoadBalancer workload is reachable from anywhere on its pod port only', () => {
    const chart = testChart('demo');
    const web = new StandInWorkload(chart, 'web', { port: 8080, serviceType: kplus.ServiceType.LOAD_BALANCER });
    allowExternalIngress(web, { ports: [NetworkPort.tcp(8080)] });
    const p = find(Testing.synth(chart), 'NetworkPolicy', 'web-from-external');
    expect(p.metadata.namespace).toBe('demo');
    expect(p.metadata.labels).toMatchObject(sel('web'));
    expect(p.spec).toEqual({
      podSelector: { matchLabels: sel('web') },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  test('external sources can be restricted to address ranges', () => {
    const chart = testChart('demo');
    const web = new StandInWorkload(chart, 'web', { port: 8080, serviceType: kplus.ServiceType.NODE_PORT });
    allowExternalIngress(web, { ports: [NetworkPort.tcp(8080)], from: [NetworkPeer.anyIpv4(), NetworkPeer.anyIpv6()] });
    expect(find(Testing.synth(chart), 'NetworkPolicy', 'web-from-external').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('an Ingress-exposed workload admits the ingress controller namespace (configurable)', () => {
    const chart = testChart('demo');
    const web = new StandInWorkload(chart, 'web', { port: 8080 });
    allowIngressController(web, { ports: [NetworkPort.tcp(8080)] });
    const api = new StandInWorkload(chart, 'api', { port: 9000 });
    allowIngressController(api, { ports: [NetworkPort.tcp(9000)], from: [NetworkPeer.podsInNamespaces({ 'app.kubernetes.io/name': 'traefik' }, { 'kubernetes.io/metadata.name': 'traefik' })] });
    const out = Testing.synth(chart);
    expect(find(out, 'NetworkPolicy', 'web-from-ingress').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
    expect(find(out, 'NetworkPolicy', 'api-from-ingress').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } },
    ]);
  });

  test('lazily listed ports are read at synth, so ports added after the call are opened too', () => {
    const chart = testChart('demo');
    const web = new StandInWorkload(chart, 'web', { port: 8080, serviceType: kplus.ServiceType.LOAD_BALANCER });
    const ports = [NetworkPort.tcp(8080)];
    allowExternalIngress(web, { ports: () => ports });
    ports.push(NetworkPort.udp(9090));
    expect(find(Testing.synth(chart), 'NetworkPolicy', 'web-from-external').spec.ingress).toEqual([
      { ports: [{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'UDP' }] },
    ]);
  });

  test('lazily listed ports are validated at synth; an empty list throws instead of opening every port', () => {
    const bad = testChart('demo');
    allowIngressController(new StandInWorkload(bad, 'web', { port: 8080 }), { ports: () => [NetworkPort.tcp(0)] });
    expect(() => Testing.synth(bad)).toThrow(/'ingress\[0\]\.ports\[0\]\.port' must be a port number between 1 and 65535, got 0/);
    const empty = testChart('demo');
    allowExternalIngress(new StandInWorkload(empty, 'web', { port: 8080 }), { ports: () => [] });
    expect(() => Testing.synth(empty)).toThrow("test/web: 'ports' must list the exposed pod ports, got []");
  });

  test('the policy labels default to the pods\' name and instance and can be given', () => {
    const chart = testChart('demo');
    const web = new StandInWorkload(chart, 'web', { port: 8080 });
    const api = new StandInWorkload(chart, 'api', { port: 9000 });
    allowIngressController(web, { ports: [NetworkPort.tcp(8080)] });
    allowIngressController(api, { ports: [NetworkPort.tcp(9000)], labels: { ...sel('api'), 'app.kubernetes.io/part-of': 'shop' } });
    const out = Testing.synth(chart);
    expect(find(out, 'NetworkPolicy', 'web-from-ingress').metadata.labels).toEqual({ ...sel('web'), 'app.kubernetes.io/managed-by': 'kubecraft' });
    expect(find(out, 'NetworkPolicy', 'api-from-ingress').metadata.labels).toEqual({
      ...sel('api'), 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'kubecraft',
    });
  });

  test('no ports or a second call throw', () => {
    const chart = testChart('demo');
    const web = new StandInWorkload(chart, 'web', { port: 8080 });
    expect(() => allowExternalIngress(web, { ports: [] })).toThrow("test/web: 'ports' must list the exposed pod ports, got []");
    allowExternalIngress(web, { ports: [NetworkPort.tcp(8080)] });
    expect(() => allowExternalIngress(web, { ports: [NetworkPort.tcp(8080)] })).toThrow(`test/web: 'networkPolicy' "web-from-external" already exists for this workload`);
  });
});

describe('a wired web -> api -> db app', () => {
  function build(): Manifest[] {
    const chart = testChart('demo');
    new Namespace(chart, 'ns', { name: 'demo' });
    const web = new StandInWorkload(chart, 'web', { port: 8080, serviceType: kplus.ServiceType.LOAD_BALANCER });
    const api = new StandInWorkload(chart, 'api', { port: 9000 });
    const db = new StandInWorkload(chart, 'db', { port: 5432, servicePort: 5432, image: 'postgres:16.4' });
    allowExternalIngress(web, { ports: [NetworkPort.tcp(8080)] });
    connect(web, api, { env: 'API_URL' });
    connect(api, db, { env: 'DB_URL', scheme: 'postgres' });
    return synthAll(chart);
  }
  const pods = (name: string) => ({ namespace: 'demo', labels: { ...sel(name), 'app.kubernetes.io/managed-by': 'kubecraft' } });

  test('exactly the default-deny, DNS, external and one egress/ingress pair per edge are emitted', () => {
    expect(allOf(build(), 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual([
      'allow-dns', 'api-from-web', 'api-to-db', 'db-from-api', 'default-deny', 'web-from-external', 'web-to-api',
    ]);
  });

  test('each edge is allowed by exact peers and the target pod port', () => {
    const out = build();
    expect(find(out, 'NetworkPolicy', 'web-to-api', 'demo').spec).toEqual({
      podSelector: { matchLabels: sel('web') },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: sel('api') } }], ports: [{ port: 9000, protocol: 'TCP' }] }],
    });
    expect(find(out, 'NetworkPolicy', 'api-from-web', 'demo').spec).toEqual({
      podSelector: { matchLabels: sel('api') },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: sel('web') } }], ports: [{ port: 9000, protocol: 'TCP' }] }],
    });
    expect(find(out, 'NetworkPolicy', 'api-to-db', 'demo').spec).toEqual({
      podSelector: { matchLabels: sel('api') },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: sel('db') } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
    expect(find(out, 'NetworkPolicy', 'db-from-api', 'demo').spec).toEqual({
      podSelector: { matchLabels: sel('db') },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: sel('api') } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
  });

  test('the wired pairs are allowed on both sides, on their port only', () => {
    const policies = allOf(build(), 'NetworkPolicy');
    expect(allowingPolicies(policies, pods('web'), pods('api'), 9000)).toEqual({ egress: ['web-to-api'], ingress: ['api-from-web'] });
    expect(allowingPolicies(policies, pods('api'), pods('db'), 5432)).toEqual({ egress: ['api-to-db'], ingress: ['db-from-api'] });
    expect(allowingPolicies(policies, pods('web'), pods('api'), 5432)).toEqual({ egress: [], ingress: [] });
  });

  test('no policy allows an unwired pair (web -> db, db -> web, reverse edges, db -> api)', () => {
    const policies = allOf(build(), 'NetworkPolicy');
    for (const [from, to] of [['web', 'db'], ['db', 'web'], ['api', 'web'], ['db', 'api']]) {
      // the sender's egress is never opened; web alone admits ingress from anywhere (it is exposed by a LoadBalancer)
      expect(allowingPolicies(policies, pods(from), pods(to))).toEqual({ egress: [], ingress: to === 'web' ? ['web-from-external'] : [] });
    }
  });

  test('every pod of the app passes restricted with its own ServiceAccount, and the namespace enforces it', () => {
    expect(assertRestricted(build())).toBe(3);
  });

  test('the consumer gets the backend URL by FQDN', () => {
    const out = build();
    const env = find(out, 'Deployment', 'web').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'API_URL', value: 'http://api.demo.svc.cluster.local' });
  });

  test('across namespaces the peers carry a namespace selector', () => {
    const app = Testing.app();
    const dev = new Chart(app, 'dev', { namespace: 'dev' });
    const data = new Chart(app, 'data', { namespace: 'data' });
    const web = new StandInWorkload(dev, 'web', { port: 8080 });
    const db = new StandInWorkload(data, 'db', { port: 5432, servicePort: 5432 });
    connect(web, db);
    const policies = allOf(synthAll(dev), 'NetworkPolicy');
    expect(allowingPolicies(policies, { namespace: 'dev', labels: sel('web') }, { namespace: 'data', labels: sel('db') }, 5432))
      .toEqual({ egress: ['web-to-db-data'], ingress: ['db-from-web-dev'] });
    expect(allowingPolicies(policies, { namespace: 'data', labels: sel('web') }, { namespace: 'data', labels: sel('db') }))
      .toEqual({ egress: [], ingress: [] });
  });
});

describe('NetworkPolicy input checks (Kubernetes rules, JavaScript callers)', () => {
  const policy = (props: Partial<NetworkPolicyProps>) => () => new NetworkPolicy(testChart(), 'p', { podSelector: {}, policyTypes: [PolicyType.INGRESS], ...props });
  test.each([
    ['an ipBlock except outside its cidr', { ingress: [{ peers: [NetworkPeer.ipBlock('10.0.0.0/8', ['192.168.0.0/16'])] }] },
      'test/p: \'ingress[0].peers[0].ipBlock.except[0]\' must be a strict subset of the block\'s cidr "10.0.0.0/8" (same IP family, inside it, a longer prefix), got "192.168.0.0/16"'],
    ['an ipBlock except equal to its cidr', { ingress: [{ peers: [NetworkPeer.ipBlock('10.0.0.0/8', ['10.0.0.0/8'])] }] },
      'test/p: \'ingress[0].peers[0].ipBlock.except[0]\' must be a strict subset of the block\'s cidr "10.0.0.0/8" (same IP family, inside it, a longer prefix), got "10.0.0.0/8"'],
    ['an IPv6 except of an IPv4 block', { egress: [{ peers: [NetworkPeer.ipBlock('0.0.0.0/0', ['::/64'])] }] },
      'test/p: \'egress[0].peers[0].ipBlock.except[0]\' must be a strict subset of the block\'s cidr "0.0.0.0/0" (same IP family, inside it, a longer prefix), got "::/64"'],
    ['a CIDR with a bad octet', { ingress: [{ peers: [NetworkPeer.ipBlock('10.0.0.300/8')] }] },
      'test/p: \'ingress[0].peers[0].ipBlock.cidr\' must be an IPv4 or IPv6 CIDR such as "10.0.0.0/8", got "10.0.0.300/8"'],
    ['an invalid label key in a peer', { ingress: [{ peers: [NetworkPeer.pods({ 'a b': 'x' })] }] },
      'test/p: \'ingress[0].peers[0].podSelector\' must be a valid label key (an optional DNS subdomain prefix and \'/\', then at most 63 alphanumerics, \'-\', \'_\' or \'.\', starting and ending alphanumeric), got "a b"'],
    ['peer labels given as a string (JavaScript)', { ingress: [{ peers: [NetworkPeer.pods('app=web' as unknown as Record<string, string>)] }] },
      'test/p: \'ingress[0].peers[0].podSelector\' must be an object of key-value pairs, got "app=web"'],
    ['a peer that is not a NetworkPeer (JavaScript)', { ingress: [{ peers: [{ podSelector: {} } as unknown as NetworkPeer] }] },
      'test/p: \'ingress[0].peers[0]\' must be a NetworkPeer (NetworkPeer.pods(), .namespaces(), .ipBlock(), ...), got {"podSelector":{}}'],
    ['a port number given as a string (JavaScript)', { ingress: [{ peers: [NetworkPeer.anywhere()], ports: [NetworkPort.tcp('80' as unknown as number)] }] },
      'test/p: \'ingress[0].ports[0].port\' must be a port number between 1 and 65535, got "80"'],
    ['a port that is not a NetworkPort (JavaScript)', { ingress: [{ peers: [NetworkPeer.anywhere()], ports: [80 as unknown as NetworkPort] }] },
      'test/p: \'ingress[0].ports[0]\' must be a NetworkPort (NetworkPort.tcp(), .udp(), .named(), ...), got 80'],
    ['a port twice', { ingress: [{ peers: [NetworkPeer.anywhere()], ports: [NetworkPort.tcp(80), NetworkPort.tcp(80)] }] },
      'test/p: \'ingress[0].ports\' must not contain duplicates, got "80/TCP" twice'],
    ['a policy type twice', { policyTypes: [PolicyType.INGRESS, PolicyType.INGRESS] }, 'test/p: \'policyTypes\' must not contain duplicates, got "Ingress" twice'],
    ['ingress given as an object (JavaScript)', { ingress: { peers: [] } as unknown as NetworkPolicyRule[] }, 'test/p: \'ingress\' must be an array, got {"peers":[]}'],
    ['invalid object labels', { labels: { team: 'a b' } }, /^test\/p: 'labels\["team"\]' must be a valid label value/],
  ])('refuses %s', (_n, props, message) => {
    expect(policy(props as Partial<NetworkPolicyProps>)).toThrow(typeof message === 'string' ? new Error(message) : message);
  });

  test('an IPv6 except inside an IPv6 block passes', () => {
    expect(policy({ ingress: [{ peers: [NetworkPeer.ipBlock('2001:db8::/32', ['2001:db8:1::/48'])] }] })).not.toThrow();
  });
});
