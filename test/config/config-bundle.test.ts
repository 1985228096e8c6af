/**
 * ConfigBundle and SecretSource. Every secret value is created at run time (randomBytes, generated keys) and
 * lives only in process.env or in files under os.tmpdir(): no value is written in this file.
 */
import { spawnSync } from 'child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  BundleSecret, CHECKSUM_ANNOTATION, ConfigBundle, ConfigBundleProps, DEFAULT_CONFIG_MODE, DEFAULT_SECRET_MODE, SecretType,
} from '../../lib/config/config-bundle';
import { SecretSource, parseDotenv } from '../../lib/config/secret-source';
import { WebApp } from '../../lib/workload/web-app';
import { Manifest, allOf, find, podSpecOf, restrictedViolations, synthAll, testChart } from '../util';

// ---------------------------------------------------------------------------------------------------------
// run-time values and scratch space

const setVars: string[] = [];
const tmpDirs: string[] = [];

/** A fresh, unique environment variable name holding a fresh random value. */
function envVar(value: string = randomValue()): { name: string; value: string } {
  const name = `KC_CB_${randomBytes(6).toString('hex').toUpperCase()}`;
  process.env[name] = value;
  setVars.push(name);
  return { name, value };
}

/** A variable name that is certainly not set. */
function unsetVar(): string {
  const name = `KC_CB_UNSET_${randomBytes(6).toString('hex').toUpperCase()}`;
  delete process.env[name];
  setVars.push(name);
  return name;
}

function randomValue(): string {
  return randomBytes(18).toString('base64url');
}

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kc-config-bundle-'));
  tmpDirs.push(d);
  return d;
}

function tmpFile(content: string | Buffer, name = 'file'): string {
  const f = path.join(tmpDir(), name);
  fs.writeFileSync(f, content);
  return f;
}

/** A PEM-shaped certificate and a real PEM private key, both generated now. */
function pemPair(): { cert: string; key: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const body = randomBytes(96).toString('base64').replace(/(.{64})/g, '$1\n');
  return { cert: `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`, key };
}

afterEach(() => {
  for (const v of setVars.splice(0)) delete process.env[v];
});

afterAll(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------
// helpers

function bundle(props: ConfigBundleProps, chart: Chart = testChart()): { chart: Chart; b: ConfigBundle; m: Manifest[] } {
  const b = new ConfigBundle(chart, 'Config', props);
  return { chart, b, m: synthAll(chart) };
}

function deployment(chart: Chart, name = 'api', containers: kplus.ContainerProps[] = [{ name: 'main', image: 'nginx:1.27.3' }]): kplus.Deployment {
  return new kplus.Deployment(chart, `Deployment-${name}`, { metadata: { name }, containers });
}

function decode(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

const labels = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api', 'app.kubernetes.io/managed-by': 'kubecraft' };

// ---------------------------------------------------------------------------------------------------------

describe('ConfigBundle: ConfigMap', () => {
  test('literal data goes to a ConfigMap named <name>-config, with recommended labels in the chart namespace', () => {
    const { b, m } = bundle({ name: 'api', data: { LOG_LEVEL: 'info', 'app.properties': 'a=1\nb=2\n' } });
    const cm = find(m, 'ConfigMap', 'api-config');
    expect(cm.metadata.namespace).toBe('demo');
    expect(cm.metadata.labels).toEqual(labels);
    expect(cm.data).toEqual({ LOG_LEVEL: 'info', 'app.properties': 'a=1\nb=2\n' });
    expect(cm.immutable).toBe(false);
    expect(b.configMapName).toBe('api-config');
    expect(b.configKeys).toEqual(['LOG_LEVEL', 'app.properties']);
    expect(allOf(m, 'Secret')).toEqual([]);
    expect(b.secret).toBeUndefined();
  });

  test('file keys are read from local files; multi-line content is kept and renders as a YAML block', () => {
    const content = `server {\n  listen 8080;\n  # ${randomValue()}\n}\n`;
    const file = tmpFile(content, 'nginx.conf');
    const { chart, m } = bundle({ name: 'web', files: { 'nginx.conf': file }, data: { MODE: 'x' } });
    expect(find(m, 'ConfigMap', 'web-config').data).toEqual({ 'nginx.conf': content, MODE: 'x' });
    expect(Yaml.stringify(...Testing.synth(chart))).toContain('  nginx.conf: |\n    server {\n      listen 8080;\n');
  });

  test('a file that is not UTF-8 goes to binaryData, base64-encoded', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80]), randomBytes(16)]);
    const { m, b } = bundle({ name: 'api', files: { 'blob.bin': tmpFile(bytes) } });
    const cm = find(m, 'ConfigMap', 'api-config');
    expect(cm.binaryData).toEqual({ 'blob.bin': bytes.toString('base64') });
    expect(cm.data).toBeUndefined();
    expect(b.configKeys).toEqual(['blob.bin']);
  });

  test('labels and annotations of your own go on the ConfigMap and the Secret, next to the recommended labels', () => {
    const v = envVar();
    const { m } = bundle({
      name: 'api', data: { A: '1' }, secret: BundleSecret.opaque({ B: SecretSource.fromEnv(v.name) }),
      labels: { chapter: 'configmaps' }, annotations: { 'example.com/owner': 'team-a' },
    });
    for (const o of [find(m, 'ConfigMap', 'api-config'), find(m, 'Secret', 'api-secret')]) {
      expect(o.metadata.labels).toEqual({ ...labels, chapter: 'configmaps' });
      expect(o.metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
    }
  });

  test.each<[string, Partial<ConfigBundleProps>, string]>([
    ['a bad label value', { labels: { chapter: 'not ok' } }, `'labels["chapter"]' must be a valid label value`],
    ['a bad annotation key', { annotations: { 'bad key': 'x' } }, `'annotations' must have qualified-name keys`],
  ])('rejects %s', (_what, props, message) => {
    expect(() => bundle({ name: 'api', data: { A: '1' }, ...props })).toThrow(`test/Config: ${message}`);
  });

  test('immutable makes both the ConfigMap and the Secret immutable', () => {
    const v = envVar();
    const { m, b } = bundle({ name: 'api', data: { A: '1' }, secret: BundleSecret.opaque({ B: SecretSource.fromEnv(v.name) }), immutable: true });
    expect(b.immutable).toBe(true);
    expect(find(m, 'ConfigMap', 'api-config').immutable).toBe(true);
    expect(find(m, 'Secret', 'api-secret').immutable).toBe(true);
  });

  test('configMapName, secretName and identity override the names and labels', () => {
    const v = envVar();
    const { m } = bundle({
      name: 'api', configMapName: 'api-settings', secretName: 'api-credentials',
      identity: { name: 'api', instance: 'api-prod', component: 'backend' },
      data: { A: '1' }, secret: BundleSecret.opaque({ B: SecretSource.fromEnv(v.name) }),
    });
    const expected = { ...labels, 'app.kubernetes.io/instance': 'api-prod', 'app.kubernetes.io/component': 'backend' };
    expect(find(m, 'ConfigMap', 'api-settings').metadata.labels).toEqual(expected);
    expect(find(m, 'Secret', 'api-credentials').metadata.labels).toEqual(expected);
  });

  test('defaults snapshot (ConfigMap and a reference to an existing Secret: no values)', () => {
    const chart = testChart();
    const b = new ConfigBundle(chart, 'Config', {
      name: 'api', data: { LOG_LEVEL: 'info', 'app.properties': 'a=1\n' }, secret: BundleSecret.existing('api-db', { keys: ['DB_PASSWORD'] }),
    });
    b.applyTo(deployment(chart));
    const m = synthAll(chart);
    const dep = find(m, 'Deployment', 'api');
    expect({
      objects: m.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret'),
      podAnnotations: dep.spec.template.metadata.annotations,
      envFrom: podSpecOf(dep).containers[0].envFrom,
    }).toMatchSnapshot();
  });
});

