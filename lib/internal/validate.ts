/**
 * Shared validation: every check throws a plain Error that names the construct path, the prop, the value
 * received and what is allowed, e.g. `web/api: 'replicas' must be >= 0, got -1`.
 */
import { Size, SizeRoundingBehavior } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Quantity, formatQuantity, parseQuantityExact, quantityNumber } from './quantity';

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
  if (!isQualifiedName(key)) {
    fail(scope, prop, `must be a valid label key (an optional DNS subdomain prefix and '/', then at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric), got ${show(key)}`);
  }
}

/** IsQualifiedName: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 alphanumerics, '-', '_', '.'. */
export function isQualifiedName(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) && LABEL_KEY_NAME.test(name);
}

/** A set of labels: valid keys (`checkLabelKey`) and values (`checkLabelValue`, reported as `<prop>[<key>]`). */
export function checkLabels(scope: IConstruct, prop: string, labels: Record<string, string>): void {
  checkRecordOfStrings(scope, prop, labels);
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

/** Parses a Kubernetes quantity (`500m`, `0.5`, `128Mi`, `1e3`, `1536Ki`) to a number, or undefined if it is not one. */
export function parseQuantity(value: string): number | undefined {
  const q = parseQuantityExact(value);
  return q === undefined ? undefined : quantityNumber(q);
}

/** The number of cores of a cdk8s-plus `Cpu` (`500m` -> 0.5), or NaN when its amount is not a quantity. */
export function cpuCores(cpu: { readonly amount: string }): number {
  return parseQuantity(cpu?.amount) ?? NaN;
}

/** A valid, strictly positive quantity (storage sizes and the like). Returns its numeric value. */
export function checkPositiveQuantity(scope: IConstruct, prop: string, value: string): number {
  return quantityNumber(checkQuantity(scope, prop, value, { min: 'positive' }));
}

/** Options of {@link checkQuantity}. */
export interface QuantityBounds {
  /** `positive` (> 0) or `non-negative` (>= 0, the default). */
  readonly min?: 'positive' | 'non-negative';
  /** What the quantity measures, for the example in the message. */
  readonly kind?: 'bytes' | 'cpu';
}

/**
 * A Kubernetes quantity string, parsed as the API server parses it (`1536Ki`, `1e3`, `0.5`, `500m`, `10Gi`);
 * negative values (and zero with `min: 'positive'`) are refused. Returns the exact value.
 */
export function checkQuantity(scope: IConstruct, prop: string, value: unknown, bounds: QuantityBounds = {}): Quantity {
  const q = parseQuantityExact(value);
  const example = bounds.kind === 'cpu' ? '"500m" or "2"' : '"10Gi" or "500m"';
  if (q === undefined) fail(scope, prop, `must be a Kubernetes quantity such as ${example}, got ${show(value)}`);
  if (bounds.min === 'positive' && q.nanos <= 0n) fail(scope, prop, `must be greater than zero, got ${show(value)}`);
  if (q.nanos < 0n) fail(scope, prop, `must not be negative, got ${show(value)}`);
  return q;
}

/**
 * A cdk8s-plus `Cpu` (`kplus.Cpu.millis(250)`, `kplus.Cpu.units(2)`), checked at run time for JavaScript callers:
 * its amount must be a non-negative quantity (`Cpu.millis(-100)`, `Cpu.units(NaN)` and `'2'` are refused).
 * Returns the exact value.
 */
export function checkCpu(scope: IConstruct, prop: string, cpu: unknown, bounds: Omit<QuantityBounds, 'kind'> = {}): Quantity {
  const amount = typeof cpu === 'object' && cpu !== null ? (cpu as { amount?: unknown }).amount : undefined;
  if (typeof amount !== 'string') fail(scope, prop, `must be a kplus.Cpu (e.g. Cpu.millis(250) or Cpu.units(2)), got ${show(cpu)}`);
  return checkQuantity(scope, prop, amount, { ...bounds, kind: 'cpu' });
}

/** The byte count of a cdk8s `Size`, exact, in nano-units; undefined for anything else (or a NaN/infinite Size). */
function sizeNanos(size: unknown): bigint | undefined {
  if (typeof size !== 'object' || size === null || typeof (size as Size).toKibibytes !== 'function') return undefined;
  let ki: number;
  try {
    ki = (size as Size).toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  } catch {
    return undefined;
  }
  if (!Number.isFinite(ki)) return undefined;
  // a Size is a float of its unit: take its exact decimal expansion, rounded up to the byte
  const q = parseQuantityExact(`${toPlainDecimal(ki * 1024)}`);
  if (q === undefined) return undefined;
  return ((q.nanos + NANOS_PER_UNIT - 1n) / NANOS_PER_UNIT) * NANOS_PER_UNIT;
}

const NANOS_PER_UNIT = 1_000_000_000n;

function toPlainDecimal(n: number): string {
  // Number#toString uses exponent notation below 1e-6 and above 1e21; the quantity grammar takes both
  return String(n).replace('e+', 'e');
}

/**
 * A cdk8s `Size` (`Size.mebibytes(512)`, `Size.kibibytes(1536)`), checked at run time for JavaScript callers
 * (a string such as `"ten gigs"`, `NaN` and negative sizes are refused). Returns the exact value, rendered by
 * `sizeToQuantity` without rounding (`1536Ki` stays `1536Ki`).
 */
export function checkSize(scope: IConstruct, prop: string, size: unknown, bounds: Omit<QuantityBounds, 'kind'> = {}): Quantity {
  const nanos = sizeNanos(size);
  if (nanos === undefined) fail(scope, prop, `must be a cdk8s Size (e.g. Size.mebibytes(512)), got ${show(size)}`);
  if (nanos < 0n) fail(scope, prop, `must not be negative, got ${formatQuantity(nanos, 'bytes')}`);
  if (bounds.min === 'positive' && nanos === 0n) fail(scope, prop, 'must be greater than zero, got 0');
  return { nanos, text: formatQuantity(nanos, 'bytes') };
}

/** A cdk8s `Size` as an exact quantity string in the largest binary unit that divides it (`1536Ki`, `10Gi`). */
export function sizeToQuantity(size: Size): string {
  const nanos = sizeNanos(size);
  if (nanos === undefined) throw new Error(`not a finite Size: ${show(size)}`);
  return formatQuantity(nanos, 'bytes');
}

/** An int-or-percent such as `1` or `25%`. Returns the parsed form. */
export function checkIntOrPercent(scope: IConstruct, prop: string, value: number | string): { percent: boolean; value: number } {
  if (typeof value === 'number') {
    checkInt32(scope, prop, value, { min: 0 });
    return { percent: false, value };
  }
  const m = typeof value === 'string' ? /^([0-9]+)%$/.exec(value) : null;
  if (!m || Number(m[1]) > 100) fail(scope, prop, `must be a non-negative integer or a percentage between 0% and 100%, got ${show(value)}`);
  return { percent: true, value: Number(m[1]) };
}

// ---- run-time type guards: a JavaScript caller gets the same `'<prop>' must ..., got <value>` as TypeScript ----

/** The largest value of a Kubernetes int32 field (replicas, ports, user ids, ...). */
export const INT32_MAX = 2147483647;

/** An integer within int32 (and within [min, max] when given). */
export function checkInt32(scope: IConstruct, prop: string, value: unknown, bounds: { min?: number; max?: number } = {}): asserts value is number {
  checkInt(scope, prop, value as number, bounds);
  if ((value as number) > INT32_MAX || (value as number) < -INT32_MAX - 1) fail(scope, prop, `must be at most ${INT32_MAX} (an int32), got ${show(value)}`);
}

/** A string (`nonEmpty`: with at least one non-blank character). */
export function checkString(scope: IConstruct, prop: string, value: unknown, options: { nonEmpty?: boolean } = {}): asserts value is string {
  if (typeof value !== 'string') fail(scope, prop, `must be a string, got ${show(value)}`);
  if (options.nonEmpty && value.trim() === '') fail(scope, prop, `must not be empty, got ${show(value)}`);
}

/** A boolean (`true` or `false`, never a truthy string). */
export function checkBoolean(scope: IConstruct, prop: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') fail(scope, prop, `must be true or false, got ${show(value)}`);
}

/** A plain object (a record): not null, not an array, not a string, not a class instance such as a Map. */
export function checkRecord(scope: IConstruct, prop: string, value: unknown): asserts value is Record<string, unknown> {
  const proto = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (proto === undefined || Array.isArray(value) || (proto !== Object.prototype && proto !== null)) {
    fail(scope, prop, `must be an object of key-value pairs, got ${show(value)}`);
  }
}

/** A record of string values (labels, annotations, ConfigMap data, env literals); a value is reported as `<prop>[<key>]`. */
export function checkRecordOfStrings(scope: IConstruct, prop: string, value: unknown): asserts value is Record<string, string> {
  checkRecord(scope, prop, value);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(scope, `${prop}[${show(k)}]`, `must be a string, got ${show(v)}`);
  }
}

