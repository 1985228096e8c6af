/**
 * Upgrade canary of lib/internal/compat.ts: every private or internal member of cdk8s, cdk8s-plus-27 and
 * constructs that the library relies on is exercised here. A failure after a dependency upgrade names the compat
 * function to revisit.
 */
import { ApiObject, App, Chart, Cron, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  dictionaryChildTablesInstalled, dropPodAddressLabel, extendRenderedSpec, installDictionaryChildTables, keepEmptyConfigMapValues, patchContainer,
  patchRenderedContainer, podSpecPath, probeWithDefaultPort, renderPodSpec, renderProbe, renderStatefulSetUpdateStrategy, volumeFromSource,
} from '../../lib/internal/compat';
import { find, podSpecOf, testChart } from '../util';

const IMAGE = 'nginx:1.27';
const moved = (fn: string, what: string) => `cdk8s-plus/constructs changed: ${what}; revisit ${fn} in lib/internal/compat.ts`;

function deployment(chart: Chart, name: string): kplus.Deployment {
  const d = new kplus.Deployment(chart, name, { metadata: { name }, select: false, podMetadata: { labels: { app: name } } });
  d.select(kplus.LabelSelector.of({ labels: { app: name } }));
  return d;
}

describe('compat: probeWithDefaultPort (Probe private httpGetOptions / tcpSocketOptions)', () => {
  test('cdk8s-plus still targets port 80 for a probe without a port (the reason the function exists)', () => {
    const chart = testChart();
    const d = deployment(chart, 'raw');
    d.addContainer({ name: 'app', image: IMAGE, ports: [{ number: 8080 }], liveness: kplus.Probe.fromHttpGet('/healthz'), securityContext: { ensureNonRoot: false } });
    const port = podSpecOf(find(Testing.synth(chart), 'Deployment', 'raw')).containers[0].livenessProbe.httpGet.port;
    if (port !== 80) throw new Error(moved('probeWithDefaultPort', `a probe without a port now targets ${port}, not 80: the rewrite may be unnecessary`));
  });

  test('the private fields it reads are still there', () => {
    const http = kplus.Probe.fromHttpGet('/x') as unknown as Record<string, unknown>;
    const tcp = kplus.Probe.fromTcpSocket() as unknown as Record<string, unknown>;
    if (!('httpGetOptions' in http) || !('tcpSocketOptions' in tcp)) {
      throw new Error(moved('probeWithDefaultPort', 'Probe no longer keeps httpGetOptions/tcpSocketOptions'));
    }
  });

  test('rebuilds HTTP and TCP probes on the port, keeps their options, leaves the rest alone', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({
      name: 'app', image: IMAGE, ports: [{ number: 8080 }], securityContext: { ensureNonRoot: false },
      readiness: probeWithDefaultPort(kplus.Probe.fromHttpGet('/ready', { failureThreshold: 5 }), 8080),
      liveness: probeWithDefaultPort(kplus.Probe.fromTcpSocket(), 5432),
    });
    const c = podSpecOf(find(Testing.synth(chart), 'Deployment', 'web')).containers[0];
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 8080 }, failureThreshold: 5 });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 5432 });
    const pinned = kplus.Probe.fromTcpSocket({ port: 5432 });
    expect(probeWithDefaultPort(pinned, 8080)).toBe(pinned);
    const cmd = kplus.Probe.fromCommand(['true']);
    expect(probeWithDefaultPort(cmd, 8080)).toBe(cmd);
    expect(probeWithDefaultPort(undefined, 8080)).toBeUndefined();
    const any = kplus.Probe.fromHttpGet('/');
    expect(probeWithDefaultPort(any, undefined)).toBe(any);
  });
});

describe('compat: volumeFromSource (Volume private constructor)', () => {
  test('a projected volume mounts and renders its L1 source as given', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    const c = d.addContainer({ name: 'app', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const source = { projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 600 } }] } };
    c.mount('/var/run/token', volumeFromSource(chart, 'v', 'token', source));
    const spec = podSpecOf(find(Testing.synth(chart), 'Deployment', 'web'));
    expect(spec.volumes).toEqual([{ name: 'token', ...source }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'token', mountPath: '/var/run/token' }]);
  });
});

describe('compat: renderPodSpec / renderStatefulSetUpdateStrategy (@internal _toPodSpec, _toKube)', () => {
  test('render the pod spec and the update strategy in L1 form', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({ name: 'app', image: IMAGE, securityContext: { ensureNonRoot: false } });
    expect(renderPodSpec(d).containers.map((c) => c.name)).toEqual(['app']);
    expect(renderStatefulSetUpdateStrategy(kplus.StatefulSetUpdateStrategy.rollingUpdate({ partition: 2 })))
      .toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 2 } });
  });
});

