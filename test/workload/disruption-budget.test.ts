import { Yaml, Testing } from 'cdk8s';
import { DisruptionBudget, DisruptionBudgetProps, UnhealthyPodEvictionPolicy } from '../../lib/workload/disruption-budget';
import { find, synthAll, testChart } from '../util';

const selector = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };

describe('DisruptionBudget', () => {
  test('defaults to maxUnavailable 1 with a stable name, selector and recommended labels', () => {
    const chart = testChart();
    const pdb = new DisruptionBudget(chart, 'api', { selector, replicas: 2 });
    const m = find(synthAll(chart), 'PodDisruptionBudget', 'api');
    expect(m.apiVersion).toBe('policy/v1');
    expect(m.metadata.namespace).toBe('demo');
    expect(m.metadata.labels['app.kubernetes.io/managed-by']).toBe('kubecraft');
    expect(m.spec).toEqual({ selector: { matchLabels: selector }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(pdb.maxUnavailable).toBe(1);
    expect(pdb.minAvailable).toBeUndefined();
    expect(m).toMatchSnapshot();
  });

  test('minAvailable as a number and percentages synthesize as int-or-string (never null)', () => {
    const chart = testChart();
    new DisruptionBudget(chart, 'a', { selector, minAvailable: 2, replicas: 3 });
    new DisruptionBudget(chart, 'b', { selector, minAvailable: '50%', replicas: 4 });
    new DisruptionBudget(chart, 'c', { selector, maxUnavailable: '25%', unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.ALWAYS_ALLOW });
    const all = synthAll(chart);
    expect(find(all, 'PodDisruptionBudget', 'a').spec.minAvailable).toBe(2);
    expect(find(all, 'PodDisruptionBudget', 'b').spec.minAvailable).toBe('50%');
    const c = find(all, 'PodDisruptionBudget', 'c');
    expect(c.spec.maxUnavailable).toBe('25%');
    expect(c.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    const yaml = Yaml.stringify(...Testing.synth(chart));
    expect(yaml).toContain('minAvailable: 50%');
    expect(yaml).not.toContain('null');
  });

  test('unhealthy pods are always evictable by default (a crash-looping pod never blocks a drain); IfHealthyBudget is an opt-in', () => {
    const chart = testChart();
    const a = new DisruptionBudget(chart, 'a', { selector });
    new DisruptionBudget(chart, 'b', { selector, unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy.IF_HEALTHY_BUDGET });
    expect(a.unhealthyPodEvictionPolicy).toBe(UnhealthyPodEvictionPolicy.ALWAYS_ALLOW);
    expect(find(synthAll(chart), 'PodDisruptionBudget', 'a').spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    expect(find(synthAll(chart), 'PodDisruptionBudget', 'b').spec.unhealthyPodEvictionPolicy).toBe('IfHealthyBudget');
  });

  test('a small percentage of few replicas still allows one disruption (rounded up)', () => {
    expect(() => new DisruptionBudget(testChart(), 'api', { selector, maxUnavailable: '1%', replicas: 2 })).not.toThrow();
    expect(() => new DisruptionBudget(testChart(), 'api', { selector, minAvailable: '50%', replicas: 3 })).not.toThrow();
  });

  describe('rejects a budget that can never allow a disruption, and other bad input', () => {
    const bad: [string, Partial<DisruptionBudgetProps>, RegExp][] = [
      ['minAvailable equal to replicas', { minAvailable: 2, replicas: 2 }, /test\/api: 'minAvailable' must be lower than the 2 replica\(s\).*got 2/],
      ['minAvailable above replicas', { minAvailable: 5, replicas: 3 }, /'minAvailable' must be lower than the 3 replica/],
      ['minAvailable percent rounding up to all replicas', { minAvailable: '60%', replicas: 2 }, /'minAvailable' must be lower than the 2 replica.*"60%" \(2 pod\(s\), rounded up\)/],
      ['minAvailable 100%', { minAvailable: '100%' }, /^test\/api: 'minAvailable' must be below 100% \(100% never allows a disruption: node drains would block forever\), got "100%"/],
      ['maxUnavailable 0', { maxUnavailable: 0 }, /^test\/api: 'maxUnavailable' must be at least 1 or 1% \(0 never allows a disruption: node drains would block forever\), got 0$/],
      ['maxUnavailable 0%', { maxUnavailable: '0%' }, /'maxUnavailable' must be at least 1 or 1% \(0 never allows a disruption.*got "0%"$/],
      ['both set', { minAvailable: 1, maxUnavailable: 1 }, /^test\/api: 'minAvailable' must not be set together with 'maxUnavailable' \(set one of them\), got minAvailable 1 and maxUnavailable 1$/],
      ['a negative number', { maxUnavailable: -1 }, /'maxUnavailable' must be >= 0, got -1/],
      ['a malformed percentage', { minAvailable: '50 percent' }, /'minAvailable' must be a non-negative integer or a percentage/],
      ['a percentage above 100', { maxUnavailable: '150%' }, /'maxUnavailable' must be a non-negative integer or a percentage/],
      ['negative replicas', { replicas: -1 }, /'replicas' must be >= 0, got -1/],
      ['an empty selector', { selector: {} }, /'selector' must contain at least one label/],
      ['an invalid selector value', { selector: { app: 'not valid!' } }, /'selector\["app"\]' must be a valid label value.*got "not valid!"/],
      ['an unknown eviction policy', { unhealthyPodEvictionPolicy: 'Never' as UnhealthyPodEvictionPolicy }, /'unhealthyPodEvictionPolicy' must be one of IfHealthyBudget, AlwaysAllow, got "Never"/],
      ['an invalid name', { name: 'Bad_Name' }, /'name' must be a DNS-1123 subdomain/],
      ['an invalid selector key', { selector: { 'bad key': 'x' } }, /^test\/api: 'selector' must be a valid label key .*got "bad key"$/],
      ['replicas above int32', { replicas: 2 ** 31 }, /^test\/api: 'replicas' must be at most 2147483647 \(an int32\), got 2147483648$/],
      ['maxUnavailable above int32', { maxUnavailable: 2 ** 31 }, /^test\/api: 'maxUnavailable' must be at most 2147483647 \(an int32\), got 2147483648$/],
      ['a selector string (JavaScript)', { selector: 'app=api' as unknown as Record<string, string> }, /^test\/api: 'selector' must be an object of key-value pairs, got "app=api"$/],
      ['a boolean maxUnavailable (JavaScript)', { maxUnavailable: true as unknown as number }, /^test\/api: 'maxUnavailable' must be a non-negative integer or a percentage between 0% and 100%, got true$/],
      ['an identity name above 63 characters', { identity: { name: 'a'.repeat(64) } }, /^test\/api: 'identity.name' must be at most 63 characters \(it is also the value of the label app.kubernetes.io\/name, which allows 63\), got "a{64}" \(64 characters\)$/],
    ];
    test.each(bad)('%s', (_n, props, err) => {
      expect(() => new DisruptionBudget(testChart(), 'api', { selector, ...props })).toThrow(err);
    });
  });
});

test('DisruptionBudget: a name longer than a label value allows is kept and cut to 63 in its default labels', () => {
  const chart = testChart();
  const name = `${'a'.repeat(64)}.pdb`;
  new DisruptionBudget(chart, 'b', { selector, name });
  expect(find(synthAll(chart), 'PodDisruptionBudget', name).metadata.labels['app.kubernetes.io/name']).toBe('a'.repeat(63));
});
