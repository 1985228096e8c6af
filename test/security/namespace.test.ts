import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Namespace, PodSecurityLevel, sizeQuantity } from '../../lib/security/namespace';
import { allOf, find, testChart } from '../util';

function synth(props: ConstructorParameters<typeof Namespace>[2], chartNamespace: string | undefined = 'demo') {
  const chart = testChart(chartNamespace);
  const ns = new Namespace(chart, 'ns', props);
  return { ns, out: Testing.synth(chart) };
}

describe('Namespace', () => {
  test('defaults: restricted enforce/warn/audit, explicit name, no namespace on the Namespace itself', () => {
    const { out } = synth({ name: 'demo' });
    const ns = find(out, 'Namespace', 'demo');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'kubecraft',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
  });

  test('defaults: a default-deny for ingress and egress and DNS egress to kube-dns on 53/UDP+TCP', () => {
    const { out } = synth({ name: 'demo' });
    const deny = find(out, 'NetworkPolicy', 'default-deny');
    expect(deny.metadata.namespace).toBe('demo');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = find(out, 'NetworkPolicy', 'allow-dns');
    expect(dns.metadata.namespace).toBe('demo');
    expect(dns.spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      }],
    });
  });

  test('the Namespace is emitted before the objects that live in it', () => {
    const { out } = synth({ name: 'demo', resourceQuota: { pods: 10 }, limitRange: { defaultRequest: { cpu: kplus.Cpu.millis(100) } } });
    expect(out[0].kind).toBe('Namespace');
    expect(out.map((o) => o.kind).sort()).toEqual(['LimitRange', 'Namespace', 'NetworkPolicy', 'NetworkPolicy', 'ResourceQuota']);
  });

  test('objects go to the namespace even when the chart has another one', () => {
    const { out } = synth({ name: 'prod' }, 'elsewhere');
    for (const np of allOf(out, 'NetworkPolicy')) expect(np.metadata.namespace).toBe('prod');
  });

  test('baseline enforce with restricted warn/audit and a pinned version', () => {
    const { out, ns } = synth({ name: 'legacy', podSecurity: { enforce: PodSecurityLevel.BASELINE, warn: PodSecurityLevel.RESTRICTED, audit: PodSecurityLevel.RESTRICTED, version: 'v1.27' } });
    expect(ns.podSecurity).toEqual({ enforce: 'baseline', warn: 'restricted', audit: 'restricted', version: 'v1.27' });
    expect(find(out, 'Namespace', 'legacy').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.27',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.27',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.27',
    });
  });

  test('custom labels and annotations are kept; a Pod Security label among them is refused (use podSecurity)', () => {
    const { out } = synth({ name: 'demo', labels: { team: 'web' }, annotations: { owner: 'sky' } });
    const ns = find(out, 'Namespace', 'demo');
    expect(ns.metadata.labels.team).toBe('web');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(ns.metadata.annotations).toEqual({ owner: 'sky' });
    expect(() => synth({ name: 'demo', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } })).toThrow(new Error(
      'test/ns: \'labels\' must not set "pod-security.kubernetes.io/enforce": the Pod Security labels come from \'podSecurity\', got "pod-security.kubernetes.io/enforce"'));
  });

  test.each([
    ['an invalid label key', { labels: { 'bad key': 'x' } }, /^test\/ns: 'labels' must be a valid label key .*got "bad key"$/],
    ['an invalid label value', { labels: { team: 'a b' } }, /^test\/ns: 'labels\["team"\]' must be a valid label value .*got "a b"$/],
    ['a metadata.name label that is not the name', { labels: { 'kubernetes.io/metadata.name': 'other' } }, /^test\/ns: 'labels\["kubernetes.io\/metadata.name"\]' must equal the namespace name "demo" \(the API server sets it\), got "other"$/],
    ['an invalid annotation key', { annotations: { 'a b': 'x' } }, /^test\/ns: 'annotations' must have qualified-name keys .*got "a b"$/],
    ['annotations above 256 KiB', { annotations: { a: 'x'.repeat(262144) } }, /^test\/ns: 'annotations' must hold at most 256 KiB \(262144 bytes of keys and values\), got 262145 bytes$/],
    ['a string defaultDeny (JavaScript)', { defaultDeny: 'false' }, /^test\/ns: 'defaultDeny' must be true or false, got "false"$/],
    ['an unknown prop (JavaScript)', { podSecurityLevel: 'baseline' }, /^test\/ns: 'podSecurityLevel' is not a setting \(settings: name, labels, .*\), got "baseline"$/],
    ['a negative quota cpu', { resourceQuota: { requestsCpu: kplus.Cpu.millis(-100) } }, /^test\/ns: 'resourceQuota.requestsCpu' must not be negative, got "-100m"$/],
    ['a NaN quota cpu', { resourceQuota: { limitsCpu: kplus.Cpu.units(NaN) } }, /^test\/ns: 'resourceQuota.limitsCpu' must be a Kubernetes quantity such as "500m" or "2", got "NaN"$/],
    ['a string quota memory (JavaScript)', { resourceQuota: { requestsMemory: '8Gi' } }, /^test\/ns: 'resourceQuota.requestsMemory' must be a cdk8s Size \(e.g. Size.mebibytes\(512\)\), got "8Gi"$/],
    ['pods above int32', { resourceQuota: { pods: 2 ** 31 } }, /^test\/ns: 'resourceQuota.pods' must be at most 2147483647 \(an int32\), got 2147483648$/],
    ['a misspelt quota field', { resourceQuota: { requestCpu: kplus.Cpu.units(1) } }, /^test\/ns: 'resourceQuota.requestCpu' is not a setting /],
    ['a string limitRange cpu (JavaScript)', { limitRange: { max: { cpu: '2' } } }, /^test\/ns: 'limitRange.max.cpu' must be a kplus.Cpu \(e.g. Cpu.millis\(250\) or Cpu.units\(2\)\), got "2"$/],
    ['a zero max claim size', { limitRange: { maxClaimStorage: Size.gibibytes(0) } }, /^test\/ns: 'limitRange.maxClaimStorage' must be greater than zero, got 0$/],
    ['a version that is not a string', { podSecurity: { version: 1.27 } }, /^test\/ns: 'podSecurity.version' must be "latest" or a Kubernetes minor version such as "v1.27", got 1.27$/],
  ])('refuses %s', (_n, props, err) => {
    expect(() => synth({ name: 'demo', ...(props as object) } as ConstructorParameters<typeof Namespace>[2])).toThrow(err);
  });

  test('quantities are rendered exactly (1536Ki stays 1536Ki; a cpu amount as given)', () => {
    const { out } = synth({ name: 'demo', resourceQuota: { requestsMemory: Size.kibibytes(1536), requestsCpu: kplus.Cpu.units(0.5) } });
    expect(find(out, 'ResourceQuota', 'default-quota').spec.hard).toEqual({ 'requests.memory': '1536Ki', 'requests.cpu': '0.5' });
  });

  test('the DNS selector and port are configurable', () => {
    const { out } = synth({ name: 'demo', dns: { dnsNamespaceLabels: { 'kubernetes.io/metadata.name': 'dns' }, dnsPodLabels: { app: 'coredns' }, port: 5353 } });
    const dns = find(out, 'NetworkPolicy', 'allow-dns');
    expect(dns.spec.egress[0].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }]);
    expect(dns.spec.egress[0].ports).toEqual([{ port: 5353, protocol: 'UDP' }, { port: 5353, protocol: 'TCP' }]);
  });

  test('default-deny and DNS can be turned off', () => {
    const { out, ns } = synth({ name: 'open', defaultDeny: false, dns: false });
    expect(allOf(out, 'NetworkPolicy')).toEqual([]);
    expect(ns.defaultDeny).toBeUndefined();
    expect(ns.dnsEgress).toBeUndefined();
  });

  test('a ResourceQuota with typed quantities and counts', () => {
    const { out } = synth({
      name: 'demo',
      resourceQuota: {
        requestsCpu: kplus.Cpu.units(2), limitsCpu: kplus.Cpu.units(4), requestsMemory: Size.gibibytes(4), limitsMemory: Size.gibibytes(8),
        requestsStorage: Size.gibibytes(50), pods: 20, services: 10, servicesLoadBalancers: 0, servicesNodePorts: 2,
        persistentVolumeClaims: 5, configMaps: 20, secrets: 20,
      },
    });
    const q = find(out, 'ResourceQuota', 'default-quota');
    expect(q.metadata.namespace).toBe('demo');
    expect(q.spec.hard).toEqual({
      'requests.cpu': '2', 'limits.cpu': '4', 'requests.memory': '4Gi', 'limits.memory': '8Gi', 'requests.storage': '50Gi',
      pods: 20, services: 10, 'services.loadbalancers': 0, 'services.nodeports': 2, persistentvolumeclaims: 5, configmaps: 20, secrets: 20,
    });
  });

  test('a LimitRange for containers and claims', () => {
    const { out } = synth({
      name: 'demo',
      limitRange: {
        name: 'limits',
        min: { cpu: kplus.Cpu.millis(10), memory: Size.mebibytes(16) },
        defaultRequest: { cpu: kplus.Cpu.millis(100), memory: Size.mebibytes(128) },
        defaultLimit: { cpu: kplus.Cpu.millis(500), memory: Size.mebibytes(256) },
        max: { cpu: kplus.Cpu.units(2), memory: Size.gibibytes(2) },
        minClaimStorage: Size.gibibytes(1),
        maxClaimStorage: Size.gibibytes(20),
      },
    });
    const l = find(out, 'LimitRange', 'limits');
    expect(l.metadata.namespace).toBe('demo');
    expect(l.spec.limits).toEqual([
      { type: 'Container', min: { cpu: '10m', memory: '16Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '256Mi' }, max: { cpu: '2', memory: '2Gi' } },
      { type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '20Gi' } },
    ]);
  });

  test('peer() selects the namespace by its name label', () => {
    const chart = testChart();
    const ns = new Namespace(chart, 'ns', { name: 'demo' });
    expect(ns.peer()._toKube(chart, 'peer')).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'demo' } } });
  });

  test('sizes render in the largest exact unit', () => {
    expect(sizeQuantity(Size.gibibytes(10))).toBe('10Gi');
    expect(sizeQuantity(Size.mebibytes(1536))).toBe('1536Mi');
    expect(sizeQuantity(Size.tebibytes(1))).toBe('1Ti');
    expect(sizeQuantity(Size.kibibytes(100))).toBe('100Ki');
  });

  test('defaults snapshot', () => {
    expect(synth({ name: 'demo' }).out).toMatchSnapshot();
  });
});