describe('compat: extendRenderedSpec (@internal _toKube of PersistentVolume/Claim)', () => {
  test('the extension is what synthesizes (the spec is still rendered lazily from _toKube)', () => {
    const chart = testChart();
    const claim = new kplus.PersistentVolumeClaim(chart, 'c', { metadata: { name: 'data' } });
    extendRenderedSpec(claim as unknown as { _toKube(): Record<string, unknown> }, (base) => ({ ...base, volumeName: 'extended' }));
    const spec = find(Testing.synth(chart), 'PersistentVolumeClaim', 'data').spec;
    if (spec.volumeName !== 'extended') throw new Error(moved('extendRenderedSpec', 'PersistentVolumeClaim no longer renders its spec from _toKube'));
  });
});

describe('compat: dropPodAddressLabel (cdk8s-plus construct-path label)', () => {
  test('cdk8s-plus still adds the label; the drop removes it from Deployments and Pods', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({ name: 'app', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const pod = new kplus.Pod(chart, 'p', { metadata: { name: 'p' }, containers: [{ image: IMAGE, securityContext: { ensureNonRoot: false } }] });
    if (d.podMetadata.getLabel(kplus.Pod.ADDRESS_LABEL) === undefined) {
      throw new Error(moved('dropPodAddressLabel', `${kplus.Pod.ADDRESS_LABEL} is no longer added: the drop is a no-op now`));
    }
    dropPodAddressLabel(d);
    dropPodAddressLabel(pod);
    const m = Testing.synth(chart);
    expect(find(m, 'Deployment', 'web').spec.template.metadata.labels).toEqual({ app: 'web' });
    expect(find(m, 'Pod', 'p').metadata.labels ?? {}).not.toHaveProperty([kplus.Pod.ADDRESS_LABEL]);
  });
});

describe('compat: patchContainer / podSpecPath (containers rendered in insertion order)', () => {
  test('patches the named container of Pods, Deployments and CronJobs', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({ name: 'a', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const b = d.addContainer({ name: 'b', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const i = d.addInitContainer({ name: 'init', image: IMAGE, securityContext: { ensureNonRoot: false } });
    patchContainer(d, b, '/tty', true);
    patchContainer(d, i, '/stdin', true);
    const spec = podSpecOf(find(Testing.synth(chart), 'Deployment', 'web'));
    expect(spec.containers.map((c: { name: string; tty?: boolean }) => [c.name, c.tty])).toEqual([['a', undefined], ['b', true]]);
    expect(spec.initContainers[0].stdin).toBe(true);
    expect(podSpecPath(new kplus.Pod(chart, 'p'))).toBe('/spec');
    expect(podSpecPath(new kplus.CronJob(chart, 'c', { schedule: Cron.daily() }))).toBe('/spec/jobTemplate/spec/template/spec');
    expect(podSpecPath(d)).toBe('/spec/template/spec');
  });

  test('a container at another index than expected fails the synth instead of patching the wrong one', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({ name: 'a', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const b = d.addContainer({ name: 'b', image: IMAGE, securityContext: { ensureNonRoot: false } });
    // stands for a cdk8s-plus that renders containers in another order: b lands at index 0
    ApiObject.of(d).addJsonPatch(JsonPatch.move('/spec/template/spec/containers/1', '/spec/template/spec/containers/0'));
    patchContainer(d, b, '/tty', true);
    expect(() => Testing.synth(chart)).toThrow();
  });
});

describe('compat: renderProbe / patchRenderedContainer (native sidecars on the 1.27 L1 classes)', () => {
  test('cdk8s-plus still refuses probes on init containers (the reason renderProbe exists)', () => {
    const d = deployment(testChart(), 'web');
    let refused = false;
    try {
      d.addInitContainer({ name: 'i', image: IMAGE, readiness: kplus.Probe.fromTcpSocket({ port: 80 }) });
    } catch {
      refused = true;
    }
    if (!refused) throw new Error(moved('renderProbe', 'addInitContainer now accepts probes: render them through cdk8s-plus instead'));
  });

  test('renderProbe gives the L1 probe that patchContainer renders', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({ name: 'app', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const i = d.addInitContainer({ name: 'i', image: IMAGE, securityContext: { ensureNonRoot: false } });
    patchContainer(d, i, '/startupProbe', renderProbe(kplus.Probe.fromHttpGet('/ready', { port: 9901 }), i));
    const probe = podSpecOf(find(Testing.synth(chart), 'Deployment', 'web')).initContainers[0].startupProbe;
    expect(probe).toMatchObject({ httpGet: { path: '/ready', port: 9901 } });
  });

  test('a container field the 1.27 schema lacks is dropped by a JSON patch (the reason patchRenderedContainer exists)', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({ name: 'app', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const i = d.addInitContainer({ name: 'i', image: IMAGE, securityContext: { ensureNonRoot: false } });
    patchContainer(d, i, '/restartPolicy', 'Always');
    const init = podSpecOf(find(Testing.synth(chart), 'Deployment', 'web')).initContainers[0];
    if (init.restartPolicy !== undefined) {
      throw new Error(moved('patchRenderedContainer', 'the L1 classes now keep a container restartPolicy: patchContainer is enough'));
    }
  });

  test('patchRenderedContainer adds it to the manifest, guarded by the container name', () => {
    const chart = testChart();
    const d = deployment(chart, 'web');
    d.addContainer({ name: 'app', image: IMAGE, securityContext: { ensureNonRoot: false } });
    d.addInitContainer({ name: 'first', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const i = d.addInitContainer({ name: 'i', image: IMAGE, securityContext: { ensureNonRoot: false } });
    patchRenderedContainer(d, i, '/restartPolicy', 'Always');
    const spec = podSpecOf(find(Testing.synth(chart), 'Deployment', 'web'));
    expect(spec.initContainers.map((c: { name: string; restartPolicy?: string }) => [c.name, c.restartPolicy])).toEqual([['first', undefined], ['i', 'Always']]);

    const pod = new kplus.Pod(chart, 'pod', { metadata: { name: 'pod' } });
    pod.addContainer({ name: 'app', image: IMAGE, securityContext: { ensureNonRoot: false } });
    const p = pod.addInitContainer({ name: 'p', image: IMAGE, securityContext: { ensureNonRoot: false } });
    patchRenderedContainer(pod, p, '/restartPolicy', 'Always');
    ApiObject.of(pod).addJsonPatch(JsonPatch.replace('/spec/initContainers/0/name', 'renamed'));
    expect(() => Testing.synth(chart)).toThrow(/Test operation failed/);
  });
});

describe('compat: installDictionaryChildTables (constructs private Node.addChild/_children/_scopes)', () => {
  test('not installed at import; installed by constructing a KubecraftApp; only its trees get dictionary tables', () => {
    jest.isolateModules(() => {
      // a fresh module registry: its own constructs, so its own Node.prototype
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { Node } = require('constructs') as typeof import('constructs');
      const flag = () => (Node.prototype as unknown as Record<symbol, unknown>)[Symbol.for('kubecraft.dictionaryChildTables')];
      const { KubecraftApp } = require('../../lib/core/app') as typeof import('../../lib/core/app');
      /* eslint-enable @typescript-eslint/no-require-imports */
      expect(flag()).toBeUndefined();
      new KubecraftApp();
      expect(flag()).toBe(true);
    });
    installDictionaryChildTables((root) => root instanceof MarkerApp);
    expect(dictionaryChildTablesInstalled()).toBe(true);
    const table = (c: Construct) => (c.node as unknown as { _children?: object })._children;
    const ours = new MarkerApp();
    const chart = new Chart(ours, 'c');
    new Construct(chart, 'x');
    if (table(chart) === undefined) throw new Error(moved('installDictionaryChildTables', 'Node no longer keeps _children'));
    expect(Object.getPrototypeOf(table(chart))).toBeNull();
    const plain = new Chart(new App(), 'c');
    new Construct(plain, 'x');
    expect(Object.getPrototypeOf(table(plain))).toBe(Object.prototype);
  });
});

class MarkerApp extends App {}

describe('compat: keepEmptyConfigMapValues (ConfigMap private synthesizeData)', () => {
  test('cdk8s-plus still drops data whose values are all empty (the reason the function exists); kept with it, additions too', () => {
    const chart = testChart();
    new kplus.ConfigMap(chart, 'plain', { metadata: { name: 'plain' }, data: { FLAG: '' } });
    const kept = new kplus.ConfigMap(chart, 'kept', { metadata: { name: 'kept' }, data: { FLAG: '' } });
    keepEmptyConfigMapValues(kept);
    kept.addData('LATER', 'x');
    const out = Testing.synth(chart);
    expect(out.find((o) => o.metadata.name === 'plain')?.data).toBeUndefined();
    expect(out.find((o) => o.metadata.name === 'kept')?.data).toEqual({ FLAG: '', LATER: 'x' });
  });
});
