import { isIp, isStrictSubset, parseCidr, parseIpv4, parseIpv6 } from '../../lib/internal/cidr';

describe('IP addresses and CIDRs', () => {
  test('IPv4', () => {
    expect(parseIpv4('10.0.0.1')).toBe(0x0a000001n);
    for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '1.2.3.4.5', 'a.b.c.d', '']) expect(parseIpv4(bad)).toBeUndefined();
  });

  test('IPv6, compressed and with an embedded IPv4 address', () => {
    expect(parseIpv6('::1')).toBe(1n);
    expect(parseIpv6('::')).toBe(0n);
    expect(parseIpv6('2001:db8::1')).toBe((0x2001n << 112n) | (0xdb8n << 96n) | 1n);
    expect(parseIpv6('::ffff:10.0.0.1')).toBe((0xffffn << 32n) | 0x0a000001n);
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7', ':::']) expect(parseIpv6(bad)).toBeUndefined();
    expect(isIp('192.168.1.1')).toBe(true);
    expect(isIp('fe80::1')).toBe(true);
    expect(isIp('www.example.com')).toBe(false);
    expect(isIp('1.2.3')).toBe(false);
  });

  test('CIDRs and strict subsets', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, network: 0x0a000000n, bits: 8 });
    expect(parseCidr('::/0')).toEqual({ family: 6, network: 0n, bits: 0 });
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/08', '::/129', 'x/8', 5]) expect(parseCidr(bad)).toBeUndefined();
    const net = parseCidr('10.0.0.0/8')!;
    expect(isStrictSubset(parseCidr('10.1.0.0/16')!, net)).toBe(true);
    expect(isStrictSubset(parseCidr('10.0.0.0/8')!, net)).toBe(false);
    expect(isStrictSubset(parseCidr('11.0.0.0/16')!, net)).toBe(false);
    expect(isStrictSubset(parseCidr('::/64')!, net)).toBe(false);
    expect(isStrictSubset(parseCidr('2001:db8:1::/48')!, parseCidr('2001:db8::/32')!)).toBe(true);
  });
});
