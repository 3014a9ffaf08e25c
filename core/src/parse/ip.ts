/**
 * IPv4 / IPv6 address and CIDR parsing for the `cidr` operator. An address becomes a bit string
 * tagged with its family: `'4'` + 32 bits or `'6'` + 128 bits, so IPv4 and IPv6 are kept apart (no
 * IPv4-mapped equivalence, as the spec requires) and a network is simply a prefix of that string.
 */

/** A decimal 0..999 without leading zeros: an IPv4 part (checked < 256 after) or a prefix length. */
const DECIMAL = /^(0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[\da-f]{1,4}$/i;

/** `'4'` or `'6'` followed by the address bits. */
export type IpBits = string;

const bitsOf = (value: number, width: number) => value.toString(2).padStart(width, '0');

/** Bits of a dotted-quad IPv4 address (no leading zeros). */
function ipv4Bits(text: string): string | undefined {
  const parts = text.split('.');
  return parts.length == 4 && parts.every((part) => DECIMAL.test(part) && +part < 256)
    ? parts.map((part) => bitsOf(+part, 8)).join('')
    : undefined;
}

/**
 * Bits of an RFC 4291 text IPv6 address (`::` compression and a dotted IPv4 tail allowed, no zone).
 * Each half around `::` becomes its groups' bits (a dotted IPv4 address may end the last half: 32
 * bits), an invalid group an `x`; the zeros `::` stands for (at least one group) join the halves.
 */
function ipv6Bits(text: string): string | undefined {
  const halves = text.split('::');
  const last = halves.length - 1;
  const bits = halves.map((half, h) =>
    (half ? half.split(':') : [])
      .map((group, g, groups) =>
        IPV6_GROUP.test(group)
          ? bitsOf(parseInt(group, 16), 16)
          : (h == last && g == groups.length - 1 && ipv4Bits(group)) || 'x',
      )
      .join(''),
  );
  const joined = bits.join('');
  const missing = 128 - joined.length;
  return last > 1 || joined.includes('x') || (last ? missing < 16 : missing)
    ? undefined
    : bits.join('0'.repeat(missing));
}

/** Parses an IPv4 or IPv6 address; `undefined` for anything else (including non-strings). */
export function parseIp(text: unknown): IpBits | undefined {
  if (typeof text != 'string') return undefined;
  const v6 = text.includes(':');
  const bits = v6 ? ipv6Bits(text) : ipv4Bits(text);
  return bits && (v6 ? '6' : '4') + bits;
}

/**
 * Parses `addr/len` or a bare address (a single-host network) into the prefix an address inside it
 * starts with (family tag included); `undefined` for anything else.
 */
export function parseCidr(text: unknown): IpBits | undefined {
  if (typeof text != 'string') return undefined;
  const [address, length, extra] = text.split('/');
  const bits = parseIp(address);
  if (!bits || extra !== undefined) return undefined;
  const size = length === undefined ? bits.length - 1 : DECIMAL.test(length) ? +length : Infinity;
  return size < bits.length ? bits.slice(0, size + 1) : undefined;
}

/** True when `address` lies inside `network` (same family, first bits equal). */
export function networkContains(network: IpBits, address: IpBits): boolean {
  return address.startsWith(network);
}