describe('ConfigBundle: Secret sources', () => {
  test('fromEnv: the value goes base64-encoded into data of an Opaque Secret <name>-secret, never in clear', () => {
    const v = envVar();
    const { chart, m, b } = bundle({ name: 'api', secret: BundleSecret.opaque({ DB_PASSWORD: SecretSource.fromEnv(v.name) }) });
    const s = find(m, 'Secret', 'api-secret');
    expect(s.type).toBe('Opaque');
    expect(s.metadata.labels).toEqual(labels);
    expect(s.stringData).toBeUndefined();
    expect(Object.keys(s.data)).toEqual(['DB_PASSWORD']);
    expect(decode(s.data.DB_PASSWORD)).toBe(v.value);
    expect(Yaml.stringify(...Testing.synth(chart))).not.toContain(v.value);
    expect(b.secretType).toBe(SecretType.OPAQUE);
    expect(b.secretKeys).toEqual(['DB_PASSWORD']);
    expect(allOf(m, 'ConfigMap')).toEqual([]);
  });

  test('fromDotenvFile: reads KEY=value lines (export, comments, quotes)', () => {
    const [a, b2, c] = [randomValue(), randomValue(), randomValue()];
    const file = tmpFile(`# local values\nexport A=${a}\nB="${b2}\\n2"\nC='${c}' \nD=${randomValue()} # trailing\n`, 'api.env');
    const { m } = bundle({
      name: 'api',
      secret: BundleSecret.opaque({ A: SecretSource.fromDotenvFile(file, 'A'), B: SecretSource.fromDotenvFile(file, 'B'), C: SecretSource.fromDotenvFile(file, 'C') }),
    });
    const s = find(m, 'Secret', 'api-secret');
    expect(decode(s.data.A)).toBe(a);
    expect(decode(s.data.B)).toBe(`${b2}\n2`);
    expect(decode(s.data.C)).toBe(c);
  });

  test('parseDotenv strips trailing comments of unquoted values and reports malformed lines by number', () => {
    const v = randomValue();
    expect(parseDotenv(`K=${v} # note\n`, () => { throw new Error('unexpected'); }).get('K')).toBe(v);
    expect(() => parseDotenv('A=1\nnot a pair\n', (line, msg) => { throw new Error(`line ${line} ${msg}`); })).toThrow('line 2 is not a KEY=value line');
  });

  test('fromFile: the whole file content is the value', () => {
    const content = `${randomValue()}\n${randomValue()}\n`;
    const { m } = bundle({ name: 'api', secret: BundleSecret.opaque({ 'token.txt': SecretSource.fromFile(tmpFile(content)) }) });
    expect(decode(find(m, 'Secret', 'api-secret').data['token.txt'])).toBe(content);
  });

  test('fromEnv with devFallbackFile: reads the file when the variable is not set', () => {
    const name = unsetVar();
    const value = randomValue();
    const file = tmpFile(`${name}=${value}\n`, 'dev.env');
    const { m } = bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(name, { devFallbackFile: file }) }) });
    expect(decode(find(m, 'Secret', 'api-secret').data.P)).toBe(value);
  });

  test('fromEnv with devFallbackFile: the environment variable wins over the file', () => {
    const v = envVar();
    const file = tmpFile(`${v.name}=${randomValue()}\n`, 'dev.env');
    const { m } = bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(v.name, { devFallbackFile: file }) }) });
    expect(decode(find(m, 'Secret', 'api-secret').data.P)).toBe(v.value);
  });

  test('generate: the first synth writes a random value into the dev file (0600 in a 0700 dir), later synths reuse it', () => {
    const name = unsetVar();
    const other = unsetVar();
    const file = path.join(tmpDir(), '.secrets', 'dev.env');
    const props = (): ConfigBundleProps => ({
      name: 'api',
      secret: BundleSecret.opaque({
        P: SecretSource.fromEnv(name, { devFallbackFile: file, generate: true }),
        Q: SecretSource.fromEnv(other, { devFallbackFile: file, generate: true }),
      }),
    });
    const first = bundle(props());
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const entries = parseDotenv(fs.readFileSync(file, 'utf8'), () => { throw new Error('bad file'); });
    expect([...entries.keys()]).toEqual([name, other]);
    expect(entries.get(name)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(entries.get(name)).not.toBe(entries.get(other));
    const s1 = find(first.m, 'Secret', 'api-secret');
    expect(decode(s1.data.P)).toBe(entries.get(name));

    const second = bundle(props());
    expect(find(second.m, 'Secret', 'api-secret').data).toEqual(s1.data);
    expect(second.b.checksum).toBe(first.b.checksum);
    expect(fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('KC_CB_'))).toHaveLength(2);
  });

  test('generate takes over a stale lock left by a killed synth and removes it afterwards', () => {
    const name = unsetVar();
    const file = path.join(tmpDir(), 'dev.env');
    fs.writeFileSync(`${file}.lock`, '12345\n');
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(`${file}.lock`, old, old);
    const { m } = bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(name, { devFallbackFile: file, generate: true }) }) });
    const entries = parseDotenv(fs.readFileSync(file, 'utf8'), () => { throw new Error('bad file'); });
    expect(decode(find(m, 'Secret', 'api-secret').data.P)).toBe(entries.get(name));
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  test('generate refuses a dev file that git does not ignore, and accepts one that .gitignore covers', () => {
    const repo = tmpDir();
    expect(spawnSync('git', ['init', '-q'], { cwd: repo }).status).toBe(0);
    fs.writeFileSync(path.join(repo, '.gitignore'), '.secrets/\n');
    const name = unsetVar();
    const notIgnored = path.join(repo, 'dev-values.txt');
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(name, { devFallbackFile: notIgnored, generate: true }) }) }))
      .toThrow(/test\/Config: 'secret\.P' file ".*dev-values\.txt" holds secret values but git does not ignore it .*add it to \.gitignore/);
    expect(fs.existsSync(notIgnored)).toBe(false);
    const ignored = path.join(repo, '.secrets', 'dev.env');
    bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(name, { devFallbackFile: ignored, generate: true }) }) });
    expect(fs.existsSync(ignored)).toBe(true);
  });

  test('fromDotenvFile refuses a file that git tracks or does not ignore (unless requireGitIgnored is false)', () => {
    const repo = tmpDir();
    spawnSync('git', ['init', '-q'], { cwd: repo });
    const file = path.join(repo, 'values.env.txt');
    fs.writeFileSync(file, `A=${randomValue()}\n`);
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ A: SecretSource.fromDotenvFile(file, 'A') }) }))
      .toThrow(/'secret\.A' file .* git does not ignore it/);
    const { m } = bundle({ name: 'api', secret: BundleSecret.opaque({ A: SecretSource.fromDotenvFile(file, 'A', { requireGitIgnored: false }) }) });
    expect(find(m, 'Secret', 'api-secret').data.A).toBeDefined();
  });

  test("the repository's .gitignore covers the dev secrets file and dotenv files", () => {
    const root = path.resolve(__dirname, '..', '..');
    for (const f of ['.secrets/dev.env', 'api.env', '.env.local']) {
      expect(spawnSync('git', ['check-ignore', '-q', '--', f], { cwd: root }).status).toBe(0);
    }
  });
});

