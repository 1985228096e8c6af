/**
 * Kubernetes quantities (`resource.Quantity`), parsed as the API server parses them.
 *
 * Grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go):
 *
 *   <quantity>     ::= <signedNumber><suffix>
 *   <suffix>       ::= <binarySI> | <decimalExponent> | <decimalSI>
 *   <binarySI>     ::= Ki | Mi | Gi | Ti | Pi | Ei
 *   <decimalSI>    ::= n | u | m | "" | k | M | G | T | P | E
 *   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>      (an integer)
 *   <signedNumber> ::= [+-] <digits> | <digits>.<digits> | <digits>. | .<digits>
 *
 * Values are kept exactly, as a count of nano-units in a BigInt (the API server's smallest scale; a finer value
 * rounds up to 1n, as Kubernetes does), so sums and comparisons of requests, limits and quotas never suffer
 * floating-point error.
 */

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const SYNTAX = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;
/** Exponents beyond this are refused (the API server's inf.Dec would take minutes on 1e999999999). */
const MAX_EXPONENT = 100;

/** A parsed quantity: its exact value in nano-units and the canonical string it was given as. */
export interface Quantity {
  /** The value × 10^9, rounded up to an integer. */
  readonly nanos: bigint;
  /** The text as given (trimmed). */
  readonly text: string;
}

/** Parses a quantity string; undefined when it is not one. */
export function parseQuantityExact(value: unknown): Quantity | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const m = SYNTAX.exec(text);
  if (!m) return undefined;
  const [, sign, whole, frac = '', suffix, exponent] = m;
  if (whole === '' && frac === '') return undefined; // "", ".", "Ki"
  if (exponent !== undefined && Math.abs(Number(exponent)) > MAX_EXPONENT) return undefined;
  const digits = BigInt(`${whole}${frac}` || '0');
  // value = digits × 10^(pow10) × binary
  let pow10 = -frac.length + 9 + (exponent !== undefined ? Number(exponent) : 0);
  let binary = 1n;
  if (suffix !== undefined) {
    if (suffix in BINARY) binary = BINARY[suffix];
    else pow10 += DECIMAL[suffix];
  }
  let nanos: bigint;
  if (pow10 >= 0) {
    nanos = digits * binary * 10n ** BigInt(pow10);
  } else {
    const divisor = 10n ** BigInt(-pow10);
    const n = digits * binary;
    nanos = n / divisor + (n % divisor === 0n ? 0n : 1n); // rounds up, as the API server does
  }
  return { nanos: sign === '-' ? -nanos : nanos, text };
}

const NANO = 1_000_000_000n;

/** The quantity as a JavaScript number (inexact beyond 2^53 nano-units; for messages and ratios only). */
export function quantityNumber(q: Quantity | bigint): number {
  const n = typeof q === 'bigint' ? q : q.nanos;
  return Number(n / NANO) + Number(n % NANO) / 1e9;
}

/**
 * A nano-unit count as a short, exact quantity string: binary units for sizes (`1536Ki`, `10Gi`), milli or whole
 * units for CPU (`250m`, `2`).
 */
export function formatQuantity(nanos: bigint, kind: 'bytes' | 'cpu'): string {
  if (nanos === 0n) return '0';
  const neg = nanos < 0n;
  const abs = neg ? -nanos : nanos;
  const sign = neg ? '-' : '';
  if (kind === 'bytes' && abs % NANO === 0n) {
    const bytes = abs / NANO;
    for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
      if (bytes % BINARY[unit] === 0n) return `${sign}${bytes / BINARY[unit]}${unit}`;
    }
    return `${sign}${bytes}`;
  }
  if (abs % NANO === 0n) return `${sign}${abs / NANO}`;
  if (abs % 1_000_000n === 0n) return `${sign}${abs / 1_000_000n}m`;
  if (abs % 1000n === 0n) return `${sign}${abs / 1000n}u`;
  return `${sign}${abs}n`;
}
