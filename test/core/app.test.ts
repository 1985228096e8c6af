import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Lazy, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { KubecraftApp, KubecraftAppProps } from '../../lib/core/app';

/** Every file under `dir`, relative path -> content. */
function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function configMap(scope: Construct, id: string, data: Record<string, string> = { key: id }): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id.toLowerCase() }, data });
}

/** An app with the shapes cdk8s orders specially: chart dependencies, nested charts, object dependencies. */
function populate(app: App): void {
  const namespaces = new Chart(app, 'namespaces');
  new ApiObject(namespaces, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } });
  const db = new Chart(app, 'db', { namespace: 'demo', labels: { tier: 'db' } });
  const dbConfig = configMap(db, 'db-config');
  const dbSecret = configMap(db, 'db-secret');
  dbConfig.addDependency(dbSecret); // within a chart: dbSecret is rendered first
  const web = new Chart(app, 'web', { namespace: 'demo' });
  const webConfig = configMap(web, 'web-config');
  webConfig.addDependency(dbConfig); // across charts: web depends on db
  web.addDependency(namespaces);
  const nested = new Chart(web, 'nested');
  configMap(nested, 'nested-config');
  for (let i = 0; i < 5; i++) configMap(new Chart(app, `unit-${i}`), `unit-${i}-config`);
}

