/**
 * Helpers of the book tests: run a book example of docs/examples/book/ (a small cdk8s app that uses the public API
 * only), and compare what it synthesizes with the fields the book's manifest sets.
 *
 * The rule (issue 15): every field the book sets comes out with the book's value. Fields the book does not set
 * may be added (hardening: security contexts, resources, probes, recommended labels, a port name). So the
 * comparison is a subset match, with these refinements:
 * - selectors (`selector`, `matchLabels`) must be exactly the book's: an extra label selects fewer pods;
 * - lists of named things match by their key (containers and volumes by `name`, env vars by `name`, mounts by
 *   `mountPath`, ports by `containerPort`/`port`); other lists (`command`, `args`, `accessModes`) must be equal;
 * - quantities (`cpu: "0.5"` and `500m`, `memory`, `storage`) compare by value.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { parseQuantity } from '../../lib/internal/validate';

/** A synthesized (or book) Kubernetes object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = Record<string, any>;

const EXAMPLES = path.resolve(__dirname, '..', '..', 'docs', 'examples', 'book');

/**
 * Runs `docs/examples/book/<name>.ts` in this process (as `npm run docs:examples` does: `// docs-env:` lines set
 * env vars, CDK8S_OUTDIR points at a fresh directory) and returns every object it synthesized.
 */
export function synthExample(name: string): Manifest[] {
  const file = path.join(EXAMPLES, `${name}.ts`);
  const source = fs.readFileSync(file, 'utf8');
  const env: Record<string, string> = {};
  for (const m of source.matchAll(/^\/\/ docs-env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) env[m[1]] = m[2];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kubecraft-book-'));
  const outdir = path.join(tmp, 'out');
  const saved: Record<string, string | undefined> = {};
  for (const k of [...Object.keys(env), 'CDK8S_OUTDIR']) saved[k] = process.env[k];
  Object.assign(process.env, env, { CDK8S_OUTDIR: outdir });
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    });
    return fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort()
      .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS() as Manifest))
      .filter((d) => d !== null);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The object of the book's kind and name (and namespace, when the book sets one) among `objects`. */
export function counterpart(objects: Manifest[], book: Manifest): Manifest | undefined {
  const ns = book.metadata?.namespace;
  return objects.find((o) => o.kind === book.kind && o.metadata?.name === book.metadata?.name && (ns === undefined || o.metadata?.namespace === ns));
}

/**
 * Every difference between the book's objects and what was synthesized: a missing object, a missing field, a
 * changed value. Empty when each field the book sets comes out with the book's value.
 */
export function bookMismatches(objects: Manifest[], book: Manifest[]): string[] {
  const out: string[] = [];
  for (const b of book) {
    const id = `${b.kind}/${b.metadata?.namespace ? `${b.metadata.namespace}/` : ''}${b.metadata?.name}`;
    const o = counterpart(objects, b);
    if (!o) {
      out.push(`${id}: missing (synthesized: ${objects.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')})`);
      continue;
    }
    compare(o, b, id, [], out);
  }
  return out;
}

const KEYS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  ports: ['containerPort', 'port'],
  volumeClaimTemplates: ['metadata.name'],
};
const EXACT = new Set(['selector', 'matchLabels']);
const QUANTITY_PARENTS = new Set(['limits', 'requests', 'capacity']);

function get(o: Manifest, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Manifest)[k] : undefined), o);
}

function compare(actual: unknown, expected: unknown, id: string, at: string[], out: string[]): void {
  const where = `${id} ${at.join('.') || '(root)'}`;
  const key = at[at.length - 1] ?? '';
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push(`${where}: the book has a list, got ${JSON.stringify(actual)}`);
      return;
    }
    const keys = KEYS[key];
    if (keys && expected.every((e) => e && typeof e === 'object')) {
      for (const e of expected as Manifest[]) {
        const k = keys.find((c) => get(e, c) !== undefined);
        if (!k) {
          out.push(`${where}: a book item without ${keys.join('/')}: ${JSON.stringify(e)}`);
          continue;
        }
        const hit = (actual as Manifest[]).find((a) => a && get(a, k) === get(e, k));
        if (!hit) out.push(`${where}[${k}=${JSON.stringify(get(e, k))}]: missing`);
        else compare(hit, e, id, [...at.slice(0, -1), `${key}[${k}=${JSON.stringify(get(e, k))}]`], out);
      }
      return;
    }
    if (JSON.stringify(actual) !== JSON.stringify(expected)) out.push(`${where}: the book has ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push(`${where}: the book has ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      return;
    }
    if (EXACT.has(key) && Object.values(expected).every((v) => typeof v === 'string')) {
      if (JSON.stringify(sorted(actual as Manifest)) !== JSON.stringify(sorted(expected as Manifest))) {
        out.push(`${where}: the book selects exactly ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      }
      return;
    }
    for (const [k, v] of Object.entries(expected as Manifest)) {
      if (!(k in (actual as Manifest))) out.push(`${where === `${id} (root)` ? id : where}.${k}: missing (the book has ${JSON.stringify(v)})`);
      else compare((actual as Manifest)[k], v, id, [...at, k], out);
    }
    return;
  }
  const parent = at[at.length - 2] ?? '';
  if (QUANTITY_PARENTS.has(parent) && actual !== undefined) {
    const a = parseQuantity(String(actual));
    const e = parseQuantity(String(expected));
    if (a !== undefined && e !== undefined && Math.abs(a - e) <= Math.abs(e) * 1e-12) return;
  }
  if (actual !== expected) out.push(`${where}: the book has ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function sorted(m: Manifest): Manifest {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]]));
}

/** The object of `kind` named `name` (throws listing what exists). */
export function only(objects: Manifest[], kind: string, name: string, namespace?: string): Manifest {
  const hit = objects.filter((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
  if (hit.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${hit.length} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return hit[0];
}
