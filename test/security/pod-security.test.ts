import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { addContainer, resolveContainer } from '../../lib/workload/container';
import {
  AddableCapability,
  ContainerSecurityOptions,
  DEFAULT_USER_ID,
  LinuxCapability,
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
    const spec = deployment({ runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, allowRunAsRoot: true });
    expect(spec.securityContext.runAsNonRoot).toBe(false);
    expect(restrictedViolations(spec)).toEqual(expect.arrayContaining(['main: runAsNonRoot not true', 'main: runAsUser 0']));
  });

  test('seccomp Unconfined is emitted and fails restricted', () => {
    const spec = deployment({ seccompProfile: SeccompProfile.UNCONFINED, allowUnconfinedSeccomp: true });
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'Unconfined' });
    expect(restrictedViolations(spec)).toEqual(['main: seccompProfile Unconfined']);
  });

  test('allowPrivilegeEscalation: true is emitted and fails restricted', () => {
    const spec = deployment({}, { allowPrivilegeEscalation: true, allowEscalation: true });
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
      .toThrow(/'securityContext.addCapabilities' may only contain NET_BIND_SERVICE .*without the explicit opt-in 'allowExtraCapabilities: true', got "SYS_ADMIN"/);
  });

  test.each([
    ['runAsNonRoot false', { runAsNonRoot: false }, "test: 'podSecurity.runAsNonRoot' must not be false without the explicit opt-in 'allowRunAsRoot: true' (it fails Pod Security restricted), got false"],
    ['runAsUser 0', { runAsNonRoot: false, runAsUser: 0 }, "test: 'podSecurity.runAsNonRoot' must not be false without the explicit opt-in 'allowRunAsRoot: true' (it fails Pod Security restricted), got false"],
    ['seccomp Unconfined', { seccompProfile: SeccompProfile.UNCONFINED }, "test: 'podSecurity.seccompProfile' must not be Unconfined without the explicit opt-in 'allowUnconfinedSeccomp: true' (it fails Pod Security baseline and restricted), got \"Unconfined\""],
    ['an unknown seccomp profile', { seccompProfile: 'Localhost' as SeccompProfile }, 'test: \'podSecurity.seccompProfile\' must be one of RuntimeDefault, Unconfined, got "Localhost"'],
    ['a misspelt opt-in', { allowRoot: true } as PodSecurityOptions, "test: 'podSecurity.allowRoot' is not a setting (settings: runAsNonRoot, runAsUser, runAsGroup, fsGroup, seccompProfile, allowRunAsRoot, allowUnconfinedSeccomp), got true"],
    ['a string runAsNonRoot (JavaScript)', { runAsNonRoot: 'false' as unknown as boolean }, 'test: \'podSecurity.runAsNonRoot\' must be true or false, got "false"'],
    ['a string podSecurity (JavaScript)', 'restricted' as unknown as PodSecurityOptions, 'test: \'podSecurity\' must be an object of key-value pairs, got "restricted"'],
  ])('every relaxation of restricted needs its named opt-in: %s', (_n, opts, message) => {
    expect(() => resolvePodSecurity(testChart(), opts)).toThrow(new Error(message));
  });

  test('root with the opt-in resolves (for a namespace that enforces baseline)', () => {
    expect(resolvePodSecurity(testChart(), { runAsNonRoot: false, runAsUser: 0, allowRunAsRoot: true })).toMatchObject({ runAsNonRoot: false, runAsUser: 0 });
    expect(resolvePodSecurity(testChart(), { runAsNonRoot: false, allowRunAsRoot: true }).runAsUser).toBe(DEFAULT_USER_ID);
  });

  test.each([
    ['allowPrivilegeEscalation true', { allowPrivilegeEscalation: true }, "test: 'securityContext.allowPrivilegeEscalation' must not be true without the explicit opt-in 'allowEscalation: true' (it fails Pod Security restricted), got true"],
    ['SYS_PTRACE', { addCapabilities: ['SYS_PTRACE'] }, 'test: \'securityContext.addCapabilities\' may only contain NET_BIND_SERVICE (Pod Security "restricted") without the explicit opt-in \'allowExtraCapabilities: true\', got "SYS_PTRACE"'],
    ['a CAP_-prefixed name', { addCapabilities: ['CAP_NET_ADMIN' as LinuxCapability], allowExtraCapabilities: true }, /^test: 'securityContext.addCapabilities\[0\]' must be one of AUDIT_CONTROL, .*, got "CAP_NET_ADMIN"$/],
    ['a capability twice', { addCapabilities: ['NET_BIND_SERVICE', 'NET_BIND_SERVICE'] }, 'test: \'securityContext.addCapabilities\' must not contain duplicates, got "NET_BIND_SERVICE" twice'],
    ['a string addCapabilities (JavaScript)', { addCapabilities: 'NET_ADMIN' as unknown as LinuxCapability[] }, 'test: \'securityContext.addCapabilities\' must be an array of strings, got "NET_ADMIN"'],
    ['a string privileged (JavaScript)', { privileged: 'yes' as unknown as boolean }, 'test: \'securityContext.privileged\' must be true or false, got "yes"'],
    ['a misspelt opt-in', { allowEscalations: true } as ContainerSecurityOptions, /^test: 'securityContext.allowEscalations' is not a setting \(settings: .*\), got true$/],
  ])('container relaxations need their named opt-in: %s', (_n, opts, message) => {
    const chart = testChart();
    expect(() => containerSecurityContextProps(chart, resolvePodSecurity(chart), opts as ContainerSecurityOptions)).toThrow(typeof message === 'string' ? new Error(message) : message);
  });

  test('with their opt-ins, escalation and extra capabilities are emitted', () => {
    const chart = testChart();
    const sc = containerSecurityContextProps(chart, resolvePodSecurity(chart), { allowPrivilegeEscalation: true, allowEscalation: true, addCapabilities: ['NET_ADMIN', 'NET_BIND_SERVICE'], allowExtraCapabilities: true });
    expect(sc.allowPrivilegeEscalation).toBe(true);
    expect(sc.capabilities?.add).toEqual(['NET_ADMIN', 'NET_BIND_SERVICE']);
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
