import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, DependencyVertex, Names, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { installDictionaryChildTables } from '../internal/compat';
import { KUBERNETES_VERSION_CONTEXT, parseKubernetesVersion, writeKubernetesVersionFile } from './target-version';
import { installAppChecks } from '../internal/app-checks';
import { checkBoolean, checkOneOf, checkRecord, checkString } from '../internal/validate';
import { STAGED_OUTDIR_ENV, guardOutdir, publishOutput } from './output';

/**
 * Props for {@link KubecraftApp}: cdk8s `AppProps` (`outdir` defaults to `$CDK8S_OUTDIR`, else `dist`) and the
 * Kubernetes version the app targets.
 */
export interface KubecraftAppProps extends AppProps {
  /**
   * The oldest Kubernetes version the manifests must be accepted by (`'1.29'`): features that need a newer API
   * server (native sidecars: 1.29) are available only when it allows them, and `checks/run.sh` validates the output
   * against it. Sets the context key `kubecraft.dev/kubernetes-version`.
   * @default '1.27'
   */
  readonly kubernetesVersion?: string;
}

/**
 * A cdk8s `App` whose `synth()` costs time linear in the size of the app, and which replaces its output
 * directory atomically.
 *
 * Plain cdk8s 2.70 is quadratic in the number of charts: `App.synth()` calls `chart.toJson()` for every chart,
 * and each `Chart.toJson()` (`cdk8s/lib/chart.js`) calls `App._synthChart()` (`cdk8s/lib/app.js` L88-98), which
 * walks the *whole app* again (`node.findAll()`), re-runs every construct's validations and re-infers every
 * dependency. With 1000 charts that is 1000 walks of the whole tree (23 s instead of 1-2 s).
 *
 * `KubecraftApp` validates and resolves dependencies once, then renders each chart from its own subtree, and
 * writes the same files with the same bytes as `App`. It also keeps thousands of charts from degrading V8 (see
 * compat `installDictionaryChildTables`, installed by the first KubecraftApp constructed): 5000 charts then cost about
 * what 5000 units in one chart cost. Output goes to a private staging directory and is published by an atomic
 * symlink flip (`output.ts`): `outdir` is a link to the latest complete version, so a failed or killed synth
 * leaves the previous output complete, and files of objects that no longer exist never linger. Before the
 * output is written, the app-wide checks run (`internal/app-checks.ts`).
 *
 * @example
 * const app = new KubecraftApp();
 * new MyChart(app, 'web');
 * app.synth(); // dist/web.k8s.yaml
 */
export class KubecraftApp extends App {
  private readonly recordMetadata: boolean;

  constructor(props: KubecraftAppProps = {}) {
    super(checkAppProps(props));
    installDictionaryChildTables((root) => root instanceof KubecraftApp);
    if (props.kubernetesVersion !== undefined) {
      parseKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion);
      this.node.setContext(KUBERNETES_VERSION_CONTEXT, props.kubernetesVersion);
    }
    installAppChecks(this);
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  /**
   * All the charts in this app, sorted topologically (dependencies first), as in `App.charts`.
   */
  public get charts(): Chart[] {
    return topology(new DependencyGraph(this.node).root).filter((c): c is Chart => c instanceof Chart);
  }

  /**
   * Synthesizes all manifests into `outdir`, replacing its previous content only on success.
   */
  public synth(): void {
    const outdir = path.resolve(this.outdir);
    if (process.env[STAGED_OUTDIR_ENV] !== undefined && path.resolve(process.env[STAGED_OUTDIR_ENV]) === outdir) {
      // scripts/synth.mjs staged this directory and publishes it when the app is done
      this.writeTo(outdir);
      return;
    }
    try {
      guardOutdir(outdir);
    } catch (e) {
      throw new Error(`KubecraftApp: ${(e as Error).message}`);
    }
    publishOutput(outdir, (staging) => this.writeTo(staging));
  }