describe('ConfigBundle: Secret types', () => {
  test('tls: a kubernetes.io/tls Secret with tls.crt and tls.key', () => {
    const pem = pemPair();
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'tls.crt'), pem.cert);
    fs.writeFileSync(path.join(dir, 'tls.key'), pem.key);
    const { m, b } = bundle({
      name: 'web-tls',
      secret: BundleSecret.tls({ cert: SecretSource.fromFile(path.join(dir, 'tls.crt')), key: SecretSource.fromFile(path.join(dir, 'tls.key')) }),
    });
    const s = find(m, 'Secret', 'web-tls-secret');
    expect(s.type).toBe('kubernetes.io/tls');
    expect(decode(s.data['tls.crt'])).toBe(pem.cert);
    expect(decode(s.data['tls.key'])).toBe(pem.key);
    expect(b.secretType).toBe(SecretType.TLS);
  });

  test('basicAuth: a kubernetes.io/basic-auth Secret; the username may be a plain string', () => {
    const pw = envVar();
    const { m } = bundle({ name: 'registry', secret: BundleSecret.basicAuth({ username: 'deploy-bot', password: SecretSource.fromEnv(pw.name) }) });
    const s = find(m, 'Secret', 'registry-secret');
    expect(s.type).toBe('kubernetes.io/basic-auth');
    expect(decode(s.data.username)).toBe('deploy-bot');
    expect(decode(s.data.password)).toBe(pw.value);
  });

  test('dockerConfigJson: a kubernetes.io/dockerconfigjson Secret under .dockerconfigjson', () => {
    const auth = Buffer.from(`bot:${randomValue()}`).toString('base64');
    const json = JSON.stringify({ auths: { 'registry.example.com': { auth } } });
    const v = envVar(json);
    const { m } = bundle({ name: 'pull', secret: BundleSecret.dockerConfigJson(SecretSource.fromEnv(v.name)) });
    const s = find(m, 'Secret', 'pull-secret');
    expect(s.type).toBe('kubernetes.io/dockerconfigjson');
    expect(JSON.parse(decode(s.data['.dockerconfigjson']))).toEqual({ auths: { 'registry.example.com': { auth } } });
  });

  test('existing: no Secret is emitted and consumers reference the existing Secret by name', () => {
    const chart = testChart();
    const b = new ConfigBundle(chart, 'Config', { name: 'api', data: { A: '1' }, secret: BundleSecret.existing('api-db', { keys: ['DB_PASSWORD'] }) });
    const d = deployment(chart);
    b.applyTo(d, { env: { PW: 'DB_PASSWORD' }, secretMountPath: '/run/secrets/db' });
    const m = synthAll(chart);
    expect(allOf(m, 'Secret')).toEqual([]);
    expect(b.usesExistingSecret).toBe(true);
    expect(b.secretName).toBe('api-db');
    expect(b.secretObject).toBeUndefined();
    const spec = podSpecOf(find(m, 'Deployment', 'api'));
    expect(spec.containers[0].env).toEqual([{ name: 'PW', valueFrom: { secretKeyRef: { name: 'api-db', key: 'DB_PASSWORD' } } }]);
    expect(spec.volumes).toEqual([{ name: 'api-db', secret: { secretName: 'api-db', defaultMode: 0o440 } }]);
  });

  test('existing without declared keys: any key that is not a ConfigMap key is read from the Secret', () => {
    const chart = testChart();
    const b = new ConfigBundle(chart, 'Config', { name: 'api', secret: BundleSecret.existing('api-db') });
    const c = deployment(chart).containers[0];
    c.env.addVariable('X', b.envValue('anything'));
    expect(podSpecOf(find(synthAll(chart), 'Deployment', 'api')).containers[0].env).toEqual([
      { name: 'X', valueFrom: { secretKeyRef: { name: 'api-db', key: 'anything' } } },
    ]);
    expect(b.secretKeys).toBeUndefined();
  });
});

