import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { APPLYSET_ANNOTATION, ApplySet } from '../../lib/deploy/applyset';
import { Namespace } from '../../lib/security/namespace';
import { StorageClass } from '../../lib/storage/storage';
import { WebApp } from '../../lib/workload/web-app';
import { find, synthAll, testChart } from '../util';

const configMap = (chart: Chart, name: string, extra: Record<string, unknown> = {}) =>
  new ApiObject(chart, name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra } });

/** cdk8s's synth-time validation message for one error of the construct at `path`. */
const validationError = (path: string, message: string) => `Validation failed with the following errors:\n  [${path}] ${message}`;

describe('ApplySet', () => {
  test('marks every object of its chart with <namespace>/<name>: cluster-scoped ones and those added after it too', () => {
    const chart = testChart('shop');
    new Namespace(chart, 'Namespace', { name: 'shop' });
    const set = new ApplySet(chart, 'ApplySet', { name: 'shop-set' });
    new StorageClass(chart, 'Fast', { name: 'fast', provisioner: 'example.com/fast' });
    new WebApp(chart, 'Api', { name: 'api', image: 'example.com/api:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    const all = synthAll(chart);
    expect(all.length).toBeGreaterThan(5);
    for (const o of all) expect(`${o.kind}/${o.metadata.name}: ${o.metadata.annotations?.[APPLYSET_ANNOTATION]}`).toBe(`${o.kind}/${o.metadata.name}: shop/shop-set`);
    expect(find(all, 'Namespace', 'shop').metadata.namespace).toBeUndefined();
    expect(find(all, 'StorageClass', 'fast').metadata.namespace).toBeUndefined();
    // only the object's own metadata: a pod template never changes (no rollout) because of the set
    expect(find(all, 'Deployment', 'api').spec.template.metadata.annotations?.[APPLYSET_ANNOTATION]).toBeUndefined();
    expect(set.members.map((o) => o.kind)).toContain('Deployment');
    expect(APPLYSET_ANNOTATION).toBe('kubecraft.dev/applyset');
  });

  test('id, parentRef and annotationValue are what kubectl v1.36.3 computes and takes', () => {
    // the ids kubectl v1.36.3 gave these parents (`kubectl apply --applyset=configmaps/<name> -n <ns>` on a real API server)
    const a = new ApplySet(testChart('exp'), 'ApplySet', { name: 'shop' });
    expect(a.id).toBe('applyset-pU-XH-QFrhK8Tai5QUTTXmgp7Ks0oeeGpuRhezbLL0s-v1');
    const b = new ApplySet(testChart('other'), 'ApplySet', { name: 'deploy-e2e', namespace: 'deploy-e2e' });
    expect(b.id).toBe('applyset-XUxfzhzeW7YXArknVmWMz76g68iZeXo0SCxzoguq_s4-v1');
    expect([b.name, b.namespace, b.parentRef, b.annotationValue]).toEqual(['deploy-e2e', 'deploy-e2e', 'configmaps/deploy-e2e', 'deploy-e2e/deploy-e2e']);
  });

  test('the namespace defaults to the chart\'s; ApplySet.of finds the set of a chart from any construct in it', () => {
    const chart = testChart('dev');
    const set = new ApplySet(chart, 'ApplySet', { name: 'shop' });
    const cm = configMap(chart, 'settings');
    expect(set.namespace).toBe('dev');
    expect(ApplySet.of(cm)).toBe(set);
    expect(ApplySet.of(testChart('dev'))).toBeUndefined();
  });

  test('objects of a nested chart are not members (the nested chart is its own file and set)', () => {
    const chart = testChart('dev');
    new ApplySet(chart, 'ApplySet', { name: 'shop' });
    const nested = new Chart(chart, 'nested', { namespace: 'dev', disableResourceNameHashes: true });
    configMap(nested, 'inner');
    configMap(chart, 'outer');
    expect(Testing.synth(chart).map((o) => o.metadata.annotations?.[APPLYSET_ANNOTATION])).toEqual(['dev/shop']);
    expect(Testing.synth(nested)[0].metadata.annotations).toBeUndefined();
  });

  test('synth is deterministic: the annotation is set once however often the app validates', () => {
    const chart = testChart('dev');
    new ApplySet(chart, 'ApplySet', { name: 'shop' });
    configMap(chart, 'settings');
    expect(Testing.synth(chart)).toEqual(Testing.synth(chart));
  });

  describe('refuses at construction', () => {
    test('a name that is not a DNS-1123 subdomain', () => {
      expect(() => new ApplySet(testChart('dev'), 'ApplySet', { name: 'Shop_Set' })).toThrow(
        "test/ApplySet: 'name' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got \"Shop_Set\"",
      );
    });

    test('no namespace (the chart has none and none is given), or a bad one', () => {
      expect(() => new ApplySet(testChart(null), 'ApplySet', { name: 'shop' })).toThrow(
        "test/ApplySet: 'namespace' must be set when the chart has no namespace (the parent ConfigMap is namespaced), got undefined",
      );
      expect(() => new ApplySet(testChart(null), 'ApplySet', { name: 'shop', namespace: 'Dev' })).toThrow(
        "test/ApplySet: 'namespace' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most 63 characters), got \"Dev\"",
      );
    });

    test('a second set in the same chart', () => {
      const chart = testChart('dev');
      new ApplySet(chart, 'ApplySet', { name: 'shop' });
      expect(() => new ApplySet(chart, 'Other', { name: 'other' })).toThrow(
        "test/Other: 'name' must not be given to a second ApplySet of chart 'test' (one set per chart: kubectl applies and prunes a set in one call), got \"other\" while 'test/ApplySet' is \"shop\"",
      );
    });
  });

  describe('refuses at synth what kubectl would refuse or prune wrongly', () => {
    test('a namespaced object in another namespace', () => {
      const chart = testChart('dev');
      new ApplySet(chart, 'ApplySet', { name: 'shop' });
      configMap(chart, 'elsewhere', { namespace: 'prod' });
      expect(() => Testing.synth(chart)).toThrow(validationError('test/ApplySet',
        'test/ApplySet: the set\'s namespaced objects must be in its namespace "dev" (kubectl applies the set with --namespace dev and refuses others), got ConfigMap "elsewhere" (test/elsewhere) in "prod"'));
    });

    test('an Endpoints or EndpointSlice object (their controllers copy Service labels)', () => {
      const chart = testChart('dev');
      new ApplySet(chart, 'ApplySet', { name: 'shop' });
      new ApiObject(chart, 'slice', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'external' } });
      expect(() => Testing.synth(chart)).toThrow(validationError('test/ApplySet',
        "test/ApplySet: the set must not contain an EndpointSlice (its controller copies a Service's labels, kubectl's ApplySet label included, onto the objects it creates, which kubectl would then prune), got EndpointSlice \"external\" (test/slice); put it in a chart without an ApplySet"));
    });

    test('an object that already carries kubectl\'s ApplySet label', () => {
      const chart = testChart('dev');
      new ApplySet(chart, 'ApplySet', { name: 'shop' });
      configMap(chart, 'labelled', { labels: { 'applyset.kubernetes.io/part-of': 'applyset-x-v1' } });
      expect(() => Testing.synth(chart)).toThrow(validationError('test/ApplySet',
        "test/ApplySet: the set's objects must not carry the label 'applyset.kubernetes.io/part-of' (kubectl sets it and refuses input that has it), got ConfigMap \"labelled\" (test/labelled)"));
    });

    test('a ConfigMap named like the set (kubectl keeps its state in that ConfigMap)', () => {
      const chart = testChart('dev');
      new ApplySet(chart, 'ApplySet', { name: 'shop' });
      new kplus.ConfigMap(chart, 'cm', { metadata: { name: 'shop' }, data: { a: '1' } });
      expect(() => Testing.synth(chart)).toThrow(validationError('test/ApplySet',
        "test/ApplySet: 'name' must differ from the names of the set's ConfigMaps (kubectl keeps the set's state in a ConfigMap of that name), got \"shop\" for ConfigMap \"shop\" (test/cm/Resource)"));
    });
  });
});
