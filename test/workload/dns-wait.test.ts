import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DEFAULT_DNS_WAIT_IMAGE, DNS_WAIT_SCRIPT, DnsNameForm, addDnsWait, dnsWaitInitContainer } from '../../lib/workload/dns-wait';
import { AppPod } from '../../lib/workload/pods';
import { ServiceEndpoint } from '../../lib/network/wiring';
import { FixtureBackend as Backend } from '../backend-fixture';
import { Manifest, find, podSpecOf, restrictedViolations, testChart } from '../util';

function initContainer(spec: Manifest, name: string): Manifest {
  const hit = (spec.initContainers ?? []).filter((c: Manifest) => c.name === name);
  if (hit.length !== 1) throw new Error(`expected one init container ${name}, found ${hit.length}`);
  return hit[0];
}

function env(c: Manifest): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e: Manifest) => [e.name, e.value]));
}

describe('dnsWaitInitContainer', () => {
  test('waits for the backend FQDN with a pinned busybox and a timeout', () => {
    const chart = testChart('prod');
    const api = new Backend(chart, 'api');
    const opts = dnsWaitInitContainer(api, { timeout: Duration.minutes(1) });
    expect(opts.name).toBe('wait-for-api');
    expect(opts.image).toBe(DEFAULT_DNS_WAIT_IMAGE);
    expect(DEFAULT_DNS_WAIT_IMAGE).toBe('busybox:1.36.1');
    expect(opts.command).toEqual(['sh', '-c', DNS_WAIT_SCRIPT]);
    expect(opts.env).toEqual({ DNS_NAME: 'api.prod.svc.cluster.local', TIMEOUT_SECONDS: '60', INTERVAL_SECONDS: '2' });
  });

  test('accepts a ServiceEndpoint (custom cluster domain) or a literal name', () => {
    const endpoint = new ServiceEndpoint('db', 'data', [], 'k8s.example');
    expect(dnsWaitInitContainer(endpoint).env).toMatchObject({ DNS_NAME: 'db.data.svc.k8s.example', TIMEOUT_SECONDS: '120' });
    const pod0 = dnsWaitInitContainer('db-0.db.data.svc.cluster.local');
    expect(pod0.name).toBe('wait-for-db-0');
    expect(pod0.env).toMatchObject({ DNS_NAME: 'db-0.db.data.svc.cluster.local' });
  });

  test('added to a workload, it is a restricted init container with small resources and no probes or volumes', () => {
    const chart = testChart('dev');
    const api = new Backend(chart, 'api');
    const web = new AppPod(chart, 'web', { image: 'nginx:1.27.3', ports: [{ name: 'http', port: 8080 }] });
    addDnsWait(web.pod, api, { timeout: Duration.seconds(30), interval: Duration.seconds(3) });
    const spec = podSpecOf(find(Testing.synth(chart), 'Pod', 'web'));
    const c = initContainer(spec, 'wait-for-api');
    expect(restrictedViolations(spec)).toEqual([]);
    expect(c.image).toBe('busybox:1.36.1');
    expect(env(c)).toEqual({ DNS_NAME: 'api.dev.svc.cluster.local', TIMEOUT_SECONDS: '30', INTERVAL_SECONDS: '3' });
    expect(c.resources).toEqual({ requests: { cpu: '10m', memory: '16Mi', 'ephemeral-storage': '16Mi' }, limits: { cpu: '100m', memory: '32Mi', 'ephemeral-storage': '128Mi' } });
    expect(c.readinessProbe).toBeUndefined();
    expect(c.volumeMounts).toBeUndefined();
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
  });

  test('goes into AppPod initContainers, with image, name and resources overridable', () => {
    const chart = testChart();
    const web = new AppPod(chart, 'web', {
      image: 'nginx:1.27.3',
      initContainers: [dnsWaitInitContainer('api.demo.svc.cluster.local', { image: 'registry.example/busybox:1.36.1', containerName: 'dns-gate', resources: { memoryLimit: Size.mebibytes(48) } })],
    });
    const c = initContainer(podSpecOf(find(Testing.synth(chart), 'Pod', web.name)), 'dns-gate');
    expect(c.image).toBe('registry.example/busybox:1.36.1');
    expect(c.resources.limits).toEqual({ cpu: '100m', memory: '48Mi', 'ephemeral-storage': '128Mi' });
    expect(c.resources.requests).toEqual({ cpu: '10m', memory: '16Mi', 'ephemeral-storage': '16Mi' });
  });

  test('the script takes the name from its environment, never from a $(VAR) Kubernetes would expand', () => {
    expect(DNS_WAIT_SCRIPT).not.toMatch(/\$\((DNS_NAME|TIMEOUT_SECONDS|INTERVAL_SECONDS)\)/);
    expect(DNS_WAIT_SCRIPT).toContain('nslookup "$DNS_NAME"');
  });

  test('the deprecated timeoutSeconds and intervalSeconds still work', () => {
    const api = new Backend(testChart('prod'), 'api');
    expect(dnsWaitInitContainer(api, { timeoutSeconds: 30, intervalSeconds: 3 }).env).toMatchObject({ TIMEOUT_SECONDS: '30', INTERVAL_SECONDS: '3' });
  });

  test('waits for the short or namespaced name, with a command of its own (the book\'s initpod)', () => {
    const api = new Backend(testChart('prod'), 'k8sbook');
    const command = ['sh', '-c', 'until nslookup k8sbook; do echo waiting for k8sbook service; sleep 1; done; echo Service found!'];
    const opts = dnsWaitInitContainer(api, { nameForm: DnsNameForm.SHORT, command, containerName: 'init-ctr', image: 'busybox:1.28.4' });
    expect(opts).toMatchObject({ name: 'init-ctr', image: 'busybox:1.28.4', command });
    expect(opts.env).toMatchObject({ DNS_NAME: 'k8sbook' });
    expect(dnsWaitInitContainer(api, { nameForm: DnsNameForm.NAMESPACED }).env).toMatchObject({ DNS_NAME: 'k8sbook.prod' });
    expect(dnsWaitInitContainer(new ServiceEndpoint('db', 'data'), { nameForm: DnsNameForm.SHORT }).name).toBe('wait-for-db');
  });

  test.each<[string, Parameters<typeof dnsWaitInitContainer>[1], RegExp]>([
    ['a zero timeout', { timeout: Duration.seconds(0) }, /^test\/api: 'timeout' must be at least 1s, got 0s$/],
    ['a fractional timeout', { timeout: Duration.millis(1500) }, /^test\/api: 'timeout' must be a whole number of seconds, got 1 second 500 millis$/],
    ['a zero interval', { interval: Duration.seconds(0) }, /^test\/api: 'interval' must be at least 1s, got 0s$/],
    ['an interval above the timeout', { timeout: Duration.seconds(5), interval: Duration.seconds(10) }, /^test\/api: 'interval' must be <= the timeout \(5s\), got 10s$/],
    ['a zero deprecated timeoutSeconds', { timeoutSeconds: 0 }, /^test\/api: 'timeoutSeconds' must be >= 1, got 0$/],
    ['a fractional deprecated timeoutSeconds', { timeoutSeconds: 1.5 }, /^test\/api: 'timeoutSeconds' must be an integer, got 1.5$/],
    ['a deprecated interval above the timeout', { timeoutSeconds: 5, intervalSeconds: 10 }, /^test\/api: 'intervalSeconds' must be <= the timeout \(5s\), got 10s$/],
    ['both timeout and timeoutSeconds', { timeout: Duration.seconds(5), timeoutSeconds: 5 }, /^test\/api: 'timeout' must not be given together with the deprecated 'timeoutSeconds', got both \("5 seconds" and 5\)$/],
    ['an unknown name form', { nameForm: 'long' as DnsNameForm }, /^test\/api: 'nameForm' must be one of fqdn, namespaced, short, got "long"$/],
    ['an empty command', { command: [] }, /^test\/api: 'command' must be a non-empty list of strings, got \[\]$/],
  ])('rejects %s', (_what, options, message) => {
    const api = new Backend(testChart(), 'api');
    expect(() => dnsWaitInitContainer(api, options)).toThrow(message);
  });

  test('rejects a name form with a literal DNS name', () => {
    expect(() => dnsWaitInitContainer('db', { nameForm: DnsNameForm.SHORT })).toThrow(
      /^dnsWait\("db"\): 'nameForm' applies to a Service or backend target, got it with the DNS name "db" \(used as given\)$/);
  });

  test('rejects a target that is not a DNS name', () => {
    expect(() => dnsWaitInitContainer('Not A Name')).toThrow(/dnsWait\("Not A Name"\): 'target' must be a DNS name .*got "Not A Name"/);
  });

  test('rejects a second wait container with the same name', () => {
    const chart = testChart();
    const api = new Backend(chart, 'api');
    const web = new AppPod(chart, 'web', { image: 'nginx:1.27.3' });
    addDnsWait(web.pod, api);
    expect(() => addDnsWait(web.pod, api)).toThrow(/'initContainers\[wait-for-api\].name' must be unique in the pod/);
  });

  test('a kplus workload gets it too', () => {
    const chart = testChart();
    const d = new kplus.Deployment(chart, 'd', { containers: [{ image: 'nginx:1.27.3' }] });
    const c = addDnsWait(d, 'api.demo.svc.cluster.local');
    expect(d.initContainers).toContain(c);
  });
});

