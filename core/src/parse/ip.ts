/**
 * IPv4 / IPv6 address and CIDR parsing for the `cidr` operator. Addresses become byte arrays
 * (4 or 16 bytes); IPv4 and IPv6 are kept apart (no IPv4-mapped equivalence), as the spec requires.
 */

const IPV4_PART = /^(0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[\da-f]{1,4}$/i;
const IPV4_TAIL = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/;
const PREFIX_LENGTH = /^(0|[1-9]\d{0,2})$/;

/** A parsed address: 4 bytes (IPv4) or 16 bytes (IPv6). */
export type IpBytes = readonly number[];

/** A network: address bytes plus the number of leading bits that must match. */
export interface IpNetwork {
  readonly bytes: IpBytes;
  readonly prefixLength: number;
}

/** Parses a dotted-quad IPv4 address (no leading zeros). */
export function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => IPV4_PART.test(part) && +part < 256)) return undefined;
  return parts.map(Number);
}

/** Parses an RFC 4291 text IPv6 address (`::` compression and dotted IPv4 tail allowed, no zone). */
export function parseIpv6(text: string): number[] | undefined {
  const tail = IPV4_TAIL.exec(text);
  if (tail !== null) {
    // Rewrite the dotted tail as two hex groups and parse the rest as usual.
    const v4 = parseIpv4(tail[2]!);
    if (v4 === undefined) return undefined;
    text = tail[1]! + ((v4[0]! << 8) | v4[1]!).toString(16) + ':' + ((v4[2]! << 8) | v4[3]!).toString(16);
  }
  const halves = text.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  // With `::` at least one group is elided; without it there must be exactly eight.
  if (halves.length > 2 || (halves.length === 2 ? missing < 1 : missing !== 0)) return undefined;
  const bytes: number[] = [];
  for (const group of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest]) {
    if (!IPV6_GROUP.test(group)) return undefined;
    const word = parseInt(group, 16);
    bytes.push(word >> 8, word & 0xff);
  }
  return bytes;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(text: string): IpBytes | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Parses `addr/len` or a bare address (a single-host network). */
export function parseCidr(text: string): IpNetwork | undefined {
  const [address = '', length, extra] = text.split('/');
  const bytes = parseIp(address);
  if (bytes === undefined || extra !== undefined) return undefined;
  const bits = bytes.length * 8;
  if (length === undefined) return { bytes, prefixLength: bits };
  return PREFIX_LENGTH.test(length) && +length <= bits ? { bytes, prefixLength: +length } : undefined;
}

/** True when `address` lies inside `network` (same family, first `prefixLength` bits equal). */
export function networkContains(network: IpNetwork, address: IpBytes): boolean {
  const bytes = network.bytes;
  if (bytes.length !== address.length) return false;
  for (let i = 0, bits = network.prefixLength; bits > 0; i++, bits -= 8) {
    const mask = (0xff << (8 - Math.min(bits, 8))) & 0xff;
    if ((bytes[i]! ^ address[i]!) & mask) return false;
  }
  return true;
}