describe('Namespace validation', () => {
  test.each([
    ['an invalid name', { name: 'Demo_1' }, /test\/ns: 'name' must be a DNS-1123 label .*got "Demo_1"/],
    ['warn looser than enforce', { name: 'd', podSecurity: { warn: PodSecurityLevel.BASELINE } }, /'podSecurity.warn' must be at least as strict as enforce \(restricted\), got "baseline"/],
    ['audit looser than enforce', { name: 'd', podSecurity: { audit: PodSecurityLevel.BASELINE } }, /'podSecurity.audit' must be at least as strict as enforce/],
    ['an unknown level', { name: 'd', podSecurity: { enforce: 'privileged' as PodSecurityLevel } }, /'podSecurity.enforce' must be baseline or restricted, got "privileged"/],
    ['a bad version', { name: 'd', podSecurity: { version: '1.27' } }, /'podSecurity.version' must be "latest" or a Kubernetes minor version such as "v1.27", got "1.27"/],
    ['an empty quota', { name: 'd', resourceQuota: {} }, /'resourceQuota' must set at least one limit/],
    ['a negative pod count', { name: 'd', resourceQuota: { pods: -1 } }, /'resourceQuota.pods' must be >= 0, got -1/],
    ['quota limits below requests', { name: 'd', resourceQuota: { requestsCpu: kplus.Cpu.units(2), limitsCpu: kplus.Cpu.millis(500) } }, /'resourceQuota.limitsCpu' must be >= requestsCpu \(2\), got 500m/],
    ['quota memory limits below requests', { name: 'd', resourceQuota: { requestsMemory: Size.gibibytes(2), limitsMemory: Size.gibibytes(1) } }, /'resourceQuota.limitsMemory' must be >= requestsMemory \(2Gi\), got 1Gi/],
    ['an empty limit range', { name: 'd', limitRange: {} }, /'limitRange' must set at least one of/],
    ['a default limit below the default request', { name: 'd', limitRange: { defaultRequest: { memory: Size.mebibytes(256) }, defaultLimit: { memory: Size.mebibytes(128) } } }, /'limitRange.defaultLimit.memory' must be >= defaultRequest.memory \(256Mi\), got 128Mi/],
    ['a max below min', { name: 'd', limitRange: { min: { cpu: kplus.Cpu.millis(200) }, max: { cpu: kplus.Cpu.millis(100) } } }, /'limitRange.max.cpu' must be >= min.cpu \(200m\), got 100m/],
    ['a max claim below min', { name: 'd', limitRange: { minClaimStorage: Size.gibibytes(2), maxClaimStorage: Size.gibibytes(1) } }, /'limitRange.maxClaimStorage' must be >= minClaimStorage \(2Gi\), got 1Gi/],
    ['a DNS namespace selector without labels', { name: 'd', dns: { dnsNamespaceLabels: {} } }, /'egress\[0\]\.peers\[0\]\.namespaceSelector' must have at least one label/],
  ])('%s throws', (_what, props, message) => {
    expect(() => new Namespace(testChart(), 'ns', props as ConstructorParameters<typeof Namespace>[2])).toThrow(message);
  });
});
