import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HOSTNAME_TOPOLOGY_KEY, SPREAD_WEIGHT, preferredHostAntiAffinity, resolveSpreadAcrossHosts, spreadAcrossHosts } from '../../lib/internal/scheduling';
import { find, podSpecOf, testChart } from '../util';

const SELECTOR = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };

describe('constants', () => {
  test('spread on kubernetes.io/hostname with the highest preferred weight', () => {
    expect(HOSTNAME_TOPOLOGY_KEY).toBe('kubernetes.io/hostname');
    expect(SPREAD_WEIGHT).toBe(100);
  });
});

describe('resolveSpreadAcrossHosts', () => {
  test.each<[boolean | undefined, number | undefined, boolean]>([
    // no explicit choice: spread whenever more than one pod may run (unknown counts as more than one)
    [undefined, undefined, true],
    [undefined, 0, false],
    [undefined, 1, false],
    [undefined, 2, true],
    [undefined, 10, true],
    // an explicit choice always wins
    [true, undefined, true],
    [true, 0, true],
    [true, 1, true],
    [true, 3, true],
    [false, undefined, false],
    [false, 1, false],
    [false, 3, false],
  ])('explicit %p, max pods %p -> %p', (explicit, maxPods, expected) => {
    expect(resolveSpreadAcrossHosts(explicit, maxPods)).toBe(expected);
  });
});

describe('preferredHostAntiAffinity', () => {
  test('a single preferred (soft) pod anti-affinity term on the hostname, weight 100, matching the selector', () => {
    expect(preferredHostAntiAffinity(SELECTOR)).toEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: SELECTOR }, topologyKey: 'kubernetes.io/hostname' },
        }],
      },
    });
  });

  test('never a required term and never pod affinity', () => {
    const a = preferredHostAntiAffinity(SELECTOR);
    expect(a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(a.podAffinity).toBeUndefined();
    expect(a.nodeAffinity).toBeUndefined();
  });

  test('copies the selector (a later change to the caller\'s object does not leak in)', () => {
    const selector: Record<string, string> = { app: 'web' };
    const a = preferredHostAntiAffinity(selector);
    selector.app = 'changed';
    expect(a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0].podAffinityTerm.labelSelector?.matchLabels).toEqual({ app: 'web' });
  });
});

describe('spreadAcrossHosts', () => {
  function deployment(spread: boolean) {
    const chart = testChart();
    const d = new kplus.Deployment(chart, 'Api', { metadata: { name: 'api' }, select: false, podMetadata: { labels: SELECTOR }, replicas: 3 });
    d.select(kplus.LabelSelector.of({ labels: SELECTOR }));
    d.addContainer({ name: 'app', image: 'ghcr.io/acme/api:1.0.0', securityContext: { ensureNonRoot: false } });
    if (spread) spreadAcrossHosts(chart, d, SELECTOR);
    const manifests = Testing.synth(chart);
    return { manifests, spec: podSpecOf(find(manifests, 'Deployment', 'api')) };
  }

  test('renders the preferred pod anti-affinity with the given selector on the hostname', () => {
    const { spec } = deployment(true);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{
      weight: 100,
      podAffinityTerm: { labelSelector: { matchLabels: SELECTOR }, topologyKey: 'kubernetes.io/hostname' },
    }]);
    expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
    expect(spec.affinity.podAffinity).toBeUndefined();
  });

  test('renders the same term preferredHostAntiAffinity describes', () => {
    const { spec } = deployment(true);
    expect(spec.affinity).toEqual(preferredHostAntiAffinity(SELECTOR));
  });

  test('the term never selects by construct path (only the given labels)', () => {
    const { spec } = deployment(true);
    const term = spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
    expect(term.labelSelector.matchLabels).toEqual(SELECTOR);
    expect(Object.keys(term).sort()).toEqual(['labelSelector', 'topologyKey']);
    expect(term.labelSelector.matchExpressions).toBeUndefined();
  });

  test('adds no object to the chart (the peer selection is not a resource)', () => {
    expect(deployment(true).manifests.map((m) => m.kind)).toEqual(deployment(false).manifests.map((m) => m.kind));
  });

  test('without it there is no affinity', () => {
    expect(deployment(false).spec.affinity).toBeUndefined();
  });

  test('composes with the user\'s own scheduling calls', () => {
    const chart = testChart();
    const d = new kplus.Deployment(chart, 'Api', { metadata: { name: 'api' }, select: false, podMetadata: { labels: SELECTOR } });
    d.select(kplus.LabelSelector.of({ labels: SELECTOR }));
    d.addContainer({ name: 'app', image: 'ghcr.io/acme/api:1.0.0', securityContext: { ensureNonRoot: false } });
    spreadAcrossHosts(chart, d, SELECTOR);
    d.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('disktype', 'ssd')));
    const spec = podSpecOf(find(Testing.synth(chart), 'Deployment', 'api'));
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] },
    ]);
  });

  test('two workloads in one scope each get their own spread (no construct id clash)', () => {
    const chart = testChart();
    const specs = ['web', 'worker'].map((name) => {
      const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
      const d = new kplus.Deployment(chart, name, { metadata: { name }, select: false, podMetadata: { labels } });
      d.select(kplus.LabelSelector.of({ labels }));
      d.addContainer({ name: 'app', image: 'ghcr.io/acme/api:1.0.0', securityContext: { ensureNonRoot: false } });
      spreadAcrossHosts(chart, d, labels);
      return name;
    });
    const manifests = Testing.synth(chart);
    for (const name of specs) {
      const term = podSpecOf(find(manifests, 'Deployment', name)).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(term.labelSelector.matchLabels['app.kubernetes.io/name']).toBe(name);
    }
  });
});
