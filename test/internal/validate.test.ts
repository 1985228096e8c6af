import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import {
  checkConfigKey, checkDnsLabel, checkDnsSubdomain, checkImage, checkInt, checkIntOrPercent, checkLabelKey, checkLabels, checkLabelValue, checkNodePort, checkOneOf,
  checkPort, checkPortName, checkPositiveQuantity, checkUnique, cpuCores, fail, parseQuantity, show,
} from '../../lib/internal/validate';
import * as validate from '../../lib/internal/validate';
import { testChart } from '../util';

/** A construct at path `test/web` (chart `test`, child `web`). */
function scope(): Construct {
  return new Construct(testChart(), 'web');
}

/** The message a check throws (fails the test when it does not throw). */
function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a throw, got none');
}

/** Escapes a literal for a RegExp. */
const lit = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `<path>: '<prop>' <anything> got <value>` with nothing after the value (lowercase start, no trailing period). */
function shape(prop: string, got: string, path = 'test/web'): RegExp {
  return new RegExp(`^${lit(path)}: '${lit(prop)}' [a-z].* got ${lit(got)}$`);
}

describe('fail and show', () => {
  test('fail throws "<path>: \'<prop>\' <message>"', () => {
    expect(() => fail(scope(), 'replicas', 'must be >= 1, got -1')).toThrow(new Error("test/web: 'replicas' must be >= 1, got -1"));
  });

  test('fail names the root "<root>" (its path is empty)', () => {
    expect(() => fail(Testing.app(), 'x', 'must be set, got undefined')).toThrow(new Error("<root>: 'x' must be set, got undefined"));
  });

  test('fail always throws a plain Error', () => {
    expect(() => fail(scope(), 'x', 'y')).toThrow(Error);
  });

  test.each<[unknown, string]>([
    ['abc', '"abc"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    [42, '42'],
    [-1.5, '-1.5'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [['a', 1], '["a",1]'],
    [{ a: 1 }, '{"a":1}'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [BigInt(7), '7'],
  ])('show(%p) is %s', (value, shown) => {
    expect(show(value)).toBe(shown);
  });

  test('show never returns undefined for a value JSON cannot render (a function, a symbol)', () => {
    const fn = () => 1;
    expect(show(fn)).toBe(String(fn));
    expect(show(fn)).not.toBe('undefined');
    expect(show(Symbol('s'))).toBe('Symbol(s)');
  });

  test('show falls back to String for a circular object', () => {
    const o: Record<string, unknown> = {};
    o.self = o;
    expect(show(o)).toBe('[object Object]');
  });
});

describe('checkInt', () => {
  test.each<[number, { min?: number; max?: number }]>([
    [0, {}],
    [-5, {}],
    [1, { min: 1 }],
    [10, { max: 10 }],
    [5, { min: 0, max: 10 }],
    [0, { min: 0, max: 10 }],
    [10, { min: 0, max: 10 }],
  ])('%p within %p passes', (value, bounds) => {
    expect(() => checkInt(scope(), 'replicas', value, bounds)).not.toThrow();
  });

  test('bounds are optional', () => {
    expect(() => checkInt(scope(), 'replicas', 3)).not.toThrow();
  });

  test.each<[number, { min?: number; max?: number }, string]>([
    [-1, { min: 0 }, "test/web: 'replicas' must be >= 0, got -1"],
    [11, { max: 10 }, "test/web: 'replicas' must be <= 10, got 11"],
    [-1, { min: 0, max: 10 }, "test/web: 'replicas' must be between 0 and 10, got -1"],
    [11, { min: 0, max: 10 }, "test/web: 'replicas' must be between 0 and 10, got 11"],
    [1.5, {}, "test/web: 'replicas' must be an integer, got 1.5"],
    [1.5, { min: 0 }, "test/web: 'replicas' must be an integer, got 1.5"],
  ])('%p with %p fails: %s', (value, bounds, message) => {
    expect(() => checkInt(scope(), 'replicas', value, bounds)).toThrow(new Error(message));
  });

  test.each<[number, string]>([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
  ])('%p is not an integer and the message shows it as %s (not "null")', (value, shown) => {
    expect(messageOf(() => checkInt(scope(), 'replicas', value))).toBe(`test/web: 'replicas' must be an integer, got ${shown}`);
  });
});

describe('checkPort', () => {
  test.each([1, 80, 8080, 65535])('%p passes', (port) => {
    expect(() => checkPort(scope(), 'port', port)).not.toThrow();
  });

  test.each<[number, string]>([
    [0, '0'],
    [-1, '-1'],
    [65536, '65536'],
    [80.5, '80.5'],
    [NaN, 'NaN'],
  ])('%p fails', (port, shown) => {
    const msg = messageOf(() => checkPort(scope(), 'ports[0].port', port));
    expect(msg).toBe(`test/web: 'ports[0].port' must be a port number between 1 and 65535, got ${shown}`);
    expect(msg).toMatch(shape('ports[0].port', shown));
  });

  test('a numeric string is not a port', () => {
    expect(() => checkPort(scope(), 'port', '80' as unknown as number)).toThrow(shape('port', '"80"'));
  });
});

describe('checkNodePort', () => {
  test.each([30000, 31000, 32767])('%p passes', (port) => {
    expect(() => checkNodePort(scope(), 'nodePort', port)).not.toThrow();
  });

  test.each([29999, 32768, 80, 30000.5])('%p fails', (port) => {
    expect(() => checkNodePort(scope(), 'nodePort', port)).toThrow(
      new Error(`test/web: 'nodePort' must be between 30000 and 32767 (the default node port range), got ${port}`),
    );
  });
});

describe('checkDnsLabel', () => {
  test.each(['a', 'api', 'web-1', '1web', 'a'.repeat(63)])('%p passes', (name) => {
    expect(() => checkDnsLabel(scope(), 'name', name)).not.toThrow();
  });

  test.each(['', 'Api', 'web_1', '-web', 'web-', 'web.api', 'a b', 'a'.repeat(64)])('%p fails', (name) => {
    const msg = messageOf(() => checkDnsLabel(scope(), 'name', name));
    expect(msg).toBe(`test/web: 'name' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending alphanumeric, at most 63 characters), got ${JSON.stringify(name)}`);
  });

  test('a custom maximum length is enforced and named in the message', () => {
    expect(() => checkDnsLabel(scope(), 'name', 'a'.repeat(52), 52)).not.toThrow();
    expect(() => checkDnsLabel(scope(), 'name', 'a'.repeat(53), 52)).toThrow(/at most 52 characters\), got "a{53}"$/);
  });

  test('a non-string fails with its value', () => {
    expect(() => checkDnsLabel(scope(), 'name', undefined as unknown as string)).toThrow(shape('name', 'undefined'));
  });
});

describe('checkDnsSubdomain', () => {
  test.each(['a', 'web.example.com', 'a-b.c-d', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`])('%p passes', (name) => {
    expect(() => checkDnsSubdomain(scope(), 'name', name)).not.toThrow();
  });

  test.each(['', 'Web.example.com', 'web..example', '.web', 'web.', 'web_1', '-a.b', 'a'.repeat(254)])('%p fails', (name) => {
    expect(() => checkDnsSubdomain(scope(), 'name', name)).toThrow(
      new Error(`test/web: 'name' must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters), got ${JSON.stringify(name)}`),
    );
  });
});

describe('checkPortName', () => {
  test.each(['http', 'h2c', 'metrics-9090', 'a', 'a'.repeat(15), '1a'])('%p passes', (name) => {
    expect(() => checkPortName(scope(), 'ports[0].name', name)).not.toThrow();
  });

  test.each(['', 'HTTP', '8080', 'http--alt', '-http', 'http-', 'http_alt', 'a'.repeat(16)])('%p fails', (name) => {
    expect(() => checkPortName(scope(), 'ports[0].name', name)).toThrow(
      new Error(`test/web: 'ports[0].name' must be a port name (at most 15 lowercase letters, digits and single '-', with at least one letter), got ${JSON.stringify(name)}`),
    );
  });
});

describe('checkLabelValue', () => {
  test.each(['', 'a', '1.2.3', 'v1_2-3.rc', 'A'.repeat(63)])('%p passes', (value) => {
    expect(() => checkLabelValue(scope(), 'version', value)).not.toThrow();
  });

  test.each(['-a', 'a-', '.a', 'a b', 'a/b', '1.2+3', 'a'.repeat(64)])('%p fails', (value) => {
    expect(() => checkLabelValue(scope(), 'version', value)).toThrow(
      new Error(`test/web: 'version' must be a valid label value (at most 63 characters: alphanumerics, '-', '_' and '.', starting and ending alphanumeric), got ${JSON.stringify(value)}`),
    );
  });
});

describe('checkLabelKey and checkLabels', () => {
  test.each(['app', 'app.kubernetes.io/name', 'example.com/tier_1', 'A-b.c', 'x'.repeat(63), `${'a'.repeat(253)}/k`])('accepts %p', (key) => {
    expect(() => checkLabelKey(scope(), 'labels', key)).not.toThrow();
  });
  test.each(['', 'bad key', '-tier', 'tier-', 'a/b/c', 'Upper.Case/x', '/name', 'prefix/', 'x'.repeat(64), `${'a'.repeat(254)}/k`])('rejects %p', (key) => {
    const msg = messageOf(() => checkLabelKey(scope(), 'labels', key));
    expect(msg).toMatch(shape('labels', JSON.stringify(key)));
    expect(msg).toContain('must be a valid label key');
  });
  test('checkLabels checks every key and every value, naming the key of a bad value', () => {
    expect(() => checkLabels(scope(), 'labels', { tier: 'gold', 'app.kubernetes.io/name': 'web' })).not.toThrow();
    expect(messageOf(() => checkLabels(scope(), 'labels', { tier: 'gold', 'bad key': 'x' }))).toMatch(shape('labels', '"bad key"'));
    expect(messageOf(() => checkLabels(scope(), 'labels', { tier: 'not valid!' }))).toMatch(shape('labels["tier"]', '"not valid!"'));
  });
});

describe('checkOneOf', () => {
  enum Mode { A = 'A', B = 'B' }
  test('accepts a member and names the allowed values otherwise', () => {
    expect(() => checkOneOf(scope(), 'mode', Mode.B, Object.values(Mode))).not.toThrow();
    const msg = messageOf(() => checkOneOf(scope(), 'mode', 'C' as Mode, Object.values(Mode)));
    expect(msg).toBe('test/web: \'mode\' must be one of A, B, got "C"');
  });
});

describe('checkConfigKey', () => {
  test.each(['a', 'app.conf', 'DB_PASSWORD', '.env', 'a-b_c.d', 'k'.repeat(253)])('%p passes', (key) => {
    expect(() => checkConfigKey(scope(), 'data', key)).not.toThrow();
  });

  test('an empty key fails', () => {
    expect(() => checkConfigKey(scope(), 'data', '')).toThrow(new Error("test/web: 'data' must not contain an empty key, got \"\""));
  });

  test.each(['.', '..', 'a/b', 'a b', 'k'.repeat(254), 'ä'])('%p fails, naming the key and what is allowed', (key) => {
    expect(() => checkConfigKey(scope(), 'data', key)).toThrow(
      new Error(`test/web: 'data' must only contain valid ConfigMap/Secret keys (alphanumerics, '-', '_' and '.', at most 253 characters), got ${JSON.stringify(key)}`),
    );
  });
});

describe('checkUnique', () => {
  test('distinct values and the empty list pass', () => {
    expect(() => checkUnique(scope(), 'ports[].name', ['http', 'metrics'])).not.toThrow();
    expect(() => checkUnique(scope(), 'ports[].name', [])).not.toThrow();
  });

  test('a duplicate fails, naming it', () => {
    expect(() => checkUnique(scope(), 'ports[].name', ['http', 'metrics', 'http'])).toThrow(
      new Error("test/web: 'ports[].name' must not contain duplicates, got \"http\" twice"),
    );
  });

  test('comparison is exact (case matters)', () => {
    expect(() => checkUnique(scope(), 'names', ['a', 'A'])).not.toThrow();
  });
});

describe('checkImage', () => {
  const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

  test.each([
    'nginx:1.27.3',
    'docker.io/library/nginx:1.27.3-alpine',
    'localhost:5000/app:1.2',
    'registry.example.com:443/org/team/app:v2_rc.1',
    `nginx@${DIGEST}`,
    `nginx:1.27.3@${DIGEST}`,
    `localhost:5000/app@${DIGEST}`,
  ])('%p passes', (image) => {
    expect(() => checkImage(scope(), 'image', image)).not.toThrow();
  });

  test.each(['nginx', 'docker.io/library/nginx', 'localhost:5000/app'])('untagged %p fails (the registry port is not a tag)', (image) => {
    expect(() => checkImage(scope(), 'image', image)).toThrow(
      new Error(`test/web: 'image' must carry an explicit tag or digest (e.g. "${image}:1.0.0"), got ${JSON.stringify(image)}; set 'allowLatest' to accept it`),
    );
  });

  test.each(['nginx:latest', 'localhost:5000/app:latest'])('%p fails', (image) => {
    expect(() => checkImage(scope(), 'image', image)).toThrow(
      new Error(`test/web: 'image' must not use the "latest" tag, got ${JSON.stringify(image)}; pin a version or set 'allowLatest'`),
    );
  });

  test('a tag that merely contains "latest" is a pinned tag', () => {
    expect(() => checkImage(scope(), 'image', 'app:latest-2024')).not.toThrow();
    expect(() => checkImage(scope(), 'image', 'latest/app:1.0')).not.toThrow();
  });

  test.each(['nginx', 'nginx:latest', 'localhost:5000/app', 'localhost:5000/app:latest'])('allowLatest accepts %p', (image) => {
    expect(() => checkImage(scope(), 'image', image, true)).not.toThrow();
  });

  test.each(['', '   ', 'nginx 1.27', 'nginx:1.27\n', 'nginx:', 'nginx:-bad', 'nginx@', 'nginx@sha256:', 'nginx@sha256:xyz', 'nginx@1234'])(
    '%p is not an image reference, with or without allowLatest',
    (image) => {
      const message = `test/web: 'image' must be an image reference such as "nginx:1.27.3", got ${JSON.stringify(image)}`;
      expect(() => checkImage(scope(), 'image', image)).toThrow(new Error(message));
      expect(() => checkImage(scope(), 'image', image, true)).toThrow(new Error(message));
    },
  );

  test('a non-string fails with its value', () => {
    expect(() => checkImage(scope(), 'image', 42 as unknown as string)).toThrow(shape('image', '42'));
  });
});

describe('parseQuantity', () => {
  test.each<[string, number]>([
    ['500m', 0.5],
    ['0.5', 0.5],
    ['1', 1],
    ['.5', 0.5],
    ['5.', 5],
    ['+2', 2],
    ['-1', -1],
    ['100n', 100e-9],
    ['250u', 250e-6],
    ['128Mi', 128 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['64Ki', 64 * 1024],
    ['1Ti', 2 ** 40],
    ['2Pi', 2 * 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1e3', 1000],
    ['1E3', 1000],
    ['2e-3', 0.002],
    ['1.5e+2', 150],
    ['0', 0],
    [' 1Gi ', 2 ** 30],
  ])('%p is %p', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });

  test.each([
    '', ' ', 'abc', 'Mi', '1K', '1MB', '1mi', '1 Gi', '1..5', '.', '1.2.3', '--1', '1e', '1e3Mi', '1e3m', '1Gi1', '0x10', 'NaN', 'Infinity',
  ])('%p is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });

  test('a non-string is not a quantity', () => {
    expect(parseQuantity(5 as unknown as string)).toBeUndefined();
  });
});

describe('cpuCores', () => {
  test('counts the cores of a cdk8s-plus Cpu; NaN for an amount that is not a quantity', () => {
    expect(cpuCores(kplus.Cpu.millis(250))).toBe(0.25);
    expect(cpuCores(kplus.Cpu.units(2))).toBe(2);
    expect(cpuCores({ amount: 'two' })).toBeNaN();
  });
});

describe('checkPositiveQuantity', () => {
  test('returns the value of a positive quantity', () => {
    expect(checkPositiveQuantity(scope(), 'storage', '10Gi')).toBe(10 * 2 ** 30);
    expect(checkPositiveQuantity(scope(), 'cpu', '1m')).toBeCloseTo(0.001, 12);
  });

  test.each(['0', '0Gi', '-1Gi'])('%p fails: must be greater than zero', (text) => {
    expect(() => checkPositiveQuantity(scope(), 'storage', text)).toThrow(new Error(`test/web: 'storage' must be greater than zero, got ${JSON.stringify(text)}`));
  });

  test.each(['10GB', '', 'ten', '1e3Mi'])('%p fails: not a quantity', (text) => {
    expect(() => checkPositiveQuantity(scope(), 'storage', text)).toThrow(
      new Error(`test/web: 'storage' must be a Kubernetes quantity such as "10Gi" or "500m", got ${JSON.stringify(text)}`),
    );
  });
});

describe('checkIntOrPercent', () => {
  test.each<[number | string, { percent: boolean; value: number }]>([
    [0, { percent: false, value: 0 }],
    [3, { percent: false, value: 3 }],
    ['0%', { percent: true, value: 0 }],
    ['25%', { percent: true, value: 25 }],
    ['100%', { percent: true, value: 100 }],
  ])('%p parses to %p', (input, parsed) => {
    expect(checkIntOrPercent(scope(), 'maxSurge', input)).toEqual(parsed);
  });

  test.each<[number, string]>([
    [-1, "test/web: 'maxSurge' must be >= 0, got -1"],
    [1.5, "test/web: 'maxSurge' must be an integer, got 1.5"],
  ])('the number %p fails', (input, message) => {
    expect(() => checkIntOrPercent(scope(), 'maxSurge', input)).toThrow(new Error(message));
  });

  test.each(['101%', '-5%', '5', '25 %', '%', '2.5%', 'abc', ''])('the string %p fails', (input) => {
    expect(() => checkIntOrPercent(scope(), 'maxSurge', input)).toThrow(
      new Error(`test/web: 'maxSurge' must be a non-negative integer or a percentage between 0% and 100%, got ${JSON.stringify(input)}`),
    );
  });
});

describe('every check names the construct path of its scope', () => {
  test('a nested construct', () => {
    const deep = new Construct(new Construct(testChart(null, 'prod'), 'shop'), 'api');
    expect(() => checkPort(deep, 'port', 0)).toThrow(shape('port', '0', 'prod/shop/api'));
  });
});

describe('run-time type guards (plain JavaScript callers)', () => {
  const v = () => validate;
  test('checkString, checkBoolean and checkInt32', () => {
    expect(messageOf(() => v().checkString(scope(), 'name', 5))).toBe("test/web: 'name' must be a string, got 5");
    expect(messageOf(() => v().checkString(scope(), 'name', ' ', { nonEmpty: true }))).toBe('test/web: \'name\' must not be empty, got " "');
    expect(messageOf(() => v().checkBoolean(scope(), 'immutable', 'yes'))).toBe('test/web: \'immutable\' must be true or false, got "yes"');
    expect(messageOf(() => v().checkInt32(scope(), 'replicas', 2 ** 31, { min: 0 }))).toBe("test/web: 'replicas' must be at most 2147483647 (an int32), got 2147483648");
    expect(() => v().checkInt32(scope(), 'replicas', 2 ** 31 - 1, { min: 0 })).not.toThrow();
  });

  test('a string is never taken for an array or a record (no "0", "1", ... keys, no split command)', () => {
    expect(messageOf(() => v().checkStringArray(scope(), 'command', 'sh -c true'))).toBe('test/web: \'command\' must be an array of strings, got "sh -c true"');
    expect(messageOf(() => v().checkStringArray(scope(), 'command', ['sh', 1]))).toBe("test/web: 'command[1]' must be a string, got 1");
    expect(messageOf(() => v().checkRecordOfStrings(scope(), 'data', 'abc'))).toBe('test/web: \'data\' must be an object of key-value pairs, got "abc"');
    expect(messageOf(() => v().checkRecordOfStrings(scope(), 'env', { PORT: 8080 }))).toBe('test/web: \'env["PORT"]\' must be a string, got 8080');
    expect(messageOf(() => v().checkRecord(scope(), 'labels', new Map()))).toBe("test/web: 'labels' must be an object of key-value pairs, got {}");
    expect(messageOf(() => v().checkRecord(scope(), 'labels', null))).toBe("test/web: 'labels' must be an object of key-value pairs, got null");
    expect(messageOf(() => checkLabels(scope(), 'labels', 'ab' as unknown as Record<string, string>))).toBe('test/web: \'labels\' must be an object of key-value pairs, got "ab"');
    expect(messageOf(() => v().checkArray(scope(), 'ports', null))).toBe("test/web: 'ports' must be an array, got null");
    expect(messageOf(() => v().checkArray(scope(), 'ports', [], { nonEmpty: true }))).toBe("test/web: 'ports' must contain at least one element, got []");
  });

  test('checkEnum, checkFunction and checkInstance', () => {
    enum Mode { A = 'Filesystem', B = 'Block' }
    expect(messageOf(() => v().checkEnum(scope(), 'volumeMode', 'Disk', Mode))).toBe('test/web: \'volumeMode\' must be one of Filesystem, Block, got "Disk"');
    expect(messageOf(() => v().checkFunction(scope(), 'produce', 1))).toBe("test/web: 'produce' must be a function, got 1");
    expect(messageOf(() => v().checkInstance(scope(), 'peer', {}, Map, 'a Map'))).toBe("test/web: 'peer' must be a Map, got {}");
  });

  test('checkAnnotations: qualified-name keys (compared in lowercase) and 256 KiB in total', () => {
    expect(() => v().checkAnnotations(scope(), 'annotations', { 'Example.COM/Key': 'x', a: '' })).not.toThrow();
    expect(messageOf(() => v().checkAnnotations(scope(), 'annotations', { 'bad key': 'x' }))).toBe(
      "test/web: 'annotations' must have qualified-name keys (an optional DNS subdomain prefix and '/', then at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric), got \"bad key\"");
    expect(messageOf(() => v().checkAnnotations(scope(), 'annotations', { a: 'x'.repeat(256 * 1024) }))).toBe(
      "test/web: 'annotations' must hold at most 256 KiB (262144 bytes of keys and values), got 262145 bytes");
    expect(messageOf(() => v().checkAnnotations(scope(), 'annotations', { a: 1 }))).toBe('test/web: \'annotations["a"]\' must be a string, got 1');
  });

  test('checkNameAsLabelValue: a name that is also app.kubernetes.io/name allows 63 characters', () => {
    expect(() => v().checkNameAsLabelValue(scope(), 'name', 'a'.repeat(63), 'app.kubernetes.io/name')).not.toThrow();
    expect(messageOf(() => v().checkNameAsLabelValue(scope(), 'name', 'a'.repeat(64), 'app.kubernetes.io/name'))).toBe(
      `test/web: 'name' must be at most 63 characters (it is also the value of the label app.kubernetes.io/name, which allows 63), got "${'a'.repeat(64)}" (64 characters)`);
  });
});
