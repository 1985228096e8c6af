/**
 * Shared validation: every check throws a plain Error that names the construct path, the prop, the value
 * received and what is allowed, e.g. `web/api: 'replicas' must be >= 0, got -1`.
 */
import { IConstruct } from 'constructs';

/** Throws `<path>: '<prop>' <message>`. */
export function fail(scope: IConstruct, prop: string, message: string): never {
  const path = scope.node.path || '<root>';
  throw new Error(`${path}: '${prop}' ${message}`);
}

/** Renders a value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value); // JSON renders NaN as "null"
  try {
    return JSON.stringify(value) ?? String(value); // undefined, functions and symbols have no JSON form
  } catch {
    return String(value);
  }
}

/** An integer within [min, max] (either bound optional). */
export function checkInt(scope: IConstruct, prop: string, value: number, bounds: { min?: number; max?: number } = {}): void {
  const { min, max } = bounds;
  if (!Number.isInteger(value)) fail(scope, prop, `must be an integer, got ${show(value)}`);
  if (min !== undefined && max !== undefined && (value < min || value > max)) {
    fail(scope, prop, `must be between ${min} and ${max}, got ${value}`);
  }
  if (min !== undefined && value < min) fail(scope, prop, `must be >= ${min}, got ${value}`);
  if (max !== undefined && value > max) fail(scope, prop, `must be <= ${max}, got ${value}`);
}

/** A TCP/UDP port number: 1-65535. */
export function checkPort(scope: IConstruct, prop: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    fail(scope, prop, `must be a port number between 1 and 65535, got ${show(value)}`);
  }
}

/** A NodePort: 30000-32767 (the default service-node-port-range). */
export function checkNodePort(scope: IConstruct, prop: string, value: number): void {
  if (!Number.isInteger(value) || value < 30000 || value > 32767) {
    fail(scope, prop, `must be between 30000 and 32767 (the default node port range), got ${show(value)}`);
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

/** An RFC 1123 DNS label (Service, Namespace, container and port-less object names): at most 63 characters. */
export function checkDnsLabel(scope: IConstruct, prop: string, value: string, maxLength = 63): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || !DNS_LABEL.test(value)) {
    fail(scope, prop, `must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most ${maxLength} characters), got ${show(value)}`);
  }
}

/** An RFC 1123 DNS subdomain (most object names): at most 253 characters. */
export function checkDnsSubdomain(scope: IConstruct, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    fail(scope, prop, `must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got ${show(value)}`);
  }
}

/** A port name (IANA_SVC_NAME): at most 15 characters, lowercase alphanumerics and '-', at least one letter. */
export function checkPortName(scope: IConstruct, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 15 || !IANA_SVC_NAME.test(value) || !/[a-z]/.test(value) || value.includes('--')) {
    fail(scope, prop, `must be a port name (at most 15 lowercase letters, digits and single '-', with at least one letter), got ${show(value)}`);
  }
}

const LABEL_KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * A label key: an optional DNS-subdomain prefix (at most 253 characters) and '/', then a name of at most 63
 * alphanumerics, '-', '_' and '.', starting and ending alphanumeric.
 */
export function checkLabelKey(scope: IConstruct, prop: string, key: string): void {
  const slash = typeof key === 'string' ? key.indexOf('/') : -1;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok = typeof key === 'string'
    && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)))
    && LABEL_KEY_NAME.test(name);
  if (!ok) {
    fail(scope, prop, `must be a valid label key (an optional DNS subdomain prefix and '/', then at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric), got ${show(key)}`);
  }
}

/** A set of labels: valid keys (`checkLabelKey`) and values (`checkLabelValue`, reported as `<prop>[<key>]`). */
export function checkLabels(scope: IConstruct, prop: string, labels: Record<string, string>): void {
  for (const [k, v] of Object.entries(labels)) {
    checkLabelKey(scope, prop, k);
    checkLabelValue(scope, `${prop}[${show(k)}]`, v);
  }
}

/** A value of a closed set (an enum's values). */
export function checkOneOf<T>(scope: IConstruct, prop: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) fail(scope, prop, `must be one of ${allowed.join(', ')}, got ${show(value)}`);
}

/** A label value: at most 63 characters, alphanumerics with '-', '_' and '.' inside. */
export function checkLabelValue(scope: IConstruct, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    fail(scope, prop, `must be a valid label value (at most 63 characters: alphanumerics, '-', '_' and '.', starting and ending alphanumeric), got ${show(value)}`);
  }
}