describe('ConfigBundle: consumption', () => {
  function fullBundle(chart: Chart = testChart()) {
    const v = envVar();
    const b = new ConfigBundle(chart, 'Config', {
      name: 'api', data: { LOG_LEVEL: 'info', 'app.properties': 'a=1\n' }, secret: BundleSecret.opaque({ DB_PASSWORD: SecretSource.fromEnv(v.name) }),
    });
    return { chart, b, v };
  }

  test('envFrom: a configMapRef and a secretRef, with an optional prefix', () => {
    const { chart, b } = fullBundle();
    deployment(chart, 'api', [{ name: 'main', image: 'nginx:1.27.3', envFrom: b.envFrom() }]);
    deployment(chart, 'worker', [{ name: 'main', image: 'nginx:1.27.3', envFrom: b.envFrom({ prefix: 'APP_' }) }]);
    const m = synthAll(chart);
    expect(podSpecOf(find(m, 'Deployment', 'api')).containers[0].envFrom).toEqual([
      { configMapRef: { name: 'api-config' } }, { secretRef: { name: 'api-secret' } },
    ]);
    expect(podSpecOf(find(m, 'Deployment', 'worker')).containers[0].envFrom).toEqual([
      { configMapRef: { name: 'api-config' }, prefix: 'APP_' }, { secretRef: { name: 'api-secret' }, prefix: 'APP_' },
    ]);
  });

  test('envValue: configMapKeyRef for a ConfigMap key, secretKeyRef for a Secret key (optional on request)', () => {
    const { chart, b } = fullBundle();
    deployment(chart, 'api', [{
      name: 'main', image: 'nginx:1.27.3',
      envVariables: { LOG_LEVEL: b.envValue('LOG_LEVEL'), PGPASSWORD: b.envValue('DB_PASSWORD', { optional: true }) },
    }]);
    expect(podSpecOf(find(synthAll(chart), 'Deployment', 'api')).containers[0].env).toEqual([
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'LOG_LEVEL' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'api-secret', key: 'DB_PASSWORD', optional: true } } },
    ]);
  });

  test('volumes: keys as read-only files, ConfigMap mode 0444, Secret mode 0440, optional key subset', () => {
    const { chart, b } = fullBundle();
    const d = deployment(chart);
    b.mountConfig(d.containers[0], '/etc/api');
    b.mountSecret(d.containers[0], '/run/secrets/api');
    const spec = podSpecOf(find(synthAll(chart), 'Deployment', 'api'));
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'api-config', mountPath: '/etc/api', readOnly: true },
      { name: 'api-secret', mountPath: '/run/secrets/api', readOnly: true },
    ]);
    expect(spec.volumes).toEqual([
      { name: 'api-config', configMap: { name: 'api-config', defaultMode: DEFAULT_CONFIG_MODE } },
      { name: 'api-secret', secret: { secretName: 'api-secret', defaultMode: DEFAULT_SECRET_MODE } },
    ]);
    expect([DEFAULT_CONFIG_MODE, DEFAULT_SECRET_MODE]).toEqual([0o444, 0o440]);

    const only = b.configVolume({ name: 'props', keys: ['app.properties'] });
    expect(b.configVolume({ name: 'props', keys: ['app.properties'] })).toBe(only);
    expect(b.secretVolume({ name: 'strict', defaultMode: 0o400 })).not.toBe(b.secretVolume());
    const d2 = deployment(chart, 'props');
    d2.containers[0].mount('/etc/props', only, { readOnly: true });
    expect(podSpecOf(find(synthAll(chart), 'Deployment', 'props')).volumes).toEqual([
      { name: 'props', configMap: { name: 'api-config', defaultMode: 0o444, items: [{ key: 'app.properties', path: 'app.properties' }] } },
    ]);
  });

  test('applyTo: envFrom into every container by default and the checksum annotation on the pod template', () => {
    const { chart, b } = fullBundle();
    const d = deployment(chart, 'api', [{ name: 'main', image: 'nginx:1.27.3' }, { name: 'sidecar', image: 'busybox:1.36' }]);
    b.applyTo(d);
    const dep = find(synthAll(chart), 'Deployment', 'api');
    for (const c of podSpecOf(dep).containers) {
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'api-config' } }, { secretRef: { name: 'api-secret' } }]);
      expect(c.env).toBeUndefined();
      expect(c.volumeMounts).toBeUndefined();
    }
    expect(dep.spec.template.metadata.annotations).toEqual({ [CHECKSUM_ANNOTATION]: b.checksum });
  });

  test('applyTo with env and mount paths: only what is asked, into the chosen containers', () => {
    const { chart, b } = fullBundle();
    const d = deployment(chart, 'api', [{ name: 'main', image: 'nginx:1.27.3' }, { name: 'sidecar', image: 'busybox:1.36' }]);
    b.applyTo(d, { containers: [d.containers[0]], env: { PGPASSWORD: 'DB_PASSWORD' }, configMountPath: '/etc/api', secretMountPath: '/run/secrets/api' });
    const [main, sidecar] = podSpecOf(find(synthAll(chart), 'Deployment', 'api')).containers;
    expect(main.envFrom).toBeUndefined();
    expect(main.env).toEqual([{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'api-secret', key: 'DB_PASSWORD' } } }]);
    expect(main.volumeMounts.map((v: Manifest) => v.mountPath)).toEqual(['/etc/api', '/run/secrets/api']);
    expect(sidecar.env).toBeUndefined();
    expect(sidecar.volumeMounts).toBeUndefined();
  });

  test('applyTo works on a StatefulSet (pod template) and a Pod (its own metadata); rollout: false skips the annotation', () => {
    const { chart, b } = fullBundle();
    const sts = new kplus.StatefulSet(chart, 'Db', { metadata: { name: 'db' }, containers: [{ name: 'db', image: 'postgres:16.4', portNumber: 5432 }] });
    const pod = new kplus.Pod(chart, 'Tool', { metadata: { name: 'tool' }, containers: [{ name: 'tool', image: 'busybox:1.36' }] });
    const quiet = deployment(chart, 'quiet');
    b.applyTo(sts, { env: { PGPASSWORD: 'DB_PASSWORD' } });
    b.applyTo(pod);
    b.applyTo(quiet, { rollout: false });
    const m = synthAll(chart);
    const s = find(m, 'StatefulSet', 'db');
    expect(s.spec.template.metadata.annotations[CHECKSUM_ANNOTATION]).toBe(b.checksum);
    expect(podSpecOf(s).containers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'api-secret', key: 'DB_PASSWORD' });
    const p = find(m, 'Pod', 'tool');
    expect(p.metadata.annotations[CHECKSUM_ANNOTATION]).toBe(b.checksum);
    expect(p.spec.containers[0].envFrom).toHaveLength(2);
    expect(find(m, 'Deployment', 'quiet').spec.template.metadata.annotations).toBeUndefined();
  });

  test("a kubecraft WebApp: applyTo its Deployment keeps Pod Security restricted; annotate() goes through addPodAnnotation", () => {
    const { chart, b } = fullBundle();
    const web = new WebApp(chart, 'Web', { name: 'web', image: 'nginx:1.27.3', ports: [{ name: 'http', port: 8080 }] });
    b.applyTo(web.deployment, { env: { PGPASSWORD: 'DB_PASSWORD' }, configMountPath: '/etc/api', secretMountPath: '/run/secrets/api', rollout: false });
    b.annotate(web);
    const dep = find(synthAll(chart), 'Deployment', 'web');
    const spec = podSpecOf(dep);
    expect(restrictedViolations(spec)).toEqual([]);
    expect(spec.volumes).toEqual(expect.arrayContaining([
      { name: 'api-config', configMap: { name: 'api-config', defaultMode: 0o444 } },
      { name: 'api-secret', secret: { secretName: 'api-secret', defaultMode: 0o440 } },
    ]));
    expect(dep.spec.template.metadata.annotations[CHECKSUM_ANNOTATION]).toBe(b.checksum);
  });

  test('the bundle objects come before their consumers in the output (apply order)', () => {
    const { chart, b } = fullBundle();
    const d = deployment(chart);
    b.applyTo(d);
    const order = synthAll(chart).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(order.indexOf('ConfigMap/api-config')).toBeLessThan(order.indexOf('Deployment/api'));
    expect(order.indexOf('Secret/api-secret')).toBeLessThan(order.indexOf('Deployment/api'));
  });
});