/** An array (`nonEmpty`: with at least one element). A string is not an array: `'sh -c x'` is refused, never split. */
export function checkArray(scope: IConstruct, prop: string, value: unknown, options: { nonEmpty?: boolean } = {}): asserts value is readonly unknown[] {
  if (!Array.isArray(value)) fail(scope, prop, `must be an array, got ${show(value)}`);
  if (options.nonEmpty && value.length === 0) fail(scope, prop, 'must contain at least one element, got []');
}

/** An array of strings (`command`, `args`, `mountOptions`, ...); an element is reported as `<prop>[<i>]`. */
export function checkStringArray(scope: IConstruct, prop: string, value: unknown, options: { nonEmpty?: boolean; nonEmptyElements?: boolean } = {}): asserts value is readonly string[] {
  if (!Array.isArray(value)) fail(scope, prop, `must be an array of strings, got ${show(value)}`);
  if (options.nonEmpty && value.length === 0) fail(scope, prop, 'must contain at least one element, got []');
  value.forEach((v, i) => {
    if (typeof v !== 'string') fail(scope, `${prop}[${i}]`, `must be a string, got ${show(v)}`);
    if (options.nonEmptyElements && v.trim() === '') fail(scope, `${prop}[${i}]`, `must not be empty, got ${show(v)}`);
  });
}

