import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { KubecraftApp } from '../../lib/core/app';
import {
  DEFAULT_KUBERNETES_VERSION, FEATURES, KUBERNETES_VERSION_CONTEXT, KUBERNETES_VERSION_FILE, hasFeature, kubernetesVersionOf, requireFeature,
} from '../../lib/core/target-version';
import { AppPod } from '../../lib/workload/pods';

describe('the target Kubernetes version', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-target-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('defaults to 1.27, the oldest supported (what cdk8s-plus-27 targets)', () => {
    const app = new KubecraftApp({ outdir: path.join(tmp, 'dist') });
    const chart = new Chart(app, 'c');
    expect(DEFAULT_KUBERNETES_VERSION).toBe('1.27');
    expect(kubernetesVersionOf(chart)).toBe('1.27');
    expect(hasFeature(chart, FEATURES.NATIVE_SIDECARS)).toBe(false);
  });

  test('a KubecraftApp prop sets it for every construct, through the context key', () => {
    const app = new KubecraftApp({ outdir: path.join(tmp, 'dist'), kubernetesVersion: '1.30' });
    const chart = new Chart(app, 'c');
    expect(app.node.tryGetContext(KUBERNETES_VERSION_CONTEXT)).toBe('1.30');
    expect(kubernetesVersionOf(chart)).toBe('1.30');
    expect(hasFeature(chart, FEATURES.NATIVE_SIDECARS)).toBe(true);
  });

  test.each([['v1.29'], ['1.29.4'], ['1.29']])('accepts %s as 1.29', (given) => {
    const app = Testing.app();
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, given);
    expect(kubernetesVersionOf(new Chart(app, 'c'))).toBe('1.29');
  });

  test('the context key works on a plain cdk8s App too, or on one chart', () => {
    const app = new App({ outdir: path.join(tmp, 'dist') });
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.31');
    expect(kubernetesVersionOf(new Chart(app, 'a'))).toBe('1.31');
    const other = Testing.app();
    const chart = new Chart(other, 'b');
    chart.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.29');
    expect(kubernetesVersionOf(new Chart(chart, 'inner'))).toBe('1.29');
  });

  test.each([
    ['an older version', '1.26', '"1.26"'],
    ['a major version 2', '2.0', '"2.0"'],
    ['a word', 'latest', '"latest"'],
    ['a number', 1.29, '1.29'],
  ])('a KubecraftApp rejects %s', (_what, given, shown) => {
    expect(() => new KubecraftApp({ outdir: path.join(tmp, 'dist'), kubernetesVersion: given as string })).toThrow(
      `<root>: 'kubernetesVersion' must be a Kubernetes version such as "1.29" (1.27 or newer), got ${shown}`);
  });

  test('a bad context value fails where it is read, naming the key', () => {
    const app = Testing.app();
    app.node.setContext(KUBERNETES_VERSION_CONTEXT, '1.2x');
    const chart = new Chart(app, 'c');
    expect(() => kubernetesVersionOf(chart)).toThrow(
      `c: 'context kubecraft.dev/kubernetes-version' must be a Kubernetes version such as "1.29" (1.27 or newer), got "1.2x"`);
  });

  test('a feature the target lacks fails clearly, saying how to raise the target', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => requireFeature(chart, 'sidecars[0].native', FEATURES.NATIVE_SIDECARS)).toThrow(
      `c: 'sidecars[0].native' needs Kubernetes 1.29 or newer for a native sidecar (an init container with restartPolicy: Always), `
      + `but the app targets 1.27; set it with new KubecraftApp({ kubernetesVersion: '1.29' }) or the context key "kubecraft.dev/kubernetes-version"`);
  });

  test('synth writes the target next to the manifests only when the app sets one (no file: the default)', () => {
    const plain = new KubecraftApp({ outdir: path.join(tmp, 'plain') });
    new AppPod(new Chart(plain, 'c'), 'p', { image: 'busybox:1.36.1' });
    plain.synth();
    expect(fs.readdirSync(path.join(tmp, 'plain'))).toEqual(['c.k8s.yaml']);

    const targeted = new KubecraftApp({ outdir: path.join(tmp, 'targeted'), kubernetesVersion: 'v1.30.2' });
    new AppPod(new Chart(targeted, 'c'), 'p', { image: 'busybox:1.36.1' });
    targeted.synth();
    expect(fs.readdirSync(path.join(tmp, 'targeted')).sort()).toEqual([KUBERNETES_VERSION_FILE, 'c.k8s.yaml'].sort());
    expect(fs.readFileSync(path.join(tmp, 'targeted', KUBERNETES_VERSION_FILE), 'utf8')).toBe('1.30\n');
    // kubectl apply -f DIR reads only .json, .yaml and .yml files
    expect(KUBERNETES_VERSION_FILE).not.toMatch(/\.(json|ya?ml)$/);
  });
});