describe('ConfigBundle: checksum', () => {
  interface Inputs { data: Record<string, string>; file: string; secretVar: string }

  /** A whole new app each time: the Deployment as JSON text, and the bundle's checksum. */
  function render(i: Inputs): { text: string; checksum: string; annotation: string } {
    const chart = testChart();
    const b = new ConfigBundle(chart, 'Config', {
      name: 'api', data: i.data, files: { 'app.conf': i.file }, secret: BundleSecret.opaque({ DB_PASSWORD: SecretSource.fromEnv(i.secretVar) }),
    });
    const d = deployment(chart);
    b.applyTo(d);
    const dep = find(synthAll(chart), 'Deployment', 'api');
    return { text: JSON.stringify(dep), checksum: b.checksum, annotation: dep.spec.template.metadata.annotations[CHECKSUM_ANNOTATION] };
  }

  function inputs(): Inputs {
    return { data: { LOG_LEVEL: 'info' }, file: tmpFile(`k=${randomValue()}\n`), secretVar: envVar().name };
  }

  test('the annotation is the sha256 (hex) checksum of the bundle and holds no value in clear', () => {
    const i = inputs();
    const r = render(i);
    expect(r.annotation).toBe(r.checksum);
    expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(r.text).not.toContain(process.env[i.secretVar] as string);
  });

  test('an unchanged bundle leaves the pod template byte-identical', () => {
    const i = inputs();
    expect(render(i).text).toBe(render({ ...i, data: { ...i.data } }).text);
  });

  test('changes when a ConfigMap value, a file or a Secret value changes', () => {
    const i = inputs();
    const base = render(i);
    expect(render({ ...i, data: { LOG_LEVEL: 'debug' } }).checksum).not.toBe(base.checksum);
    expect(render({ ...i, data: { LOG_LEVEL: 'info', EXTRA: '' } }).checksum).not.toBe(base.checksum);
    fs.appendFileSync(i.file, 'more=1\n');
    const afterFile = render(i);
    expect(afterFile.checksum).not.toBe(base.checksum);
    process.env[i.secretVar] = randomValue();
    const afterSecret = render(i);
    expect(afterSecret.checksum).not.toBe(afterFile.checksum);
    expect(afterSecret.text).not.toBe(afterFile.text);
  });

  test('an existing Secret: the checksum covers the reference (name, keys, revision) only', () => {
    const sum = (secret: BundleSecret) => new ConfigBundle(testChart(), 'Config', { name: 'api', data: { A: '1' }, secret }).checksum;
    const base = sum(BundleSecret.existing('api-db', { keys: ['DB_PASSWORD'] }));
    expect(sum(BundleSecret.existing('api-db', { keys: ['DB_PASSWORD'] }))).toBe(base);
    expect(sum(BundleSecret.existing('api-db2', { keys: ['DB_PASSWORD'] }))).not.toBe(base);
    expect(sum(BundleSecret.existing('api-db', { keys: ['DB_PASSWORD', 'DB_USER'] }))).not.toBe(base);
    expect(sum(BundleSecret.existing('api-db', { keys: ['DB_PASSWORD'], revision: '2026-11' }))).not.toBe(base);
  });

  test('two bundles on one workload share the annotation: sha256 of their sorted checksums', () => {
    const chart = testChart();
    const one = new ConfigBundle(chart, 'One', { name: 'one', data: { A: '1' } });
    const two = new ConfigBundle(chart, 'Two', { name: 'two', data: { B: '2' } });
    const d = deployment(chart);
    two.applyTo(d);
    one.applyTo(d);
    const expected = createHash('sha256').update([one.checksum, two.checksum].sort().join('\n')).digest('hex');
    expect(find(synthAll(chart), 'Deployment', 'api').spec.template.metadata.annotations).toEqual({ [CHECKSUM_ANNOTATION]: expected });
  });

  test('an escape-hatch edit of the ConfigMap or Secret after the checksum was taken fails at synth', () => {
    const v = envVar();
    const chart = testChart();
    const b = new ConfigBundle(chart, 'Config', { name: 'api', data: { A: '1' }, secret: BundleSecret.opaque({ S: SecretSource.fromEnv(v.name) }) });
    b.configMap?.addData('B', '2');
    expect(() => synthAll(chart)).toThrow(/\[test\/Config\] test\/Config: 'checksum' must describe what the bundle emits, got ConfigMap\/Secret content that changed after the bundle was built/);

    const chart2 = testChart();
    const b2 = new ConfigBundle(chart2, 'Config', { name: 'api', secret: BundleSecret.opaque({ S: SecretSource.fromEnv(v.name) }) });
    ApiObject.of(b2.secretObject as ApiObject).addJsonPatch(JsonPatch.add('/data/T', 'eA=='));
    expect(() => synthAll(chart2)).toThrow(/test\/Config: 'checksum' must describe what the bundle emits, got ConfigMap\/Secret content that changed/);
  });
});

