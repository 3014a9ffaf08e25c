import { ctx, operatorGroups, snapshot } from './helpers.mjs';

const ip = (x) => ctx('ip', x);
const cond = (values, extra = {}) => ({ attribute: 'ip', operator: 'cidr', values, ...extra });

const { flags, cases } = operatorGroups([
  {
    key: 'cidr-v4',
    condition: cond(['10.0.0.0/8', '192.168.1.0/24']),
    rows: [
      ['inside the /8', ip('10.1.2.3'), true],
      ['first address of the /8', ip('10.0.0.0'), true],
      ['last address of the /8', ip('10.255.255.255'), true],
      ['just outside the /8', ip('11.0.0.0'), false],
      ['inside the /24', ip('192.168.1.255'), true],
      ['just outside the /24', ip('192.168.2.0'), false],
      ['three octets are invalid', ip('10.0.0'), false],
      ['octet above 255 is invalid', ip('10.0.0.256'), false],
      ['leading zero in an octet is invalid', ip('010.0.0.1'), false],
      ['surrounding whitespace is invalid', ip(' 10.0.0.1'), false],
      ['a CIDR is not an address', ip('10.0.0.1/32'), false],
      ['host name is invalid', ip('localhost'), false],
      ['trailing dot is invalid', ip('10.0.0.1.'), false],
      ['five octets are invalid', ip('10.0.0.1.5'), false],
      ['hex octet is invalid', ip('0x0a.0.0.1'), false],
      ['single 32-bit number is invalid', ip('167772161'), false],
      ['empty string is invalid', ip(''), false],
      ['number is the wrong type', ip(167772161), false],
      ['string[] is the wrong type', ip(['10.0.0.1']), false],
      ['missing attribute', ip(undefined), false],
      ['null attribute', ip(null), false],
    ],
  },
  {
    key: 'cidr-v4-bare-address',
    condition: cond(['192.168.0.1']),
    rows: [
      ['a bare address is a /32: same address', ip('192.168.0.1'), true],
      ['a bare address is a /32: neighbour', ip('192.168.0.2'), false],
    ],
  },
  {
    key: 'cidr-v4-narrow',
    condition: cond(['10.0.0.0/31', '172.16.5.4/32']),
    rows: [
      ['second address of a /31', ip('10.0.0.1'), true],
      ['outside the /31', ip('10.0.0.2'), false],
      ['explicit /32', ip('172.16.5.4'), true],
      ['next to the /32', ip('172.16.5.5'), false],
    ],
  },
  {
    key: 'cidr-v4-all',
    condition: cond(['0.0.0.0/0']),
    rows: [
      ['/0 holds every IPv4 address', ip('8.8.8.8'), true],
      ['/0 holds 255.255.255.255', ip('255.255.255.255'), true],
      ['IPv4 /0 does not hold IPv6 addresses', ip('::1'), false],
    ],
  },
  {
    key: 'cidr-v4-host-bits',
    condition: cond(['10.1.2.3/8']),
    rows: [
      ['host bits in the value are ignored: the block is 10.0.0.0/8', ip('10.200.0.1'), true],
      ['outside the block', ip('11.1.2.3'), false],
    ],
  },
  {
    key: 'cidr-v6',
    condition: cond(['2001:db8::/32']),
    rows: [
      ['inside, compressed form', ip('2001:db8::1'), true],
      ['inside, full form with upper case hex', ip('2001:DB8:0:0:0:0:0:1'), true],
      ['inside, groups with leading zeros', ip('2001:0db8:0000::0001'), true],
      ['last address of the block', ip('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), true],
      ['outside', ip('2001:db9::1'), false],
      ['IPv4 address never matches an IPv6 block', ip('10.0.0.1'), false],
      ['zone index is invalid', ip('2001:db8::1%eth0'), false],
      ['triple colon is invalid', ip('2001:db8:::1'), false],
      ['two :: are invalid', ip('2001::db8::1'), false],
      ['nine groups are invalid', ip('1:2:3:4:5:6:7:8:9'), false],
      ['group of five hex digits is invalid', ip('2001:0db80::1'), false],
      ['brackets are invalid', ip('[2001:db8::1]'), false],
      [':: must stand for at least one group: 8 groups plus :: is invalid', ip('2001:db8:0:0:0:0:0::1'), false],
      ['seven groups plus :: is valid', ip('2001:db8:1:2:3:4:5::'), true],
      ['dotted IPv4 allowed only at the end', ip('2001:db8::10.0.0.1:1'), false],
    ],
  },
  {
    key: 'cidr-v6-64',
    condition: cond(['2001:db8:1:2::/64']),
    rows: [
      ['last address of the /64', ip('2001:db8:1:2:ffff:ffff:ffff:ffff'), true],
      ['next /64', ip('2001:db8:1:3::'), false],
    ],
  },
  {
    key: 'cidr-v6-bare-address',
    condition: cond(['::1']),
    rows: [
      ['a bare address is a /128: same address, compressed', ip('::1'), true],
      ['a bare address is a /128: same address, full form', ip('0:0:0:0:0:0:0:1'), true],
      ['neighbour', ip('::2'), false],
      ['IPv4 loopback is not IPv6 loopback', ip('127.0.0.1'), false],
    ],
  },
  {
    key: 'cidr-v6-all',
    condition: cond(['::/0']),
    rows: [
      ['/0 holds every IPv6 address', ip('2001:db8::1'), true],
      ['/0 holds ::', ip('::'), true],
      ['IPv6 /0 does not hold IPv4 addresses', ip('10.0.0.1'), false],
    ],
  },
  {
    key: 'cidr-no-v4-mapping',
    condition: cond(['10.0.0.0/8']),
    rows: [
      ['an IPv4-mapped IPv6 address is IPv6: no match against an IPv4 block', ip('::ffff:10.0.0.1'), false],
      ['hex form of the same mapped address', ip('::ffff:a00:1'), false],
    ],
  },
  {
    key: 'cidr-v6-mapped-block',
    condition: cond(['::ffff:0:0/96']),
    rows: [
      ['trailing dotted IPv4 in an IPv6 address is allowed', ip('::ffff:10.0.0.1'), true],
      ['a plain IPv4 address is not inside an IPv6 block', ip('10.0.0.1'), false],
    ],
  },
  {
    key: 'cidr-negate',
    condition: cond(['10.0.0.0/8'], { negate: true }),
    rows: [
      ['IPv4 outside: negation matches', ip('192.168.0.1'), true],
      ['IPv4 inside: negation does not match', ip('10.0.0.1'), false],
      ['a valid IPv6 address is outside an IPv4 block: negation matches', ip('2001:db8::1'), true],
      ['invalid address never matches, even negated', ip('bogus'), false],
      ['missing attribute never matches, even negated', ip(undefined), false],
      ['number never matches, even negated', ip(1), false],
    ],
  },
  {
    key: 'cidr-empty-list',
    condition: cond([]),
    rows: [['an empty list matches nothing', ip('10.0.0.1'), false]],
  },
  {
    key: 'cidr-empty-list-negate',
    condition: cond([], { negate: true }),
    rows: [
      ['negated empty list matches a valid address', ip('10.0.0.1'), true],
      ['negated empty list does not match an invalid address', ip('10.0.0.999'), false],
    ],
  },
]);

export default {
  description:
    'The cidr operator: IPv4 and IPv6 blocks and bare addresses, /0 to /32 and /128, no IPv4/IPv6 mapping, invalid addresses never match (even negated). Each flag has one rule r1 with one condition, serving "on"; otherwise "off".',
  snapshot: snapshot(flags),
  cases,
};
