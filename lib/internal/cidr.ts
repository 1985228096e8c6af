/**
 * IP addresses and CIDRs, parsed as Go's net package does (what the API server validates NetworkPolicy ipBlocks
 * and Ingress hosts with), into BigInts so that containment can be checked.
 */

/** A parsed CIDR: the family, the network address (host bits cleared) and the prefix length. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly bits: number;
}

const V4_OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** An IPv4 address (`10.0.0.1`) as a 32-bit BigInt; undefined when it is not one (leading zeros refused, like Go). */
export function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => V4_OCTET.test(p))) return undefined;
  return parts.reduce((n, p) => (n << 8n) | BigInt(Number(p)), 0n);
}

/** An IPv6 address (`2001:db8::1`, `::ffff:10.0.0.1`) as a 128-bit BigInt; undefined when it is not one. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let groups: string[];
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const split = (h: string): string[] => (h === '' ? [] : h.split(':'));
  let tail = halves.length === 2 ? split(halves[1]) : [];
  let head = split(halves[0]);
  // an embedded IPv4 address counts as two groups
  const last = halves.length === 2 ? tail : head;
  let v4: bigint | undefined;
  if (last.length > 0 && last[last.length - 1].includes('.')) {
    v4 = parseIpv4(last[last.length - 1]);
    if (v4 === undefined) return undefined;
    last.splice(last.length - 1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
    if (halves.length === 2) tail = last;
    else head = last;
  }
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Whether `text` is an IP address (either family). */
export function isIp(text: string): boolean {
  return parseIpv4(text) !== undefined || parseIpv6(text) !== undefined;
}

/** A CIDR (`10.0.0.0/8`, `2001:db8::/32`); undefined when it is not one. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return undefined;
  const bits = Number(prefix);
  const v4 = parseIpv4(ip);
  const family: 4 | 6 = v4 !== undefined ? 4 : 6;
  const addr = v4 ?? parseIpv6(ip);
  const width = family === 4 ? 32 : 128;
  if (addr === undefined || bits > width) return undefined;
  const hostBits = BigInt(width - bits);
  return { family, network: (addr >> hostBits) << hostBits, bits };
}

/** Whether `inner` is a strict subset of `outer` (same family, inside it, a longer prefix). */
export function isStrictSubset(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.bits <= outer.bits) return false;
  const width = outer.family === 4 ? 32 : 128;
  const hostBits = BigInt(width - outer.bits);
  return (inner.network >> hostBits) === (outer.network >> hostBits);
}
