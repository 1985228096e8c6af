/**
 * Where a Secret value comes from, so that no value is ever written in TypeScript source or committed:
 * an environment variable read at synth time, a gitignored local dotenv file, or a whole local file
 * (a PEM certificate, a docker config). A development environment can opt into generating missing values
 * into its gitignored dotenv file, where later synths find and reuse them.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { checkBoolean, checkRecord, checkString, fail, show } from '../internal/validate';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Options of {@link SecretSource.fromEnv}. */
export interface FromEnvOptions {
  /**
   * A gitignored dotenv file (`NAME=value` lines) read when the environment variable is not set, under the
   * same name. Relative paths are resolved against the working directory of the synth (the project root for
   * `npm run synth`). Meant for a development environment only: leave it out for any environment whose
   * values must come from the environment (CI, production).
   * @default - no fallback: a missing variable is an error
   */
  readonly devFallbackFile?: string;
  /**
   * When the variable is in neither the environment nor `devFallbackFile`, generate a random value
   * (32 random bytes, base64url: 43 characters), append it to `devFallbackFile` (created with mode 0600 in a
   * 0700 directory) and use it. Later synths read it back, so the value is stable. Requires `devFallbackFile`.
   * @default false
   */
  readonly generate?: boolean;
}

/** Options of {@link SecretSource.fromDotenvFile} and {@link SecretSource.fromFile}. */
export interface LocalFileOptions {
  /**
   * Refuse a file that git does not ignore (checked with `git check-ignore` when the file is inside a git work
   * tree; files outside any work tree, e.g. under /run/secrets, are accepted).
   * @default true
   */
  readonly requireGitIgnored?: boolean;
}

/** A resolved value and where it came from. */
export interface ResolvedSecretValue {
  /** The value's bytes. */
  readonly value: Buffer;
  /** Where it came from, for messages (never the value itself). */
  readonly origin: string;
}

/**
 * The source of one Secret value. Values are read when the construct that uses the source is built
 * (at synth time), never stored in source code.
 *
 * @example
 * SecretSource.fromEnv('API_DB_PASSWORD')                                   // prod: must be exported
 * SecretSource.fromEnv('API_DB_PASSWORD', { devFallbackFile: '.secrets/dev.env', generate: true }) // dev
 * SecretSource.fromDotenvFile('.secrets/api.env', 'DB_PASSWORD')
 * SecretSource.fromFile('.secrets/tls.crt')
 */
export abstract class SecretSource {
  /**
   * The value of environment variable `variable` at synth time.
   */
  public static fromEnv(variable: string, options: FromEnvOptions = {}): SecretSource {
    return new EnvSource(variable, options);
  }

  /**
   * The value of `key` in a gitignored dotenv file (`KEY=value` lines; `#` comments, `export KEY=...`,
   * single- and double-quoted values with `\n` escapes in double quotes).
   */
  public static fromDotenvFile(file: string, key: string, options: LocalFileOptions = {}): SecretSource {
    return new DotenvSource(file, key, options);
  }

  /**
   * The whole content of a gitignored local file (e.g. a PEM certificate or key, a docker config.json).
   */
  public static fromFile(file: string, options: LocalFileOptions = {}): SecretSource {
    return new FileSource(file, options);
  }

  /** A description of the source for messages and docs, e.g. `environment variable API_DB_PASSWORD`. */
  public abstract readonly description: string;

  /** Whether this source may generate its value (only `fromEnv` with `generate: true`). */
  public abstract readonly generates: boolean;

  /**
   * Reads the value. Throws `<path>: '<prop>' ...` naming the variable or file and the fix when it is missing.
   */
  public abstract resolve(scope: IConstruct, prop: string): ResolvedSecretValue;
}

class EnvSource extends SecretSource {
  public readonly description: string;
  public readonly generates: boolean;

  constructor(private readonly variable: string, private readonly options: FromEnvOptions) {
    super();
    this.description = `environment variable ${variable}`;
    this.generates = options.generate ?? false;
  }