describe('ConfigBundle: bad input', () => {
  const opaque = (key: string) => BundleSecret.opaque({ [key]: SecretSource.fromEnv(envVar().name) });

  test('an empty key', () => {
    expect(() => bundle({ name: 'api', data: { '': 'x' } })).toThrow("test/Config: 'data' must not contain an empty key, got \"\"");
    expect(() => bundle({ name: 'api', secret: opaque('') })).toThrow("test/Config: 'secret' must not contain an empty key");
  });

  test('a key that is not a valid ConfigMap key', () => {
    expect(() => bundle({ name: 'api', data: { 'app/config': 'x' } })).toThrow(/test\/Config: 'data' must only contain valid ConfigMap\/Secret keys .*, got "app\/config"/);
    expect(() => bundle({ name: 'api', files: { '..': tmpFile('x') } })).toThrow(/'files' must only contain valid ConfigMap\/Secret keys .*, got "\.\."/);
    expect(() => bundle({ name: 'api', secret: opaque('has space') })).toThrow(/'secret' must only contain valid ConfigMap\/Secret keys .*, got "has space"/);
    expect(() => bundle({ name: 'api', secret: BundleSecret.existing('db', { keys: ['ok', 'not ok'] }) })).toThrow(/'secret\.keys' must only contain valid ConfigMap\/Secret keys .*, got "not ok"/);
  });

  test('the same key in the ConfigMap and the Secret, or twice in the ConfigMap', () => {
    expect(() => bundle({ name: 'api', data: { PASSWORD: 'x' }, secret: opaque('PASSWORD') }))
      .toThrow(/test\/Config: 'secret' key "PASSWORD" is also a ConfigMap key/);
    expect(() => bundle({ name: 'api', data: { K: 'x' }, secret: BundleSecret.existing('db', { keys: ['K'] }) }))
      .toThrow(/'secret' key "K" is also a ConfigMap key/);
    expect(() => bundle({ name: 'api', data: { K: 'x' }, files: { K: tmpFile('y') } })).toThrow(/'files' key "K" is also in 'data'/);
  });

  test('a missing environment variable names the variable, the construct path and the fix', () => {
    const name = unsetVar();
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ DB_PASSWORD: SecretSource.fromEnv(name) }) }))
      .toThrow(`test/Config: 'secret.DB_PASSWORD' environment variable ${name} is not set: export ${name}=<value> before synth`);
  });

  test('an empty environment variable', () => {
    const v = envVar('');
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(v.name) }) }))
      .toThrow(`'secret.P' environment variable ${v.name} is set but empty`);
  });

  test('a missing variable with a dev file that lacks it (and no generate) names both', () => {
    const name = unsetVar();
    const file = tmpFile(`OTHER=${randomValue()}\n`, 'dev.env');
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(name, { devFallbackFile: file }) }) }))
      .toThrow(`environment variable ${name} is not set and ${file} has no non-empty ${name}`);
    const missing = path.join(tmpDir(), 'nope.env');
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(name, { devFallbackFile: missing }) }) }))
      .toThrow(`${missing} does not exist`);
  });

  test('generate without devFallbackFile, an invalid variable name, a literal string as a value', () => {
    const name = unsetVar();
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv(name, { generate: true }) }) }))
      .toThrow(/'secret\.P' sets 'generate' for .* without 'devFallbackFile'/);
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ P: SecretSource.fromEnv('1-BAD') }) }))
      .toThrow(/'secret\.P' must name a valid environment variable/);
    const literal = { P: 'not-a-source' } as unknown as Record<string, SecretSource>;
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque(literal) })).toThrow(/'secret\.P' must be a SecretSource .* got a string literal/);
  });

  test('an unreadable file: ConfigMap file, secret file, dotenv file, dotenv key', () => {
    const missing = path.join(tmpDir(), 'missing.conf');
    expect(() => bundle({ name: 'api', files: { 'app.conf': missing } }))
      .toThrow(`test/Config: 'files.app.conf' cannot read ${JSON.stringify(missing)} (ENOENT: no such file)`);
    const dir = tmpDir();
    expect(() => bundle({ name: 'api', files: { 'app.conf': dir } })).toThrow(/'files\.app\.conf' cannot read .* \(EISDIR: it is a directory\)/);
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ K: SecretSource.fromFile(missing) }) }))
      .toThrow(/'secret\.K' cannot read .*missing\.conf" \(ENOENT/);
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ K: SecretSource.fromDotenvFile(missing, 'K') }) }))
      .toThrow(/'secret\.K' cannot read .*missing\.conf" \(ENOENT: no such file\): create it with a 'K=<value>' line/);
    const env = tmpFile(`A=${randomValue()}\n`, 'x.env');
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ K: SecretSource.fromDotenvFile(env, 'B') }) }))
      .toThrow(/'secret\.K' ".*x\.env" has no non-empty B: add a 'B=<value>' line/);
    const broken = tmpFile(`A=${randomValue()}\nthis line is broken\n`, 'broken.env');
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ K: SecretSource.fromDotenvFile(broken, 'A') }) }))
      .toThrow(/'secret\.K' line 2 of ".*broken\.env" is not a KEY=value line \(values are never shown\)/);
    if (process.getuid && process.getuid() !== 0) {
      const locked = tmpFile(`A=${randomValue()}\n`, 'locked.env');
      fs.chmodSync(locked, 0o000);
      expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ K: SecretSource.fromDotenvFile(locked, 'A') }) }))
        .toThrow(/'secret\.K' cannot read .*locked\.env" \(EACCES/);
    }
  });

  test('typed Secrets check their content and refuse generated values', () => {
    const pem = pemPair();
    const notPem = envVar();
    const key = envVar(pem.key);
    expect(() => bundle({ name: 't', secret: BundleSecret.tls({ cert: SecretSource.fromEnv(notPem.name), key: SecretSource.fromEnv(key.name) }) }))
      .toThrow(/'secret\.tls\.crt' must be a PEM certificate/);
    const cert = envVar(pem.cert);
    expect(() => bundle({ name: 't', secret: BundleSecret.tls({ cert: SecretSource.fromEnv(cert.name), key: SecretSource.fromEnv(notPem.name) }) }))
      .toThrow(/'secret\.tls\.key' must be a PEM private key/);
    const gen = SecretSource.fromEnv(unsetVar(), { devFallbackFile: path.join(tmpDir(), 'd.env'), generate: true });
    expect(() => bundle({ name: 't', secret: BundleSecret.tls({ cert: gen, key: SecretSource.fromEnv(key.name) }) }))
      .toThrow(/'secret\.tls\.crt' cannot generate a value for a kubernetes.io\/tls Secret/);
    expect(() => bundle({ name: 'p', secret: BundleSecret.dockerConfigJson(SecretSource.fromEnv(notPem.name)) }))
      .toThrow(/'secret\.\.dockerconfigjson' must be a docker config\.json \(JSON\), got text that does not parse \(content not shown\)/);
    const noAuths = envVar(JSON.stringify({ credHelpers: {} }));
    expect(() => bundle({ name: 'p', secret: BundleSecret.dockerConfigJson(SecretSource.fromEnv(noAuths.name)) })).toThrow(/with an "auths" object/);
  });

  test('an empty bundle, bad names, an oversized ConfigMap', () => {
    expect(() => bundle({ name: 'api' })).toThrow("test/Config: 'data' must not be empty: give 'data', 'files' or 'secret'");
    expect(() => bundle({ name: 'API', data: { A: '1' } })).toThrow(/'name' must be a DNS-1123 subdomain .* got "API"/);
    expect(() => bundle({ name: 'api', configMapName: 'Api_Config', data: { A: '1' } })).toThrow(/'configMapName' must be a DNS-1123 subdomain/);
    expect(() => bundle({ name: 'api', secret: BundleSecret.existing('Bad Name') })).toThrow(/'secret\.existing' must be a DNS-1123 subdomain/);
    expect(() => bundle({ name: 'api', secretName: 'mine', secret: BundleSecret.existing('db') }))
      .toThrow(`test/Config: 'secretName' must not be set with BundleSecret.existing, which names the Secret ("db"), got "mine"`);
    expect(() => bundle({ name: 'api', secret: BundleSecret.existing('db', { revision: '' }) })).toThrow(`'secret.revision' must be a non-empty string, got ""`);
    expect(() => bundle({ name: 'api', configMapName: 'same', secretName: 'same', data: { A: '1' }, secret: opaque('B') }))
      .toThrow(/'secretName' must differ from configMapName, got "same" for both/);
    expect(() => bundle({ name: 'api', data: { big: 'x'.repeat(1024 * 1024 + 1) } })).toThrow(/'data' must hold at most 1 MiB \(1048576 bytes\) in total, got 1048577 bytes/);
  });

  test('bad values: a non-string value, an empty file path, no BundleSecret, an empty or oversized Secret, an empty username or file, a bad dotenv key', () => {
    expect(() => bundle({ name: 'api', data: { A: 1 as unknown as string } })).toThrow("test/Config: 'data.A' must be a string, got 1");
    expect(() => bundle({ name: 'api', files: { 'a.conf': '' } })).toThrow(`test/Config: 'files.a.conf' must be a file path, got ""`);
    expect(() => bundle({ name: 'api', secret: { type: 'Opaque' } as unknown as BundleSecret })).toThrow(/test\/Config: 'secret' must be a BundleSecret .*, got "object"/);
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({}) })).toThrow("test/Config: 'secret' must have at least one key, got none");
    const big = SecretSource.fromFile(tmpFile(randomBytes(1024 * 1024 + 1), 'big.bin'));
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ BIG: big }) })).toThrow("test/Config: 'secret' must hold at most 1 MiB (1048576 bytes) in total, got 1048577 bytes");
    const pw = envVar();
    expect(() => bundle({ name: 'api', secret: BundleSecret.basicAuth({ username: '', password: SecretSource.fromEnv(pw.name) }) }))
      .toThrow(`test/Config: 'secret.username' must not be empty, got ""`);
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ K: SecretSource.fromFile(tmpFile('', 'empty.txt')) }) })).toThrow(/test\/Config: 'secret\.K' file ".*empty\.txt" is empty/);
    const env = tmpFile(`A=${randomValue()}\n`, 'a.env');
    expect(() => bundle({ name: 'api', secret: BundleSecret.opaque({ K: SecretSource.fromDotenvFile(env, '1BAD') }) })).toThrow(/'secret\.K' must name a dotenv key .*, got "1BAD"/);
  });

  test('applyTo a workload without containers, and empty or repeated volume keys', () => {
    const chart = testChart();
    const b = new ConfigBundle(chart, 'Config', { name: 'api', data: { A: '1' } });
    expect(() => b.applyTo(deployment(chart, 'empty', []))).toThrow("test/Config: 'applyTo' workload test/Deployment-empty has no containers: add them first or pass 'containers'");
    expect(() => b.configVolume({ keys: [] })).toThrow("test/Config: 'configVolume.keys' must not be empty (leave it out for every key)");
    expect(() => b.configVolume({ keys: ['A', 'A'] })).toThrow(`test/Config: 'configVolume.keys' must not contain duplicates, got "A" twice`);
  });

  test('consumption errors: unknown key, wrong namespace, unsafe mode, unknown volume key, relative mount path, foreign container', () => {
    const chart = testChart();
    const b = new ConfigBundle(chart, 'Config', { name: 'api', data: { A: '1' }, secret: BundleSecret.existing('db', { keys: ['P'] }) });
    expect(() => b.envValue('Z')).toThrow(`test/Config: 'envValue' has no key "Z"; keys: "A", "P"`);
    const other = new Chart(chart.node.root, 'other', { namespace: 'prod', disableResourceNameHashes: true });
    const elsewhere = deployment(other);
    expect(() => b.applyTo(elsewhere)).toThrow(/'consumer' other\/Deployment-api is in namespace "prod" but the bundle is in "demo": pods can only use ConfigMaps and Secrets of their own namespace/);
    expect(() => b.secretVolume({ defaultMode: 0o444 })).toThrow("test/Config: 'secretVolume.defaultMode' must not grant permissions to others (use 0o400 or 0o440), got 0o444");
    expect(() => b.configVolume({ defaultMode: 0o1000 })).toThrow(/'configVolume.defaultMode' must be a file mode between 0 and 0o777, got 512/);
    expect(() => b.configVolume({ keys: ['nope'] })).toThrow(`'configVolume.keys' has unknown key "nope"; keys: "A"`);
    const d = deployment(chart);
    expect(() => b.mountConfig(d.containers[0], 'etc/api')).toThrow(`'configMountPath' must be an absolute path without '..', got "etc/api"`);
    expect(() => b.applyTo(d, { containers: [elsewhere.containers[0]] })).toThrow(/'applyTo.containers' contains container "main", which does not belong to test\/Deployment-api/);
    expect(() => b.applyTo(d, { env: { 'BAD=NAME': 'A' } })).toThrow(/'applyTo.env' must only contain valid environment variable names .*, got "BAD=NAME"/);
    const onlySecret = new ConfigBundle(chart, 'OnlySecret', { name: 'only', secret: BundleSecret.existing('db') });
    expect(() => onlySecret.configVolume()).toThrow("test/OnlySecret: 'configVolume' needs ConfigMap data");
    const onlyConfig = new ConfigBundle(chart, 'OnlyConfig', { name: 'cfg', data: { A: '1' } });
    expect(() => onlyConfig.secretVolume()).toThrow("test/OnlyConfig: 'secretVolume' needs a Secret");
    expect(() => onlyConfig.configVolume({ name: 'cfg-config', defaultMode: 0o400 }) && onlyConfig.configVolume())
      .toThrow(/'configVolume.name' "cfg-config" is already used by a volume of this bundle with other options/);
  });
});