describe('the DNS wait script', () => {
  /** Runs the script with stub `nslookup`, `date` (one second per call) and `sleep` on the PATH. */
  function run(succeedOnAttempt: number | undefined, timeoutSeconds: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dns-wait-'));
    try {
      const counter = path.join(dir, 'attempts');
      const clock = path.join(dir, 'clock');
      fs.writeFileSync(counter, '0');
      fs.writeFileSync(clock, '1000');
      const stub = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      stub('nslookup', [
        `n=$(( $(cat ${counter}) + 1 )); echo $n > ${counter}`,
        `[ "$1" = "api.demo.svc.cluster.local" ] || exit 2`,
        succeedOnAttempt === undefined ? 'exit 1' : `[ $n -ge ${succeedOnAttempt} ]`,
      ].join('\n'));
      stub('date', `t=$(( $(cat ${clock}) + 1 )); echo $t > ${clock}; echo $t`);
      stub('sleep', 'exit 0');
      const res = spawnSync('sh', ['-c', DNS_WAIT_SCRIPT], {
        env: { PATH: `${dir}:/usr/bin:/bin`, DNS_NAME: 'api.demo.svc.cluster.local', TIMEOUT_SECONDS: String(timeoutSeconds), INTERVAL_SECONDS: '1' },
        encoding: 'utf8',
      });
      return { status: res.status, stdout: res.stdout, stderr: res.stderr, attempts: Number(fs.readFileSync(counter, 'utf8').trim()) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }


  test('exits 0 once the name resolves', () => {
    const r = run(3, 100);
    expect(r.status).toBe(0);
    expect(r.attempts).toBe(3);
    expect(r.stdout.match(/waiting for api.demo.svc.cluster.local to resolve/g)).toHaveLength(2);
    expect(r.stdout).toContain('api.demo.svc.cluster.local resolves');
  });

  test('exits 0 at once when the name already resolves', () => {
    const r = run(1, 100);
    expect(r.status).toBe(0);
    expect(r.attempts).toBe(1);
  });

  test('exits 1 with a message after the timeout when the name never resolves', () => {
    const r = run(undefined, 5);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('timed out after 5s: api.demo.svc.cluster.local does not resolve');
    expect(r.attempts).toBeGreaterThanOrEqual(2);
    expect(r.attempts).toBeLessThanOrEqual(5);
  });
});
