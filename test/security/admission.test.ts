import { ApiObject, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Namespace, NamespaceProps, PodSecurityLevel } from '../../lib/security/namespace';
import { SeccompProfile } from '../../lib/security/pod-security';
import { PersistentVolumeClaim } from '../../lib/storage/storage';
import { AppPod } from '../../lib/workload/pods';
import { DatabaseReplication, StatefulDatabase } from '../../lib/workload/stateful-database';
import { WebApp, WebAppProps } from '../../lib/workload/web-app';
import { BlueGreenDeployment } from '../../lib/workload/blue-green';

/** A chart `dev` in namespace `dev` with a Namespace construct `Ns`. */
function env(ns: Partial<NamespaceProps> = {}): Chart {
  const chart = new Chart(Testing.app(), 'dev', { namespace: 'dev', disableResourceNameHashes: true });
  new Namespace(chart, 'Ns', { name: 'dev', ...ns });
  return chart;
}

function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the synth to throw');
}

const web = (props: Partial<WebAppProps> = {}): WebAppProps => ({ name: 'api', image: 'nginx:1.27.3', ...props });

describe('Pod Security enforce at synth', () => {
  test('a pod running as root (with its opt-in) in a restricted namespace names the pod, the namespace and the setting', () => {
    const chart = env();
    new WebApp(chart, 'Api', web({ podSecurity: { runAsNonRoot: false, runAsUser: 0, allowRunAsRoot: true } }));
    const msg = synthError(chart);
    expect(msg).toContain('dev/Api/Deployment/Resource: \'securityContext.runAsUser\' must not be 0 (namespace "dev" enforces Pod Security "restricted" (dev/Ns/Namespace/Resource): the API server would reject the pods of Deployment "api"), got 0');
    expect(msg).toContain('dev/Api/Deployment/Resource: \'containers[api].securityContext.runAsNonRoot\' must be true (namespace "dev" enforces Pod Security "restricted" (dev/Ns/Namespace/Resource): the API server would reject the pods of Deployment "api"), got false');
  });

  test('the same pod passes a baseline namespace', () => {
    const chart = env({ podSecurity: { enforce: PodSecurityLevel.BASELINE } });
    new WebApp(chart, 'Api', web({ podSecurity: { runAsNonRoot: false, runAsUser: 0, allowRunAsRoot: true } }));
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('escalation and extra capabilities fail restricted; capabilities beyond the baseline set fail baseline too', () => {
    const chart = env({ podSecurity: { enforce: PodSecurityLevel.BASELINE } });
    new AppPod(chart, 'Debug', { name: 'debug', image: 'busybox:1.36.1', securityContext: { addCapabilities: ['SYS_PTRACE'], allowExtraCapabilities: true, allowPrivilegeEscalation: true, allowEscalation: true } });
    expect(synthError(chart)).toBe('dev/Debug/Pod/Resource: \'containers[app].securityContext.capabilities.add\' must contain only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT (namespace "dev" enforces Pod Security "baseline" (dev/Ns/Namespace/Resource): the API server would reject the pods of Pod "debug"), got "SYS_PTRACE"');
  });

  test('seccomp Unconfined fails even baseline; privileged too', () => {
    const chart = env({ podSecurity: { enforce: PodSecurityLevel.BASELINE } });
    new WebApp(chart, 'Api', web({ podSecurity: { seccompProfile: SeccompProfile.UNCONFINED, allowUnconfinedSeccomp: true }, securityContext: { privileged: true, allowPrivileged: true } }));
    const msg = synthError(chart).split('\n');
    expect(msg).toEqual([
      expect.stringMatching(/^dev\/Api\/Deployment\/Resource: 'securityContext.seccompProfile.type' must not be Unconfined \(namespace "dev" enforces Pod Security "baseline" .*, got "Unconfined"$/),
      expect.stringMatching(/^dev\/Api\/Deployment\/Resource: 'containers\[api\].securityContext.privileged' must be false or unset .*, got true$/),
    ]);
  });

  test('escape-hatch edits are seen (the check reads the rendered manifest): hostNetwork, hostPath, hostPort', () => {
    const chart = env();
    const api = new WebApp(chart, 'Api', web());
    const obj = ApiObject.of(api.deployment);
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/hostNetwork', true));
    expect(synthError(chart)).toMatch(/^dev\/Api\/Deployment\/Resource: 'hostNetwork' must be false or unset \(namespace "dev" enforces Pod Security "restricted"/);
  });

  test('pods outside any Namespace construct are not checked (their namespace is unknown)', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'other' });
    new WebApp(chart, 'Api', web({ podSecurity: { runAsNonRoot: false, allowRunAsRoot: true } }));
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});

describe('LimitRange at synth (defaults applied as the API server does)', () => {
  const limits = (l: NamespaceProps['limitRange']): Partial<NamespaceProps> => ({ limitRange: l });

  test('a limit above the maximum names the container, the LimitRange, the namespace and the numbers', () => {
    const chart = env(limits({ max: { cpu: kplus.Cpu.units(1), memory: Size.gibibytes(1) } }));
    new WebApp(chart, 'Api', web({ resources: { cpuRequest: kplus.Cpu.millis(500), cpuLimit: kplus.Cpu.units(2) } }));
    expect(synthError(chart)).toBe('dev/Api/Deployment/Resource: \'containers[api].resources.limits.cpu\' must be <= 1 (the maximum of LimitRange "default-limits" in namespace "dev"), got 2');
  });

  test('a request below the minimum', () => {
    const chart = env(limits({ min: { memory: Size.mebibytes(256) } }));
    new WebApp(chart, 'Api', web());
    expect(synthError(chart)).toBe('dev/Api/Deployment/Resource: \'containers[api].resources.requests.memory\' must be >= 256Mi (the minimum of LimitRange "default-limits" in namespace "dev"), got 128Mi');
  });

  test('a default limit below the request the container sets: the pod would be invalid after defaulting', () => {
    const chart = env(limits({ defaultLimit: { cpu: kplus.Cpu.millis(200) } }));
    const pod = new kplus.Pod(chart, 'Raw', { metadata: { name: 'raw' }, securityContext: { ensureNonRoot: true, user: 1000 } });
    pod.addContainer({ name: 'c', image: 'nginx:1.27.3', resources: { cpu: { request: kplus.Cpu.millis(300) } }, securityContext: { allowPrivilegeEscalation: false } });
    const msg = synthError(chart);
    expect(msg).toContain('dev/Raw/Resource: \'containers[c].resources.requests.cpu\' must be <= its limit 200m (after the LimitRange defaults are applied) in namespace "dev", got 300m');
  });

  test('claims: a PVC and the claim templates of a StatefulSet larger than the maximum claim size', () => {
    const chart = env(limits({ maxClaimStorage: Size.gibibytes(10) }));
    new PersistentVolumeClaim(chart, 'Big', { name: 'big', size: '1536Gi' });
    new StatefulDatabase(chart, 'Db', { name: 'db', image: 'postgres:16.4', ports: [{ name: 'pg', port: 5432 }], volumeClaimTemplates: [{ name: 'data', size: '20Gi', mountPath: '/data' }] });
    expect(synthError(chart).split('\n')).toEqual([
      'dev/Big/Resource: \'spec.resources.requests.storage\' must be <= 10Gi (the maximum claim size of LimitRange "default-limits" in namespace "dev"), got 1536Gi',
      'dev/Db/StatefulSet/Resource: \'spec.volumeClaimTemplates[data].spec.resources.requests.storage\' must be <= 10Gi (the maximum claim size of LimitRange "default-limits" in namespace "dev"), got 20Gi',
    ]);
  });

  test('claims within the bounds pass', () => {
    const chart = env(limits({ minClaimStorage: Size.gibibytes(1), maxClaimStorage: Size.gibibytes(10) }));
    new PersistentVolumeClaim(chart, 'Ok', { name: 'ok', size: '1536Mi' });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});

describe('ResourceQuota at full scale', () => {
  test('requests at the autoscaler\'s maximum plus the rolling-update surge: the error lists each contributor', () => {
    const chart = env({ resourceQuota: { requestsCpu: kplus.Cpu.units(1) } });
    new WebApp(chart, 'Api', web({ autoscaling: { minReplicas: 2, maxReplicas: 10 } }));
    expect(synthError(chart)).toBe('dev/Ns/ResourceQuota: \'spec.hard.requests.cpu\' must cover what namespace "dev" runs at full scale (1300m: Deployment "api" 10 (maxReplicas of HorizontalPodAutoscaler "api") + 3 surge during a rolling update × 100m), got 1');
  });

  test('blue/green counts both slots; a StatefulSet its replicas', () => {
    const chart = env({ resourceQuota: { pods: 7 } });
    new BlueGreenDeployment(chart, 'Web', { name: 'web', versions: [{ name: 'blue', image: 'nginx:1.27.3' }, { name: 'green', image: 'nginx:1.27.4' }], activeVersion: 'blue', strategy: undefined, replicas: 2 });
    new StatefulDatabase(chart, 'Db', { name: 'db', replicas: 3, replication: DatabaseReplication.independent(), image: 'postgres:16.4', ports: [{ name: 'pg', port: 5432 }] });
    expect(synthError(chart)).toBe('dev/Ns/ResourceQuota: \'spec.hard.pods\' must cover what namespace "dev" runs at full scale (9: Deployment "web-blue" 2 replicas + 1 surge during a rolling update: 3, Deployment "web-green" 2 replicas + 1 surge during a rolling update: 3, StatefulSet "db" 3 replicas: 3), got 7');
  });

  test('memory limits and claim storage; a quota that fits passes', () => {
    const chart = env({ resourceQuota: { limitsMemory: Size.mebibytes(512), requestsStorage: Size.gibibytes(25) } });
    new StatefulDatabase(chart, 'Db', { name: 'db', replicas: 3, replication: DatabaseReplication.independent(), image: 'postgres:16.4', ports: [{ name: 'pg', port: 5432 }], volumeClaimTemplates: [{ name: 'data', size: '10Gi', mountPath: '/data' }] });
    expect(synthError(chart).split('\n')).toEqual([
      'dev/Ns/ResourceQuota: \'spec.hard.limits.memory\' must cover what namespace "dev" runs at full scale (768Mi: StatefulSet "db" 3 replicas × 256Mi), got 512Mi',
      'dev/Ns/ResourceQuota: \'spec.hard.requests.storage\' must cover what namespace "dev" runs at full scale (30Gi: the claims "data-db-<n>" of StatefulSet "db" 3 × 10Gi), got 25Gi',
    ]);
    const ok = env({ resourceQuota: { limitsMemory: Size.gibibytes(1), requestsStorage: Size.gibibytes(30) } });
    new StatefulDatabase(ok, 'Db', { name: 'db', replicas: 3, replication: DatabaseReplication.independent(), image: 'postgres:16.4', ports: [{ name: 'pg', port: 5432 }], volumeClaimTemplates: [{ name: 'data', size: '10Gi', mountPath: '/data' }] });
    expect(() => Testing.synth(ok)).not.toThrow();
  });

  test('a pod without a cpu request in a namespace with a requests.cpu quota and no LimitRange default', () => {
    const chart = env({ resourceQuota: { requestsCpu: kplus.Cpu.units(4) } });
    const pod = new kplus.Pod(chart, 'Raw', { metadata: { name: 'raw' }, securityContext: { ensureNonRoot: true, user: 1000 } });
    pod.addContainer({ name: 'c', image: 'nginx:1.27.3', resources: {}, securityContext: { allowPrivilegeEscalation: false } });
    expect(synthError(chart)).toContain('dev/Raw/Resource: \'containers[c].resources.requests.cpu\' must be set (ResourceQuota "default-quota" of namespace "dev" limits requests.cpu, and no LimitRange default applies), got none');
  });

  test('counts: configmaps include kube-root-ca.crt; services', () => {
    const chart = env({ resourceQuota: { configMaps: 1, services: 1 } });
    new ApiObject(chart, 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    new WebApp(chart, 'A', web({ name: 'a' }));
    new WebApp(chart, 'B', web({ name: 'b' }));
    expect(synthError(chart).split('\n')).toEqual([
      'dev/Ns/ResourceQuota: \'spec.hard.services\' must cover what namespace "dev" runs at full scale (2: Service "a", Service "b"), got 1',
      'dev/Ns/ResourceQuota: \'spec.hard.configmaps\' must cover what namespace "dev" runs at full scale (2: ConfigMap "kube-root-ca.crt" (in every namespace), ConfigMap "x"), got 1',
    ]);
  });
});