describe('ConfigBundle input checks (JavaScript callers)', () => {
  const bundle = (props: Partial<ConfigBundleProps>) => () => new ConfigBundle(testChart(), 'b', { name: 'api', data: { a: '1' }, ...props });
  test.each([
    ['data given as a string (never keys "0", "1", ...)', { data: 'LOG_LEVEL=info' as unknown as Record<string, string> }, 'test/b: \'data\' must be an object of key-value pairs, got "LOG_LEVEL=info"'],
    ['a numeric data value', { data: { PORT: 8080 as unknown as string } }, 'test/b: \'data.PORT\' must be a string, got 8080'],
    ['files given as an array', { files: ['a.txt'] as unknown as Record<string, string> }, 'test/b: \'files\' must be an object of key-value pairs, got ["a.txt"]'],
    ['a string immutable', { immutable: 'yes' as unknown as boolean }, 'test/b: \'immutable\' must be true or false, got "yes"'],
    ['secret values given as a string', { secret: BundleSecret.opaque('x' as unknown as Record<string, SecretSource>) }, 'test/b: \'secret\' must be an object of key-value pairs, got "x"'],
    ['an existing Secret with keys given as a string', { secret: BundleSecret.existing('creds', { keys: 'DB_PASSWORD' as unknown as string[] }) }, 'test/b: \'secret.keys\' must be an array of strings, got "DB_PASSWORD"'],
    ['an identity name above 63 characters', { identity: { name: 'a'.repeat(64) } }, /^test\/b: 'identity.name' must be at most 63 characters/],
  ])('refuses %s', (_n, props, message) => {
    expect(bundle(props as Partial<ConfigBundleProps>)).toThrow(typeof message === 'string' ? new Error(message) : message);
  });

  test('a key whose value is empty is emitted (cdk8s-plus alone would drop data whose values are all empty)', () => {
    const chart = testChart();
    new ConfigBundle(chart, 'b', { name: 'api', data: { FEATURE_FLAG: '' } });
    expect(find(synthAll(chart), 'ConfigMap', 'api-config').data).toEqual({ FEATURE_FLAG: '' });
  });

  test('a bundle name longer than a label value allows is cut in its labels only', () => {
    const chart = testChart();
    const name = `${'a'.repeat(70)}.config`;
    new ConfigBundle(chart, 'b', { name, data: { a: '1' } });
    const cm = find(synthAll(chart), 'ConfigMap', `${name}-config`);
    expect(cm.metadata.labels['app.kubernetes.io/name']).toBe('a'.repeat(63));
  });

  test('consumption helpers refuse wrong argument types', () => {
    const b = new ConfigBundle(testChart(), 'b', { name: 'api', data: { a: '1' } });
    expect(() => b.envFrom({ prefix: '1BAD' })).toThrow(/^test\/b: 'envFrom.prefix' must only contain valid environment variable names/);
    expect(() => b.configVolume({ keys: 'a' as unknown as string[] })).toThrow(new Error('test/b: \'configVolume.keys\' must be an array of strings, got "a"'));
    expect(() => b.annotate('web' as unknown as kplus.Deployment)).toThrow(new Error('test/b: \'annotate\' must be given a cdk8s-plus workload or something with addPodAnnotation (WebApp, BlueGreenDeployment, StatefulDatabase), got "web"'));
    expect(() => b.applyTo({} as kplus.Deployment)).toThrow(new Error('test/b: \'applyTo\' must be a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job, Pod), got {}'));
  });

  test('a secret source with options of the wrong type', () => {
    expect(() => new ConfigBundle(testChart(), 'b', { name: 'api', secret: BundleSecret.opaque({ A: SecretSource.fromEnv('HOME', { generate: 'yes' as unknown as boolean }) }) }))
      .toThrow(new Error('test/b: \'secret.A.generate\' must be true or false, got "yes"'));
    expect(() => new ConfigBundle(testChart(), 'b', { name: 'api', secret: BundleSecret.opaque({ A: SecretSource.fromFile(42 as unknown as string) }) }))
      .toThrow(new Error('test/b: \'secret.A.file\' must be a string, got 42'));
  });
});
