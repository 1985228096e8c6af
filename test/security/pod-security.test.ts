import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { addContainer, resolveContainer } from '../../lib/workload/container';
import {
  AddableCapability,
  ContainerSecurityOptions,
  DEFAULT_USER_ID,
  PodSecurityOptions,
  SeccompProfile,
  applyPodSecurity,
  containerSecurityContextProps,
  podSecurityContextProps,
  resolvePodSecurity,
} from '../../lib/security/pod-security';
import { find, podSpecOf, restrictedViolations, testChart } from '../util';

/** A Deployment built the way the library's workloads build theirs. */
function deployment(pod: PodSecurityOptions = {}, container: ContainerSecurityOptions = {}) {
  const chart = testChart();
  const resolved = resolvePodSecurity(chart, pod);
  const d = new kplus.Deployment(chart, 'web', {
    metadata: { name: 'web' },
    select: false,
    podMetadata: { labels: { app: 'web' } },
    securityContext: podSecurityContextProps(resolved),
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'web'),
  });
  d.select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
  addContainer(chart, d, resolveContainer(chart, 'main', { image: 'nginx:1.27.3', securityContext: container }, resolved));
  applyPodSecurity(d, resolved);
  return podSpecOf(find(Testing.synth(chart), 'Deployment', 'web'));
}

describe('pod security defaults', () => {
  test('a default pod passes Pod Security restricted', () => {
    const spec = deployment();
    expect(restrictedViolations(spec)).toEqual([]);
    expect(spec.securityContext).toEqual({
      fsGroup: DEFAULT_USER_ID,
      fsGroupChangePolicy: 'OnRootMismatch',
      runAsGroup: DEFAULT_USER_ID,
      runAsNonRoot: true,
      runAsUser: DEFAULT_USER_ID,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('the container drops ALL capabilities, cannot escalate and has a read-only root filesystem', () => {
    const c = deployment().containers.find((x: { name: string }) => x.name === 'main');
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: DEFAULT_USER_ID,
      runAsNonRoot: true,
      runAsUser: DEFAULT_USER_ID,
    });
  });

  test('NET_BIND_SERVICE may be added back and still passes restricted', () => {
    const spec = deployment({}, { addCapabilities: [AddableCapability.NET_BIND_SERVICE] });
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
    expect(restrictedViolations(spec)).toEqual([]);
  });

  test('a CronJob gets its seccomp profile in the job template', () => {
    const chart = testChart();
    const resolved = resolvePodSecurity(chart);
    const cj = new kplus.CronJob(chart, 'backup', {
      metadata: { name: 'backup' },
      schedule: Cron.daily(),
      securityContext: podSecurityContextProps(resolved),
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'sa', 'backup'),
    });
    addContainer(chart, cj, resolveContainer(chart, 'main', { image: 'busybox:1.36' }, resolved));
    applyPodSecurity(cj, resolved);
    const m = find(Testing.synth(chart), 'CronJob', 'backup');
    const spec = m.spec.jobTemplate.spec.template.spec;
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(restrictedViolations(spec)).toEqual([]);
  });
});

describe('pod security opt-outs', () => {
  test('runAsNonRoot: false is emitted and fails restricted', () => {
    const spec = deployment({ runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 });
    expect(spec.securityContext.runAsNonRoot).toBe(false);
    expect(restrictedViolations(spec)).toEqual(expect.arrayContaining(['main: runAsNonRoot not true', 'main: runAsUser 0']));
  });

  test('seccomp Unconfined is emitted and fails restricted', () => {
    const spec = deployment({ seccompProfile: SeccompProfile.UNCONFINED });
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'Unconfined' });
    expect(restrictedViolations(spec)).toEqual(['main: seccompProfile Unconfined']);
  });

  test('allowPrivilegeEscalation: true is emitted and fails restricted', () => {
    const spec = deployment({}, { allowPrivilegeEscalation: true });
    expect(spec.containers[0].securityContext.allowPrivilegeEscalation).toBe(true);
    expect(restrictedViolations(spec)).toEqual(['main: allowPrivilegeEscalation not false']);
  });

  test('readOnlyRootFilesystem: false is emitted (restricted does not require it)', () => {
    const spec = deployment({}, { readOnlyRootFilesystem: false });
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(restrictedViolations(spec)).toEqual([]);
  });

  test('privileged with the explicit opt-out is emitted, escalation on, and fails restricted', () => {
    const spec = deployment({}, { privileged: true, allowPrivileged: true });
    const sc = spec.containers[0].securityContext;
    expect(sc.privileged).toBe(true);
    // the API server rejects privileged: true with allowPrivilegeEscalation: false
    expect(sc.allowPrivilegeEscalation).toBe(true);
    expect(restrictedViolations(spec)).toEqual(expect.arrayContaining(['main: privileged']));
  });
});

describe('pod security validation', () => {
  test('a privileged container without the explicit opt-out throws', () => {
    const chart = testChart();
    const pod = resolvePodSecurity(chart);
    expect(() => containerSecurityContextProps(chart, pod, { privileged: true })).toThrow(
      "test: 'securityContext.privileged' must not be true without the explicit opt-out 'allowPrivileged: true'",
    );
  });

  test('a privileged container through resolveContainer names the container prop', () => {
    const chart = testChart();
    const pod = resolvePodSecurity(chart);
    expect(() => resolveContainer(chart, 'main', { image: 'nginx:1.27.3', securityContext: { privileged: true } }, pod, 'containers[0]'))
      .toThrow(/'containers\[0\]\.securityContext\.privileged' must not be true/);
  });

  test('privileged with allowPrivilegeEscalation false throws (the API server would reject it)', () => {
    const chart = testChart();
    const pod = resolvePodSecurity(chart);
    expect(() => containerSecurityContextProps(chart, pod, { privileged: true, allowPrivileged: true, allowPrivilegeEscalation: false }))
      .toThrow(/'securityContext.allowPrivilegeEscalation' must not be false while privileged is true/);
  });

  test('a capability other than NET_BIND_SERVICE throws', () => {
    const chart = testChart();
    const pod = resolvePodSecurity(chart);
    expect(() => containerSecurityContextProps(chart, pod, { addCapabilities: ['SYS_ADMIN' as AddableCapability] }))
      .toThrow(/'securityContext.addCapabilities' may only contain NET_BIND_SERVICE .*got "SYS_ADMIN"/);
  });

  test('runAsUser 0 with runAsNonRoot throws', () => {
    expect(() => resolvePodSecurity(testChart(), { runAsUser: 0 })).toThrow(
      "test: 'securityContext.runAsUser' must not be 0 while runAsNonRoot is true, got 0",
    );
  });

  test.each([
    ['runAsUser', { runAsUser: -1 }, /'securityContext.runAsUser' must be between 0 and 2147483647, got -1/],
    ['runAsGroup', { runAsGroup: 1.5 }, /'securityContext.runAsGroup' must be an integer, got 1.5/],
    ['fsGroup', { fsGroup: 2147483648 }, /'securityContext.fsGroup' must be between 0 and 2147483647, got 2147483648/],
  ])('an invalid %s throws', (_name, opts, message) => {
    expect(() => resolvePodSecurity(testChart(), opts as PodSecurityOptions)).toThrow(message);
  });

  test('fsGroup defaults to runAsGroup', () => {
    expect(resolvePodSecurity(testChart(), { runAsGroup: 2000 }).fsGroup).toBe(2000);
  });
});