  /**
   * Synthesizes the app into one multi-document YAML string, as `App.synthYaml()`.
   */
  public synthYaml(): string {
    this.prepare();
    const docs: unknown[] = [];
    for (const chart of this.charts) {
      docs.push(...renderChart(chart));
    }
    return Yaml.stringify(...docs);
  }

  private prepare(): boolean {
    const cache = new FindAllCache();
    validate(this, cache);
    return resolveDependencies(this, cache);
  }

  private writeTo(dir: string): void {
    const hasDependantCharts = this.prepare();
    const charts = this.charts;
    const ext = this.outputFileExtension;
    switch (this.yamlOutputType) {
      case YamlOutputType.FILE_PER_APP: {
        if (charts.length > 0) {
          const out = new YamlFile(path.join(dir, `app${ext}`));
          try {
            for (const chart of charts) {
              for (const doc of renderChart(chart)) out.add(doc);
            }
          } finally {
            out.close();
          }
        }
        break;
      }
      case YamlOutputType.FILE_PER_CHART: {
        const name = chartNamer(hasDependantCharts);
        for (const chart of charts) {
          const out = new YamlFile(path.join(dir, name(chart) + ext));
          try {
            for (const doc of renderChart(chart)) out.add(doc);
          } finally {
            out.close();
          }
        }
        break;
      }
      case YamlOutputType.FILE_PER_RESOURCE: {
        for (const chart of charts) {
          for (const doc of renderChart(chart)) {
            if (doc === undefined) continue;
            Yaml.save(path.join(dir, resourceFileName(doc) + ext), [doc]);
          }
        }
        break;
      }
      case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE: {
        const name = chartNamer(hasDependantCharts);
        for (const chart of charts) {
          const folder = path.join(dir, name(chart));
          fs.mkdirSync(folder, { recursive: true });
          for (const obj of chartApiObjects(chart)) {
            Yaml.save(path.join(folder, resourceFileName({ kind: obj.kind, metadata: { name: obj.metadata.name } }) + ext), [obj.toJson()]);
          }
        }
        break;
      }
      default:
        break;
    }
    writeKubernetesVersionFile(this, dir);
    if (this.recordMetadata) {
      const resources: Record<string, { path: string }> = {};
      for (const chart of charts) {
        for (const obj of chartApiObjects(chart)) resources[obj.name] = { path: obj.node.path };
      }
      fs.writeFileSync(path.join(dir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
    }
  }
}

/** The props of a KubecraftApp, checked for JavaScript callers (`outdir: 5` would otherwise fail inside `path`). */
function checkAppProps(props: KubecraftAppProps): KubecraftAppProps {
  const at = { node: { path: '' } } as IConstruct; // the app itself: messages name it `<root>`
  checkRecord(at, 'props', props as unknown);
  for (const key of ['outdir', 'outputFileExtension'] as const) {
    if (props[key] !== undefined) checkString(at, key, props[key], { nonEmpty: true });
  }
  if (props.recordConstructMetadata !== undefined) checkBoolean(at, 'recordConstructMetadata', props.recordConstructMetadata);
  if (props.yamlOutputType !== undefined) checkOneOf(at, 'yamlOutputType', props.yamlOutputType, [0, 1, 2, 3]);
  return props;
}

/** `node.findAll()` memoized per node for one synth, like cdk8s's internal `SynthRequestCache`. */
class FindAllCache {
  private readonly all = new Map<IConstruct, IConstruct[]>();
  private readonly objects = new Map<IConstruct, ApiObject[]>();

  public findAll(c: IConstruct): IConstruct[] {
    let found = this.all.get(c);
    if (!found) {
      found = c.node.findAll();
      this.all.set(c, found);
    }
    return found;
  }

  /** The API objects under `c` (inclusive) whose closest chart is `c`'s chart. */
  public apiObjectsOf(c: IConstruct): ApiObject[] {
    let found = this.objects.get(c);
    if (!found) {
      const chart = Chart.of(c);
      found = this.findAll(c).filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
      this.objects.set(c, found);
    }
    return found;
  }
}

/** Runs every construct's validations once (cdk8s `validate()`, same message). */
function validate(app: App, cache: FindAllCache): void {
  const errors: string[] = [];
  for (const child of cache.findAll(app)) {
    for (const error of child.node.validate()) {
      errors.push(`[${child.node.path}] ${error}`);
    }
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

function buildDependencies(app: App, cache: FindAllCache): { source: IConstruct; target: IConstruct }[] {
  const deps: { source: IConstruct; target: IConstruct }[] = [];
  for (const child of cache.findAll(app)) {
    for (const dep of child.node.dependencies) {
      deps.push({ source: child, target: dep });
    }
  }
  return deps;
}

/**
 * cdk8s `resolveDependencies()` (same edges, added in the same order), run once per synth instead of once per
 * chart, with the per-construct API-object lists memoized.
 */
function resolveDependencies(app: App, cache: FindAllCache): boolean {
  let hasDependantCharts = false;
  // nested charts: the parent chart depends on its child charts
  for (const parent of cache.findAll(app)) {
    if (!(parent instanceof Chart)) continue;
    for (const child of parent.node.children) {
      if (child instanceof Chart) {
        parent.node.addDependency(child);
        hasDependantCharts = true;
      }
    }
  }
  // construct dependencies across charts become chart dependencies
  for (const dep of buildDependencies(app, cache)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  // construct dependencies become API object dependencies (this includes the chart dependencies just added)
  for (const dep of buildDependencies(app, cache)) {
    const targets = cache.apiObjectsOf(dep.target);
    const sources = cache.apiObjectsOf(dep.source);
    for (const target of targets) {
      for (const source of sources) {
        if (target !== source) source.node.addDependency(target);
      }
    }
  }
  return hasDependantCharts;
}

/**
 * The constructs under a dependency-graph vertex, dependencies first. Same order as
 * `DependencyVertex.topology()`, but each vertex is expanded once: cdk8s re-walks the subgraph below a vertex
 * every time it is reached, which is exponential in the depth of shared dependencies.
 */
function topology(root: DependencyVertex): IConstruct[] {
  const found = new Set<DependencyVertex>();
  const order: IConstruct[] = [];
  const visit = (v: DependencyVertex): void => {
    if (found.has(v)) return;
    for (const c of v.outbound) visit(c);
    found.add(v);
    if (v.value) order.push(v.value);
  };
  visit(root);
  return order;
}

/** The API objects a chart renders (its own, not those of nested charts), dependencies first. */
function chartApiObjects(chart: Chart): ApiObject[] {
  return topology(new DependencyGraph(chart.node).root)
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}

type Manifest = { kind: string; metadata: { name?: string } };

/** The manifests of one chart; a chart that overrides `toJson()` is honoured. */
function renderChart(chart: Chart): Manifest[] {
  if (chart.toJson !== Chart.prototype.toJson) {
    return Object.values(chart.toJson()) as Manifest[];
  }
  return chartApiObjects(chart).map((o) => o.toJson() as Manifest);
}

function resourceFileName(doc: Manifest): string {
  return `${doc.kind}.${doc.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}

/** cdk8s chart file/folder names: `<chart>` or, when charts depend on each other, `0000-<chart>`. */
function chartNamer(indexed: boolean): (chart: Chart) => string {
  let index = 0;
  return (chart) => {
    const name = Names.toDnsLabel(chart);
    return indexed ? `${(index++).toString().padStart(4, '0')}-${name}` : name;
  };
}

/**
 * A multi-document YAML file written one document at a time: the same bytes as `Yaml.save(file, docs)`
 * without holding every document of a large chart in memory at once.
 */
class YamlFile {
  private readonly fd: number;
  private count = 0;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }

  public add(doc: unknown): void {
    const text = doc === undefined ? '\n' : Yaml.stringify(doc);
    fs.writeSync(this.fd, this.count++ === 0 ? text : `---\n${text}`);
  }

  public close(): void {
    fs.closeSync(this.fd);
  }
}
