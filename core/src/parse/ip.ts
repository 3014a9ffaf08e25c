/**
 * IPv4 / IPv6 address and CIDR parsing for the `cidr` operator. Addresses become byte arrays
 * (4 or 16 bytes); IPv4 and IPv6 are kept apart (no IPv4-mapped equivalence), as the spec requires.
 */

/** A decimal 0..999 without leading zeros: an IPv4 part (checked < 256 after) or a prefix length. */
const DECIMAL = /^(0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[\da-f]{1,4}$/i;

/** A parsed address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export type IpBytes = readonly number[];

/** A network: address bytes plus the number of leading bits that must match. */
export interface IpNetwork {
  readonly bytes_: IpBytes;
  readonly bits_: number;
}

/** Parses a dotted-quad IPv4 address (no leading zeros). */
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  return parts.length == 4 && parts.every((part) => DECIMAL.test(part) && +part < 256) ? parts.map(Number) : undefined;
}

/**
 * Bytes of the colon-separated groups of one side of `::`; the last group of the address may be
 * a dotted IPv4 tail.
 */
function groupBytes(part: string, last: boolean): number[] | undefined {
  const groups = part ? part.split(':') : [];
  const bytes: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    const tail = last && i == groups.length - 1 && group.includes('.') ? parseIpv4(group) : undefined;
    if (tail) bytes.push(...tail);
    else if (IPV6_GROUP.test(group)) bytes.push(parseInt(group, 16) >> 8, parseInt(group, 16) & 255);
    else return undefined;
  }
  return bytes;
}

/** Parses an RFC 4291 text IPv6 address (`::` compression and dotted IPv4 tail allowed, no zone). */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  const compressed = halves.length == 2;
  const head = groupBytes(halves[0]!, !compressed);
  const tail = compressed ? groupBytes(halves[1]!, true) : [];
  if (halves.length > 2 || !head || !tail) return undefined;
  const missing = 16 - head.length - tail.length;
  // With `::` at least one group (two bytes) is elided; without it there must be exactly sixteen bytes.
  return (compressed ? missing > 1 : !missing) ? [...head, ...Array<number>(missing).fill(0), ...tail] : undefined;
}

/** Parses an IPv4 or IPv6 address; `undefined` for anything else (including non-strings). */
export function parseIp(text: unknown): IpBytes | undefined {
  return typeof text != 'string' ? undefined : text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Parses `addr/len` or a bare address (a single-host network); `undefined` for anything else. */
export function parseCidr(text: unknown): IpNetwork | undefined {
  if (typeof text != 'string') return undefined;
  const [address, length, extra] = text.split('/');
  const bytes = parseIp(address);
  if (!bytes || extra !== undefined) return undefined;
  const bits = length === undefined ? bytes.length * 8 : DECIMAL.test(length) ? +length : Infinity;
  return bits <= bytes.length * 8 ? { bytes_: bytes, bits_: bits } : undefined;
}

/** True when `address` lies inside `network` (same family, first `bits_` bits equal). */
export function networkContains(network: IpNetwork, address: IpBytes): boolean {
  const bytes = network.bytes_;
  if (bytes.length != address.length) return false;
  // The xor of two bytes is < 256, so the high bits of the shifted mask do not matter.
  for (let i = 0, bits = network.bits_; bits > 0; i++, bits -= 8) {
    if ((bytes[i]! ^ address[i]!) & (0xff00 >> Math.min(bits, 8))) return false;
  }
  return true;
}