  public resolve(scope: IConstruct, prop: string): ResolvedSecretValue {
    const v = this.variable;
    if (typeof v !== 'string' || !ENV_NAME.test(v)) {
      fail(scope, prop, `must name a valid environment variable (letters, digits and '_', not starting with a digit), got ${show(v)}`);
    }
    checkRecord(scope, `${prop} options`, this.options as unknown);
    if (this.options.generate !== undefined) checkBoolean(scope, `${prop}.generate`, this.options.generate);
    if (this.options.devFallbackFile !== undefined) checkString(scope, `${prop}.devFallbackFile`, this.options.devFallbackFile, { nonEmpty: true });
    const fallback = this.options.devFallbackFile;
    if (this.generates && fallback === undefined) {
      fail(scope, prop, `sets 'generate' for ${v} without 'devFallbackFile': generated values must be kept in a gitignored file to stay stable across synths`);
    }
    const fromEnv = process.env[v];
    if (fromEnv !== undefined) {
      if (fromEnv === '') fail(scope, prop, `environment variable ${v} is set but empty: export a non-empty value before synth`);
      return { value: Buffer.from(fromEnv, 'utf8'), origin: this.description };
    }
    if (fallback === undefined) {
      fail(scope, prop, `environment variable ${v} is not set: export ${v}=<value> before synth (secret values never live in source)`);
    }
    const file = path.resolve(fallback);
    checkGitIgnored(scope, prop, file);
    const entries = readDotenvIfExists(scope, prop, file);
    const found = entries?.get(v);
    if (found !== undefined && found !== '') return { value: Buffer.from(found, 'utf8'), origin: `${v} in ${fallback}` };
    if (!this.generates) {
      fail(scope, prop, `environment variable ${v} is not set and ${entries ? `${fallback} has no non-empty ${v}` : `${fallback} does not exist`}: export ${v}=<value> or add '${v}=<value>' to ${fallback}`);
    }
    const value = generateInto(scope, prop, file, v);
    return { value: Buffer.from(value, 'utf8'), origin: `${v} generated into ${fallback}` };
  }
}

class DotenvSource extends SecretSource {
  public readonly description: string;
  public readonly generates = false;

  constructor(private readonly file: string, private readonly key: string, private readonly options: LocalFileOptions) {
    super();
    this.description = `${key} in ${file}`;
  }

  public resolve(scope: IConstruct, prop: string): ResolvedSecretValue {
    if (typeof this.key !== 'string' || !ENV_NAME.test(this.key)) {
      fail(scope, prop, `must name a dotenv key (letters, digits and '_', not starting with a digit), got ${show(this.key)}`);
    }
    checkLocalFileSource(scope, prop, this.file, this.options);
    const file = path.resolve(this.file);
    if (this.options.requireGitIgnored ?? true) checkGitIgnored(scope, prop, file);
    const entries = readDotenvIfExists(scope, prop, file);
    if (!entries) fail(scope, prop, `cannot read ${JSON.stringify(this.file)} (ENOENT: no such file): create it with a '${this.key}=<value>' line (resolved to ${file})`);
    const value = entries.get(this.key);
    if (value === undefined || value === '') {
      fail(scope, prop, `${JSON.stringify(this.file)} has no non-empty ${this.key}: add a '${this.key}=<value>' line`);
    }
    return { value: Buffer.from(value, 'utf8'), origin: this.description };
  }
}

class FileSource extends SecretSource {
  public readonly description: string;
  public readonly generates = false;

  constructor(private readonly file: string, private readonly options: LocalFileOptions) {
    super();
    this.description = `file ${file}`;
  }

  public resolve(scope: IConstruct, prop: string): ResolvedSecretValue {
    checkLocalFileSource(scope, prop, this.file, this.options);
    const file = path.resolve(this.file);
    if (this.options.requireGitIgnored ?? true) checkGitIgnored(scope, prop, file);
    const value = readLocalFile(scope, prop, this.file);
    if (value.length === 0) fail(scope, prop, `file ${JSON.stringify(this.file)} is empty`);
    return { value, origin: this.description };
  }
}

/** The file and options of a file-based source, checked for JavaScript callers. */
function checkLocalFileSource(scope: IConstruct, prop: string, file: unknown, options: LocalFileOptions): void {
  checkString(scope, `${prop}.file`, file, { nonEmpty: true });
  checkRecord(scope, `${prop} options`, options as unknown);
  if (options.requireGitIgnored !== undefined) checkBoolean(scope, `${prop}.requireGitIgnored`, options.requireGitIgnored);
}

