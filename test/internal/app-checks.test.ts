import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { KubecraftApp } from '../../lib/core/app';
import { installAppChecks } from '../../lib/internal/app-checks';
import { Namespace } from '../../lib/security/namespace';
import { StorageClass } from '../../lib/storage/storage';
import { ConfigBundle } from '../../lib/config/config-bundle';
import { WebApp } from '../../lib/workload/web-app';
import { BlueGreenDeployment } from '../../lib/workload/blue-green';

/** The message the synth of `chart` throws (fails the test when it does not throw). */
function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the synth to throw');
}

function cm(scope: Construct, id: string, name: string, namespace?: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
}

describe('app-wide checks at synth', () => {
  test('two WebApps named api in one namespace: the error names both construct paths', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'dev', { namespace: 'dev' });
    new WebApp(chart, 'Api', { name: 'api', image: 'nginx:1.27.3' });
    new WebApp(chart, 'Api2', { name: 'api', image: 'nginx:1.27.3' });
    const msg = synthError(chart);
    expect(msg).toContain("dev/Api2/Deployment/Resource: 'metadata.name' must be unique per apiVersion group, kind and namespace (kubectl apply would keep only one of the two), got Deployment.apps \"api\" in namespace \"dev\", also emitted by dev/Api/Deployment/Resource");
    expect(msg).toContain("dev/Api2/Service/Resource: 'metadata.name' must be unique per apiVersion group, kind and namespace (kubectl apply would keep only one of the two), got Service \"api\" in namespace \"dev\", also emitted by dev/Api/Service/Resource");
  });

  test('a BlueGreenDeployment web next to a WebApp web-blue collide on Deployment and Service web-blue', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'demo' });
    new BlueGreenDeployment(chart, 'Web', { name: 'web', versions: [{ name: 'blue', image: 'nginx:1.27.3' }], activeVersion: 'blue' });
    new WebApp(chart, 'WebBlue', { name: 'web-blue', image: 'nginx:1.27.3' });
    expect(synthError(chart)).toMatch(/^c\/WebBlue\/Deployment\/Resource: 'metadata.name' must be unique .* got Deployment.apps "web-blue" in namespace "demo", also emitted by c\/Web\/Deployment-blue\/Resource$/m);
  });

  test('two bundles producing the same ConfigMap', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'demo' });
    new ConfigBundle(chart, 'A', { name: 'api', data: { a: '1' } });
    new ConfigBundle(chart, 'B', { name: 'x', configMapName: 'api-config', data: { b: '2' } });
    expect(synthError(chart)).toMatch(/^c\/B\/ConfigMap\/Resource: 'metadata.name' must be unique .*got ConfigMap "api-config" in namespace "demo", also emitted by c\/A\/ConfigMap\/Resource/);
  });

  test('a Namespace or a StorageClass twice, across charts (cluster-scoped: chart namespaces do not matter)', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'one' });
    const b = new Chart(app, 'b', { namespace: 'two' });
    new Namespace(a, 'Ns', { name: 'shared' });
    new Namespace(b, 'Ns', { name: 'shared' });
    new StorageClass(a, 'Sc', { name: 'fast', provisioner: 'ebs.csi.aws.com' });
    new StorageClass(b, 'Sc', { name: 'fast', provisioner: 'ebs.csi.aws.com' });
    const msg = synthError(a);
    expect(msg).toContain("b/Ns/Namespace/Resource: 'metadata.name' must be unique per apiVersion group, kind and namespace (kubectl apply would keep only one of the two), got Namespace \"shared\" cluster-scoped, also emitted by a/Ns/Namespace/Resource");
    expect(msg).toContain("b/Sc/Resource: 'metadata.name' must be unique per apiVersion group, kind and namespace (kubectl apply would keep only one of the two), got StorageClass.storage.k8s.io \"fast\" cluster-scoped, also emitted by a/Sc/Resource");
  });

  test('same name in other namespaces, other kinds or other groups is fine; the same group in two versions is not', () => {
    const app = Testing.app();
    installAppChecks(app);
    const chart = new Chart(app, 'c');
    cm(chart, 'a', 'x', 'one');
    cm(chart, 'b', 'x', 'two');
    new ApiObject(chart, 's', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'one' } });
    new ApiObject(chart, 'h1', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x', namespace: 'one' } });
    expect(() => Testing.synth(chart)).not.toThrow();
    new ApiObject(chart, 'h2', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x', namespace: 'one' } });
    expect(synthError(chart)).toBe("c/h2: 'metadata.name' must be unique per apiVersion group, kind and namespace (kubectl apply would keep only one of the two), got HorizontalPodAutoscaler.autoscaling \"x\" in namespace \"one\", also emitted by c/h1");
  });

  test('a chart namespace that is not a DNS label is refused at synth', () => {
    const app = new KubecraftApp({ outdir: '/nonexistent-never-written' });
    const chart = new Chart(app, 'c', { namespace: 'Not_Valid' });
    cm(chart, 'a', 'x');
    expect(() => app.synthYaml()).toThrow(new Error("c: 'namespace' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most 63 characters), got \"Not_Valid\""));
  });

  test('an object namespace that is not a DNS label is refused at synth', () => {
    const app = new KubecraftApp({ outdir: '/nonexistent-never-written' });
    cm(new Chart(app, 'c'), 'a', 'x', 'a'.repeat(64));
    expect(() => app.synthYaml()).toThrow(/^c\/a: 'metadata.namespace' must be a DNS-1123 label .*got "a{64}"$/);
  });

  test('KubecraftApp installs the checks even for apps made of plain ApiObjects', () => {
    const app = new KubecraftApp({ outdir: '/nonexistent-never-written' });
    const chart = new Chart(app, 'c', { namespace: 'demo' });
    cm(chart, 'a', 'x');
    cm(chart, 'b', 'x');
    expect(() => app.synthYaml()).toThrow(/^c\/b: 'metadata.name' must be unique/);
  });
});