/** A ConfigMap/Secret key: non-empty, at most 253 characters of alphanumerics, '-', '_' and '.'. */
export function checkConfigKey(scope: IConstruct, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) fail(scope, prop, `must not contain an empty key, got ${show(value)}`);
  if (value.length > 253 || !CONFIG_KEY.test(value) || value === '.' || value === '..') {
    fail(scope, prop, `must only contain valid ConfigMap/Secret keys (alphanumerics, '-', '_' and '.', at most 253 characters), got ${show(value)}`);
  }
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** An environment variable name: letters, digits, '_', '-' and '.', not starting with a digit. */
export function checkEnvName(scope: IConstruct, prop: string, name: string): void {
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    fail(scope, prop, `must only contain valid environment variable names (letters, digits, '_', '-' and '.', not starting with a digit), got ${show(name)}`);
  }
}

/** No duplicates in a list of names. */
export function checkUnique(scope: IConstruct, prop: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) fail(scope, prop, `must not contain duplicates, got ${show(v)} twice`);
    seen.add(v);
  }
}

/**
 * An image reference with an explicit tag or digest. `:latest` (or no tag, which means latest) is rejected
 * unless `allowLatest` is set, because it makes rollouts and rollbacks unreproducible.
 */
export function checkImage(scope: IConstruct, prop: string, image: string, allowLatest = false): void {
  const ref = typeof image === 'string' && !/\s/.test(image) ? imageParts(image) : undefined;
  if (!ref || ref.name === '' || (ref.tag !== undefined && !IMAGE_TAG.test(ref.tag)) || (ref.digest !== undefined && !IMAGE_DIGEST.test(ref.digest))) {
    fail(scope, prop, `must be an image reference such as "nginx:1.27.3", got ${show(image)}`);
  }
  if (allowLatest) return;
  if (ref.digest !== undefined) return; // digest-pinned
  if (ref.tag === undefined) fail(scope, prop, `must carry an explicit tag or digest (e.g. "${image}:1.0.0"), got ${show(image)}; set 'allowLatest' to accept it`);
  if (ref.tag === 'latest') fail(scope, prop, `must not use the "latest" tag, got ${show(image)}; pin a version or set 'allowLatest'`);
}

/** Tag and digest syntax of an image reference (github.com/distribution/reference). */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Splits `name[:tag][@digest]`; a registry port (`localhost:5000/app`) is part of the name, not a tag. */
function imageParts(image: string): { name: string; tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const rest = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  return colon >= 0 ? { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest } : { name: rest, digest };
}

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
// a number followed by at most one of: a decimal exponent (`e3`) or a suffix (`Mi`, `m`); never both (`1e3Mi` is invalid)
const QUANTITY = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Parses a Kubernetes quantity (`500m`, `0.5`, `128Mi`, `1e3`) to a number, or undefined if it is not one. */
export function parseQuantity(value: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m || !/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(m[1])) return undefined;
  const base = Number(m[1]) * (m[2] ? Math.pow(10, Number(m[2].slice(1))) : 1);
  const suffix = m[3] ?? '';
  const factor = BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix];
  return factor === undefined ? undefined : base * factor;
}

/** The number of cores of a cdk8s-plus `Cpu` (`500m` -> 0.5), or NaN when its amount is not a quantity. */
export function cpuCores(cpu: { readonly amount: string }): number {
  return parseQuantity(cpu.amount) ?? NaN;
}

/** A valid, strictly positive quantity (storage sizes and the like). Returns its numeric value. */
export function checkPositiveQuantity(scope: IConstruct, prop: string, value: string): number {
  const n = parseQuantity(value);
  if (n === undefined) fail(scope, prop, `must be a Kubernetes quantity such as "10Gi" or "500m", got ${show(value)}`);
  if (n <= 0) fail(scope, prop, `must be greater than zero, got ${show(value)}`);
  return n;
}

/** An int-or-percent such as `1` or `25%`. Returns the parsed form. */
export function checkIntOrPercent(scope: IConstruct, prop: string, value: number | string): { percent: boolean; value: number } {
  if (typeof value === 'number') {
    checkInt(scope, prop, value, { min: 0 });
    return { percent: false, value };
  }
  const m = /^([0-9]+)%$/.exec(value);
  if (!m || Number(m[1]) > 100) fail(scope, prop, `must be a non-negative integer or a percentage between 0% and 100%, got ${show(value)}`);
  return { percent: true, value: Number(m[1]) };
}