/** Reads a local file, turning any error into `<path>: '<prop>' cannot read "<file>" (<code>): ...`. */
export function readLocalFile(scope: IConstruct, prop: string, file: string): Buffer {
  try {
    return fs.readFileSync(path.resolve(file));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EISDIR' ? 'EISDIR: it is a directory' : `${err.code ?? 'error'}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`;
    return fail(scope, prop, `cannot read ${JSON.stringify(file)} (${why}): check the path (relative paths start at ${process.cwd()}) and its permissions`);
  }
}

/** Parses dotenv text into an ordered map. Unparseable lines are an error naming the line number. */
export function parseDotenv(text: string, onError: (line: number, message: string) => never): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) onError(i + 1, 'is not a KEY=value line');
    const key = m[1];
    let value = m[2];
    if (value.startsWith('"')) {
      const end = closingQuote(value, '"');
      if (end < 0) onError(i + 1, 'has an unterminated double-quoted value');
      value = value.slice(1, end).replace(/\\(["\\nrt])/g, (_s, c: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[c] ?? c);
    } else if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      if (end < 0) onError(i + 1, 'has an unterminated single-quoted value');
      value = value.slice(1, end);
    } else {
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out.set(key, value);
  }
  return out;
}

function closingQuote(s: string, q: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === q) return i;
  }
  return -1;
}

function readDotenvIfExists(scope: IConstruct, prop: string, file: string): Map<string, string> | undefined {
  if (!fs.existsSync(file)) return undefined;
  const text = readLocalFile(scope, prop, file).toString('utf8');
  return parseDotenv(text, dotenvError(scope, prop, file));
}

/** The `onError` of `parseDotenv` for a construct: names the line and the file, never a value. */
function dotenvError(scope: IConstruct, prop: string, file: string): (line: number, message: string) => never {
  return (line, message) => fail(scope, prop, `line ${line} of ${JSON.stringify(file)} ${message} (values are never shown)`);
}

/**
 * Generates a value for `key` into the dotenv `file` under an exclusive lock (`<file>.lock`), re-reading the
 * file first: two synths running at once agree on one value instead of each appending its own.
 */
function generateInto(scope: IConstruct, prop: string, file: string, key: string): string {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    return withLock(file, () => {
      const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      if (existing !== undefined) {
        const current = parseDotenv(existing, dotenvError(scope, prop, file)).get(key);
        if (current !== undefined && current !== '') return current;
      }
      const value = randomBytes(32).toString('base64url');
      const header = existing === undefined
        ? '# Generated by kubecraft for the dev environment: local only, never commit (gitignored).\n'
        : existing.length > 0 && !existing.endsWith('\n') ? '\n' : '';
      fs.appendFileSync(file, `${header}${key}=${value}\n`, { mode: 0o600 });
      return value;
    });
  } catch (e) {
    if ((e as Error).message.startsWith(`${scope.node.path}:`)) throw e;
    return fail(scope, prop, `cannot write the generated value of ${key} to ${JSON.stringify(file)} (${(e as Error).message}): make its directory writable or export ${key}`);
  }
}

/** A lock older than this was left by a killed synth and is taken over. */
const STALE_LOCK_MS = 30_000;

function withLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + 2 * STALE_LOCK_MS;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > STALE_LOCK_MS) fs.rmSync(lock, { force: true });
      } catch {
        // the holder just released it: try again
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

const ignoredCache = new Map<string, boolean | undefined>();

/**
 * True when git ignores `file`; false when `file` is inside a work tree and not ignored (or tracked);
 * undefined when it is outside any work tree or git is not installed.
 */
export function isGitIgnored(file: string): boolean | undefined {
  const abs = path.resolve(file);
  if (ignoredCache.has(abs)) return ignoredCache.get(abs);
  let dir = path.dirname(abs);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const r = spawnSync('git', ['check-ignore', '-q', '--', abs], { cwd: dir, stdio: 'ignore' });
  const result = r.error ? undefined : r.status === 0 ? true : r.status === 1 ? false : undefined;
  ignoredCache.set(abs, result);
  return result;
}

function checkGitIgnored(scope: IConstruct, prop: string, file: string): void {
  if (isGitIgnored(file) === false) {
    fail(scope, prop, `file ${JSON.stringify(file)} holds secret values but git does not ignore it (or it is tracked): add it to .gitignore (e.g. '.secrets/') and keep it out of the repository`);
  }
}
