import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/index.js';
import { networkContains, parseCidr, parseIp } from '../../src/parse/ip.js';
import { compareSemver, parseSemver } from '../../src/parse/semver.js';
import { matches } from './match-helper.js';

const cond = (operator: Condition['operator'], values: Condition['values'], negate = false): Condition => ({
  attribute: 'a',
  operator,
  values,
  negate,
});

describe('semver parsing', () => {
  it.each([
    '0.0.0',
    '1.2.3',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-0.3.7',
    '1.0.0-x.7.z.92',
    '1.0.0+20130313144700',
    '1.0.0-beta+exp.sha.5114f85',
    '99999999999999999999.0.0',
    '1.0.0--',
  ])('accepts %s', (text) => expect(parseSemver(text)).toBeDefined());

  it.each([
    'v1.2.3',
    '1.2',
    '1.2.3.4',
    '01.2.3',
    '1.02.3',
    '1.2.03',
    '1.0.0-01',
    '1.0.0-',
    '1.0.0+',
    '1.0.0-a..b',
    ' 1.2.3',
    '1.2.3 ',
    '',
  ])('rejects %s', (text) => expect(parseSemver(text)).toBeUndefined());

  it('orders versions by semver 2.0 §11 precedence', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '2.0.0',
      '10.0.0',
      '99999999999999999999.0.0',
    ].map((text) => parseSemver(text)!);
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(compareSemver(ordered[i]!, ordered[j]!))).toBe(Math.sign(i - j));
      }
    }
  });

  it('ignores build metadata', () => {
    expect(compareSemver(parseSemver('1.0.0+a')!, parseSemver('1.0.0+b')!)).toBe(0);
  });
});

describe('semver operators', () => {
  it('compares by precedence', () => {
    expect(matches(cond('semver_gt', ['1.2.3']), { a: '1.10.0' })).toBe(true);
    expect(matches(cond('semver_gte', ['1.2.3']), { a: '1.2.3+build' })).toBe(true);
    expect(matches(cond('semver_lt', ['1.0.0']), { a: '1.0.0-rc.1' })).toBe(true);
    expect(matches(cond('semver_lte', ['1.0.0']), { a: '1.0.1' })).toBe(false);
    expect(matches(cond('semver_eq', ['2.0.0', '1.0.0']), { a: '1.0.0+x' })).toBe(true);
  });

  it('treats invalid attribute versions as the wrong type and ignores invalid values', () => {
    expect(matches(cond('semver_eq', ['1.0.0'], true), { a: 'v1.0.0' })).toBe(false);
    expect(matches(cond('semver_eq', ['1.0.0'], true), { a: 1 })).toBe(false);
    expect(matches(cond('semver_gt', ['v1', '1.0.0']), { a: '1.0.1' })).toBe(true);
    expect(matches(cond('semver_gt', ['v1'], true), { a: '1.0.1' })).toBe(true);
  });
});

/** The parsed form of an address: its family tag ('4' or '6') and its bits. */
const addressBits = (bytes: number[]) =>
  (bytes.length === 4 ? '4' : '6') + bytes.map((byte) => byte.toString(2).padStart(8, '0')).join('');

describe('IP parsing', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['::', new Array(16).fill(0)],
    ['::1', [...new Array(15).fill(0), 1]],
    ['2001:db8::ff00:42:8329', [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29]],
    ['::ffff:192.0.2.128', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 128]],
    ['1:2:3:4:5:6:7::', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]],
    ['1:2:3:4:5:6:1.2.3.4', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]],
  ])('parses %s', (text, bytes) => expect(parseIp(text)).toEqual(addressBits(bytes)));

  it.each([
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7',
    'fe80::1%eth0',
    '12345::',
    '1.2.3.4::',
    '::1.2.3',
    '',
  ])('rejects %s', (text) => expect(parseIp(text)).toBeUndefined());

  it('parses CIDRs and rejects bad prefix lengths', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual(addressBits([10, 0, 0, 0]).slice(0, 1 + 8));
    expect(parseCidr('10.0.0.1')).toEqual(addressBits([10, 0, 0, 1]));
    expect(parseCidr('::1')).toEqual(addressBits([...new Array(15).fill(0), 1]));
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
    expect(parseCidr('10.0.0.0/')).toBeUndefined();
    expect(parseCidr('10.0.0.0/08')).toBeUndefined();
  });

  it('compares only the prefix bits', () => {
    const net = parseCidr('192.168.4.0/22')!;
    expect(networkContains(net, parseIp('192.168.7.255')!)).toBe(true);
    expect(networkContains(net, parseIp('192.168.8.0')!)).toBe(false);
    expect(networkContains(parseCidr('0.0.0.0/0')!, parseIp('8.8.8.8')!)).toBe(true);
  });
});

describe('cidr operator', () => {
  it('matches addresses inside any network, never across families', () => {
    expect(matches(cond('cidr', ['10.0.0.0/8', '2001:db8::/32']), { a: '10.20.30.40' })).toBe(true);
    expect(matches(cond('cidr', ['10.0.0.0/8', '2001:db8::/32']), { a: '2001:db8:1::1' })).toBe(true);
    expect(matches(cond('cidr', ['10.0.0.0/8']), { a: '11.0.0.1' })).toBe(false);
    expect(matches(cond('cidr', ['0.0.0.0/0']), { a: '::ffff:10.0.0.1' })).toBe(false);
    expect(matches(cond('cidr', ['::/0']), { a: '10.0.0.1' })).toBe(false);
  });

  it('treats a non-address attribute as the wrong type and ignores bad networks', () => {
    expect(matches(cond('cidr', ['10.0.0.0/8'], true), { a: 'localhost' })).toBe(false);
    expect(matches(cond('cidr', ['10.0.0.0/99', '10.0.0.0/8']), { a: '10.1.1.1' })).toBe(true);
    expect(matches(cond('cidr', ['10.0.0.0/99'], true), { a: '10.1.1.1' })).toBe(true);
  });
});

describe('exists', () => {
  it('is true for any present value, "" included, and ignores values', () => {
    expect(matches(cond('exists', []), { a: '' })).toBe(true);
    expect(matches(cond('exists', ['whatever']), { a: 0 })).toBe(true);
    expect(matches(cond('exists', []), { a: [] })).toBe(true);
    expect(matches(cond('exists', []), {})).toBe(false);
    expect(matches(cond('exists', []), { a: null as never })).toBe(false);
  });

  it('negated, matches exactly the absent attributes', () => {
    expect(matches(cond('exists', [], true), {})).toBe(true);
    expect(matches(cond('exists', [], true), { a: null as never })).toBe(true);
    expect(matches(cond('exists', [], true), { a: false })).toBe(false);
  });
});