/** A value of an enum (a closed set of strings): `checkOneOf` over the enum's values. */
export function checkEnum<T extends string>(scope: IConstruct, prop: string, value: unknown, enumObject: Record<string, T>): asserts value is T {
  checkOneOf(scope, prop, value as T, Object.values(enumObject));
}

/** A function (a callback). */
export function checkFunction(scope: IConstruct, prop: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') fail(scope, prop, `must be a function, got ${show(value)}`);
}

/** An instance of `type` (`what` names it in the message, e.g. 'a NetworkPeer (NetworkPeer.pods(), ...)'). */
export function checkInstance<T>(scope: IConstruct, prop: string, value: unknown, type: { readonly prototype: T }, what: string): asserts value is T {
  if (!(value instanceof (type as unknown as abstract new (...args: never[]) => T))) fail(scope, prop, `must be ${what}, got ${show(value)}`);
}

// ---- keys and values Kubernetes validates (k8s.io/apimachinery/pkg/util/validation) ----

/** A qualified name (IsQualifiedName): a label key, an annotation key, a topology key. Same rules as `checkLabelKey`. */
export function checkQualifiedName(scope: IConstruct, prop: string, key: unknown): asserts key is string {
  checkLabelKey(scope, prop, key as string);
}

/** The most annotation keys and values may hold together (TotalAnnotationSizeLimitB: 256 KiB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * Annotations as the API server validates them (ValidateAnnotations): a record of strings, each key a qualified
 * name (compared in lowercase), keys and values together at most 256 KiB (UTF-8 bytes).
 */
export function checkAnnotations(scope: IConstruct, prop: string, annotations: unknown): asserts annotations is Record<string, string> {
  checkRecordOfStrings(scope, prop, annotations);
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) {
    if (!isQualifiedName(k.toLowerCase())) {
      fail(scope, prop, `must have qualified-name keys (an optional DNS subdomain prefix and '/', then at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric), got ${show(k)}`);
    }
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    fail(scope, prop, `must hold at most 256 KiB (${MAX_ANNOTATIONS_BYTES} bytes of keys and values), got ${bytes} bytes`);
  }
}

/**
 * A name that becomes a label value too (an app's `name` and `instance` are the values of
 * `app.kubernetes.io/name` and `app.kubernetes.io/instance`): at most 63 characters.
 */
export function checkNameAsLabelValue(scope: IConstruct, prop: string, name: unknown, label: string): asserts name is string {
  if (typeof name === 'string' && name.length > 63) {
    fail(scope, prop, `must be at most 63 characters (it is also the value of the label ${label}, which allows 63), got ${show(name)} (${name.length} characters)`);
  }
  checkLabelValue(scope, prop, name as string);
}

/**
 * Refuses keys an options object does not declare (a misspelt opt-in such as `allowRoot` must never be silently
 * ignored). `prop` is the object's prop (`''` for the construct's own props).
 */
export function checkKnownKeys(scope: IConstruct, prop: string, opts: object, known: readonly string[]): void {
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) {
      fail(scope, prop ? `${prop}.${k}` : k, `is not a setting (settings: ${known.join(', ')}), got ${show((opts as Record<string, unknown>)[k])}`);
    }
  }
}
