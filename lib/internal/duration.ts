/**
 * Time props: cdk8s `Duration`, as cdk8s-plus takes them (`minReady: Duration.seconds(10)`). The older
 * `<name>Seconds: number` props keep working for one release, deprecated; giving both is an error.
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkInt, fail, show } from './validate';

/** One time prop and its deprecated `*Seconds` twin. */
export interface DurationProp {
  /** The prop's name (`minReady`). */
  readonly prop: string;
  /** The value given (a `Duration`, or anything from a JavaScript caller). */
  readonly value: Duration | undefined;
  /** The deprecated number-of-seconds prop (`minReadySeconds`), if the construct still accepts it. */
  readonly secondsProp?: string;
  /** Its value. */
  readonly seconds?: number;
  /** The value when neither is given (undefined: the prop stays unset). */
  readonly default?: Duration;
  /** Bounds, in whole seconds. */
  readonly min?: number;
  /** Bounds, in whole seconds. */
  readonly max?: number;
}

/**
 * Resolves a time prop to whole seconds: the `Duration` prop, else the deprecated seconds prop, else the default.
 * Throws `'<prop>' must ...` for a non-Duration, a fraction of a second, a value out of bounds, or both props given.
 */
export function resolveSeconds(scope: IConstruct, spec: DurationProp & { readonly default: Duration }): number;
export function resolveSeconds(scope: IConstruct, spec: DurationProp): number | undefined;
export function resolveSeconds(scope: IConstruct, spec: DurationProp): number | undefined {
  const { prop, value, secondsProp, seconds } = spec;
  if (value !== undefined && seconds !== undefined) {
    fail(scope, prop, `must not be given together with the deprecated '${secondsProp}', got both (${show(describe(value))} and ${show(seconds)})`);
  }
  let result: number | undefined;
  if (value !== undefined) {
    result = toWholeSeconds(scope, prop, value);
  } else if (seconds !== undefined) {
    checkInt(scope, secondsProp ?? prop, seconds, { min: spec.min, max: spec.max });
    return seconds;
  } else if (spec.default !== undefined) {
    result = toWholeSeconds(scope, prop, spec.default);
  }
  if (result !== undefined) checkSecondsBounds(scope, prop, result, spec);
  return result;
}

function toWholeSeconds(scope: IConstruct, prop: string, value: unknown): number {
  if (!isDuration(value)) fail(scope, prop, `must be a cdk8s Duration (e.g. Duration.seconds(30)), got ${show(value)}`);
  const millis = value.toMilliseconds();
  if (!Number.isFinite(millis) || millis % 1000 !== 0) {
    fail(scope, prop, `must be a whole number of seconds, got ${describe(value)}`);
  }
  return millis / 1000;
}

function checkSecondsBounds(scope: IConstruct, prop: string, secs: number, spec: DurationProp): void {
  const { min, max } = spec;
  if (min !== undefined && secs < min) fail(scope, prop, `must be at least ${min}s, got ${secs}s`);
  if (max !== undefined && secs > max) fail(scope, prop, `must be at most ${max}s, got ${secs}s`);
}

function isDuration(value: unknown): value is Duration {
  // duck-typed: a second copy of cdk8s in a consumer's tree must not make a real Duration fail `instanceof`
  return typeof value === 'object' && value !== null && typeof (value as Duration).toMilliseconds === 'function'
    && typeof (value as Duration).toHumanString === 'function';
}

function describe(value: unknown): string {
  return isDuration(value) ? value.toHumanString() : show(value);
}
