import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { formatQuantity, parseQuantityExact, quantityNumber } from '../../lib/internal/quantity';
import { checkCpu, checkQuantity, checkSize, sizeToQuantity } from '../../lib/internal/validate';
import { testChart } from '../util';

const scope = (): Construct => new Construct(testChart(), 'web');
const nanos = (s: string): bigint | undefined => parseQuantityExact(s)?.nanos;

describe('parseQuantityExact (resource.Quantity grammar)', () => {
  test.each([
    ['1', 1_000_000_000n], ['0', 0n], ['500m', 500_000_000n], ['0.5', 500_000_000n], ['.5', 500_000_000n], ['1.', 1_000_000_000n],
    ['1e3', 1000_000_000_000n], ['1E3', 1000_000_000_000n], ['1e-3', 1_000_000n], ['+2', 2_000_000_000n],
    ['1536Ki', 1536n * 1024n * 1_000_000_000n], ['1.5Ki', 1536n * 1_000_000_000n], ['128Mi', 128n * 2n ** 20n * 1_000_000_000n],
    ['1k', 1000_000_000_000n], ['1M', 10n ** 15n], ['1E', 10n ** 27n], ['1Ei', 2n ** 60n * 1_000_000_000n],
    ['100u', 100_000n], ['7n', 7n], ['1e-12', 1n], ['0.0000000001', 1n], ['-100m', -100_000_000n], [' 2Gi ', 2n * 2n ** 30n * 1_000_000_000n],
  ])('%j is %s nano-units', (text, expected) => {
    expect(nanos(text)).toBe(expected);
  });

  test.each(['', '.', 'Ki', '1K', '1KB', '1 Gi', '1e', '1e3Mi', '1Mi3', 'ten gigs', 'NaN', 'NaNm', 'Infinity', '0x10', '1,5', '--1', '1e1000'])(
    '%j is not a quantity', (text) => {
      expect(parseQuantityExact(text)).toBeUndefined();
    });

  test('non-strings are not quantities', () => {
    for (const v of [1, null, undefined, {}, ['1']]) expect(parseQuantityExact(v)).toBeUndefined();
  });

  test('formatQuantity renders exact, short strings', () => {
    expect(formatQuantity(nanos('1536Ki')!, 'bytes')).toBe('1536Ki');
    expect(formatQuantity(nanos('1Gi')! * 3n, 'bytes')).toBe('3Gi');
    expect(formatQuantity(nanos('1000')!, 'bytes')).toBe('1000');
    expect(formatQuantity(nanos('0.25')!, 'cpu')).toBe('250m');
    expect(formatQuantity(nanos('4')!, 'cpu')).toBe('4');
    expect(formatQuantity(nanos('1u')!, 'cpu')).toBe('1u');
    expect(formatQuantity(0n, 'cpu')).toBe('0');
    expect(quantityNumber(nanos('1.5')!)).toBe(1.5);
  });
});

describe('checkQuantity, checkCpu, checkSize', () => {
  test('any valid quantity is accepted; negative, NaN and junk are refused with the library message', () => {
    expect(checkQuantity(scope(), 'size', '1e3').nanos).toBe(10n ** 12n);
    expect(() => checkQuantity(scope(), 'size', '-1Gi')).toThrow(new Error('test/web: \'size\' must not be negative, got "-1Gi"'));
    expect(() => checkQuantity(scope(), 'size', 'NaN')).toThrow(new Error('test/web: \'size\' must be a Kubernetes quantity such as "10Gi" or "500m", got "NaN"'));
    expect(() => checkQuantity(scope(), 'size', '0', { min: 'positive' })).toThrow(new Error('test/web: \'size\' must be greater than zero, got "0"'));
    expect(() => checkQuantity(scope(), 'size', 10)).toThrow(new Error('test/web: \'size\' must be a Kubernetes quantity such as "10Gi" or "500m", got 10'));
  });

  test('checkCpu takes a kplus.Cpu and refuses negative, NaN and non-Cpu values', () => {
    expect(checkCpu(scope(), 'cpu', kplus.Cpu.millis(250)).nanos).toBe(250_000_000n);
    expect(checkCpu(scope(), 'cpu', kplus.Cpu.units(0.5)).nanos).toBe(500_000_000n);
    expect(() => checkCpu(scope(), 'cpu', kplus.Cpu.millis(-100))).toThrow(new Error('test/web: \'cpu\' must not be negative, got "-100m"'));
    expect(() => checkCpu(scope(), 'cpu', kplus.Cpu.millis(NaN))).toThrow(new Error('test/web: \'cpu\' must be a Kubernetes quantity such as "500m" or "2", got "NaNm"'));
    expect(() => checkCpu(scope(), 'cpu', '2')).toThrow(new Error('test/web: \'cpu\' must be a kplus.Cpu (e.g. Cpu.millis(250) or Cpu.units(2)), got "2"'));
  });

  test('checkSize takes a cdk8s Size exactly (1536Ki stays 1536Ki) and refuses strings and NaN', () => {
    expect(checkSize(scope(), 'memory', Size.kibibytes(1536)).text).toBe('1536Ki');
    expect(checkSize(scope(), 'memory', Size.mebibytes(1.5)).text).toBe('1536Ki');
    expect(sizeToQuantity(Size.gibibytes(2))).toBe('2Gi');
    expect(sizeToQuantity(Size.mebibytes(1024))).toBe('1Gi');
    expect(() => checkSize(scope(), 'memory', 'ten gigs')).toThrow(new Error('test/web: \'memory\' must be a cdk8s Size (e.g. Size.mebibytes(512)), got "ten gigs"'));
    expect(() => checkSize(scope(), 'memory', Size.mebibytes(NaN))).toThrow(/'memory' must be a cdk8s Size/);
    expect(() => checkSize(scope(), 'memory', Size.mebibytes(0), { min: 'positive' })).toThrow(new Error('test/web: \'memory\' must be greater than zero, got 0'));
  });
});
