import { Duration, Testing } from 'cdk8s';
import { resolveSeconds } from '../../lib/internal/duration';

describe('resolveSeconds', () => {
  const scope = Testing.chart();

  test('a Duration becomes whole seconds; the default applies when nothing is given', () => {
    expect(resolveSeconds(scope, { prop: 'minReady', value: Duration.minutes(2) })).toBe(120);
    expect(resolveSeconds(scope, { prop: 'minReady', value: undefined, default: Duration.seconds(30) })).toBe(30);
    expect(resolveSeconds(scope, { prop: 'minReady', value: undefined })).toBeUndefined();
  });

  test('the deprecated seconds prop still works', () => {
    expect(resolveSeconds(scope, { prop: 'minReady', value: undefined, secondsProp: 'minReadySeconds', seconds: 7, default: Duration.seconds(0) })).toBe(7);
  });

  test('both props at once are refused, naming both', () => {
    expect(() => resolveSeconds(scope, { prop: 'minReady', value: Duration.seconds(1), secondsProp: 'minReadySeconds', seconds: 1 }))
      .toThrow(`test: 'minReady' must not be given together with the deprecated 'minReadySeconds', got both ("1 second" and 1)`);
  });

  test('a plain number from a JavaScript caller is refused with the Duration hint', () => {
    expect(() => resolveSeconds(scope, { prop: 'minReady', value: 30 as unknown as Duration }))
      .toThrow(`test: 'minReady' must be a cdk8s Duration (e.g. Duration.seconds(30)), got 30`);
  });

  test('fractions of a second and out-of-bounds values are refused', () => {
    expect(() => resolveSeconds(scope, { prop: 'minReady', value: Duration.millis(1500) }))
      .toThrow(`test: 'minReady' must be a whole number of seconds, got 1 second 500 millis`);
    expect(() => resolveSeconds(scope, { prop: 'progressDeadline', value: Duration.seconds(0), min: 1 }))
      .toThrow(`test: 'progressDeadline' must be at least 1s, got 0s`);
    expect(() => resolveSeconds(scope, { prop: 'x', value: undefined, secondsProp: 'xSeconds', seconds: -1, min: 0 }))
      .toThrow(`test: 'xSeconds' must be >= 0, got -1`);
  });
});