describe('KubecraftApp', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-app-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test.each([
    ['FILE_PER_CHART', YamlOutputType.FILE_PER_CHART],
    ['FILE_PER_APP', YamlOutputType.FILE_PER_APP],
    ['FILE_PER_RESOURCE', YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('writes the same files with the same bytes as cdk8s App (%s)', (_name, yamlOutputType) => {
    const plain = new App({ outdir: path.join(tmp, 'plain'), yamlOutputType });
    populate(plain);
    plain.synth();
    const ours = new KubecraftApp({ outdir: path.join(tmp, 'ours'), yamlOutputType });
    populate(ours);
    ours.synth();

    const expected = readTree(path.join(tmp, 'plain'));
    expect(Object.values(expected).join('').match(/^kind: /gm)).toHaveLength(10);
    expect(readTree(path.join(tmp, 'ours'))).toEqual(expected);
  });

  test('orders chart files so that dependencies come first', () => {
    const app = new KubecraftApp({ outdir: path.join(tmp, 'dist') });
    populate(app);
    app.synth();

    const files = fs.readdirSync(path.join(tmp, 'dist')).sort();
    const index = (chart: string): number => files.findIndex((f) => f.endsWith(`-${chart}.k8s.yaml`));
    expect(files).toContain('0000-namespaces.k8s.yaml');
    expect(index('namespaces')).toBeLessThan(index('web'));
    expect(index('db')).toBeLessThan(index('web'));
    expect(index('web-nested')).toBeLessThan(index('web'));
    const db = fs.readFileSync(path.join(tmp, 'dist', files[index('db')]), 'utf8');
    expect(db.indexOf('name: db-secret')).toBeLessThan(db.indexOf('name: db-config'));
  });

  test('synthYaml returns the same documents as cdk8s App', () => {
    const plain = new App({ outdir: path.join(tmp, 'plain') });
    populate(plain);
    const ours = new KubecraftApp({ outdir: path.join(tmp, 'ours') });
    populate(ours);
    expect(ours.synthYaml()).toEqual(plain.synthYaml());
  });

  test('runs each validation once per synth, not once per chart', () => {
    // plain cdk8s re-validates the whole app for every chart: the quadratic cost this class removes
    const count = (app: App): number => {
      let calls = 0;
      for (let i = 0; i < 20; i++) {
        const chart = new Chart(app, `c${i}`);
        configMap(chart, `cm${i}`);
        chart.node.addValidation({ validate: () => { calls++; return []; } });
      }
      app.synth();
      return calls;
    };
    expect(count(new App({ outdir: path.join(tmp, 'plain') }))).toBe(20 * 21);
    expect(count(new KubecraftApp({ outdir: path.join(tmp, 'ours') }))).toBe(20);
  });

  test('reports validation errors like cdk8s App', () => {
    const app = new KubecraftApp({ outdir: path.join(tmp, 'dist') });
    const chart = new Chart(app, 'web');
    chart.node.addValidation({ validate: () => ['replicas must be >= 1'] });
    expect(() => app.synth()).toThrow('Validation failed with the following errors:\n  [web] replicas must be >= 1');
  });

  test('replaces the output directory, so files of removed charts do not linger', () => {
    const outdir = path.join(tmp, 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'removed-chart.k8s.yaml'), 'stale');
    const app = new KubecraftApp({ outdir });
    configMap(new Chart(app, 'web'), 'web-config');
    app.synth();

    expect(fs.readdirSync(outdir)).toEqual(['web.k8s.yaml']);
    expect(fs.readdirSync(tmp).sort()).toEqual(['.dist.kubecraft', 'dist']);
    // dist is a link to the latest version; the plain directory it was is gone; no staging directory is left
    expect(fs.lstatSync(outdir).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(path.join(tmp, '.dist.kubecraft')).filter((f) => !f.startsWith('v-')).sort()).toEqual(['.gitignore']);
  });

  test('leaves the previous output untouched when synth fails', () => {
    const outdir = path.join(tmp, 'dist');
    const first = new KubecraftApp({ outdir });
    configMap(new Chart(first, 'a'), 'a-config');
    configMap(new Chart(first, 'b'), 'b-config');
    first.synth();
    const before = readTree(outdir);

    // chart 'a' renders fine and is written, then chart 'b' fails while rendering
    const second = new KubecraftApp({ outdir });
    configMap(new Chart(second, 'a'), 'a-config', { key: 'changed' });
    configMap(new Chart(second, 'b'), 'b-config', {
      key: Lazy.any({ produce: () => { throw new Error('cannot render b'); } }) as unknown as string,
    });
    expect(() => second.synth()).toThrow(/cannot render b/);

    expect(readTree(outdir)).toEqual(before);
    expect(fs.readdirSync(tmp).sort()).toEqual(['.dist.kubecraft', 'dist']);
    expect(fs.readdirSync(path.join(tmp, '.dist.kubecraft')).filter((f) => !f.startsWith('v-')).sort()).toEqual(['.gitignore']);
  });

  test('creates a missing output directory and its parents', () => {
    const outdir = path.join(tmp, 'out', 'manifests');
    const app = new KubecraftApp({ outdir });
    configMap(new Chart(app, 'web'), 'web-config');
    app.synth();
    expect(fs.readdirSync(outdir)).toEqual(['web.k8s.yaml']);
    expect(fs.statSync(outdir).mode & 0o777).toBe(0o755);
  });

  test('refuses an output directory that contains the working directory', () => {
    const app = new KubecraftApp({ outdir: path.dirname(process.cwd()) });
    configMap(new Chart(app, 'web'), 'web-config');
    expect(() => app.synth()).toThrow(/would be replaced as a whole on synth: use a dedicated directory such as 'dist'/);
  });

  test('honours a chart that overrides toJson()', () => {
    class Filtered extends Chart {
      public toJson(): unknown[] {
        return super.toJson().filter((o: { metadata: { name: string } }) => o.metadata.name !== 'hidden');
      }
    }
    const app = new KubecraftApp({ outdir: path.join(tmp, 'dist') });
    const chart = new Filtered(app, 'web');
    configMap(chart, 'shown');
    configMap(chart, 'hidden');
    app.synth();

    const yaml = fs.readFileSync(path.join(tmp, 'dist', 'web.k8s.yaml'), 'utf8');
    expect(yaml).toContain('name: shown');
    expect(yaml).not.toContain('name: hidden');
  });

  test('keeps children in dictionary-mode tables, in insertion order, only inside a KubecraftApp', () => {
    // thousands of `{}` children tables with distinct first ids degrade V8 (compat installDictionaryChildTables;
    // its canary is test/internal/compat.test.ts)
    const table = (c: Construct): object | undefined => (c.node as unknown as { _children?: object })._children;
    const ours = new KubecraftApp({ outdir: path.join(tmp, 'ours') });
    const chart = new Chart(ours, 'web-0');
    const ids = ['web-0-config', 'b', 'a', 'toString'];
    for (const id of ids) configMap(chart, id);
    expect(Object.getPrototypeOf(table(chart))).toBeNull();
    expect(Object.getPrototypeOf(table(ours))).toBeNull();
    expect(chart.node.children.map((c) => c.node.id)).toEqual(ids);
    expect(chart.node.tryFindChild('constructor')).toBeUndefined();
    expect(() => configMap(chart, 'b')).toThrow(/There is already a Construct with name 'b'/);

    const plain = new App({ outdir: path.join(tmp, 'plain') });
    const plainChart = new Chart(plain, 'web-0');
    configMap(plainChart, 'web-0-config');
    expect(Object.getPrototypeOf(table(plainChart))).toBe(Object.prototype);
  });

  test('records construct metadata when asked', () => {
    const app = new KubecraftApp({ outdir: path.join(tmp, 'dist'), recordConstructMetadata: true });
    configMap(new Chart(app, 'web'), 'web-config');
    app.synth();
    const metadata = JSON.parse(fs.readFileSync(path.join(tmp, 'dist', 'construct-metadata.json'), 'utf8'));
    expect(metadata).toEqual({ version: '1.0.0', resources: { 'web-config': { path: 'web/web-config' } } });
  });
});

describe('KubecraftApp props (JavaScript callers)', () => {
  test.each([
    [{ outdir: 5 }, "<root>: 'outdir' must be a string, got 5"],
    [{ outdir: '' }, '<root>: \'outdir\' must not be empty, got ""'],
    [{ recordConstructMetadata: 'yes' }, '<root>: \'recordConstructMetadata\' must be true or false, got "yes"'],
    [{ yamlOutputType: 7 }, "<root>: 'yamlOutputType' must be one of 0, 1, 2, 3, got 7"],
  ])('%j is refused', (props, message) => {
    expect(() => new KubecraftApp(props as unknown as KubecraftAppProps)).toThrow(new Error(message));
  });
});
