/**
 * IPv4 / IPv6 address and CIDR parsing for the `cidr` operator. Addresses become byte arrays
 * (4 or 16 bytes); IPv4 and IPv6 are kept apart (no IPv4-mapped equivalence), as the spec requires.
 */

const IPV4_PART = /^(?:0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX_LENGTH = /^(?:0|[1-9]\d{0,2})$/;

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
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!IPV4_PART.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    bytes.push(byte);
  }
  return bytes;
}

/** Parses the groups on one side of `::` into 16-bit words; a dotted IPv4 tail counts as two words. */
function parseIpv6Groups(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (allowIpv4Tail && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIpv4(group);
      if (v4 === undefined) return undefined;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!IPV6_GROUP.test(group)) return undefined;
      words.push(parseInt(group, 16));
    }
  }
  return words;
}

/** Parses an RFC 4291 text IPv6 address (`::` compression and dotted IPv4 tail allowed, no zone). */
export function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const head = parseIpv6Groups(halves[0]!, false);
    const tail = parseIpv6Groups(halves[1]!, true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    words = head.concat(new Array<number>(8 - head.length - tail.length).fill(0), tail);
  } else {
    const all = parseIpv6Groups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    words = all;
  }
  const bytes: number[] = [];
  for (const word of words) bytes.push(word >> 8, word & 0xff);
  return bytes;
}

/** Parses an IPv4 or IPv6 address. */
export function parseIp(text: string): IpBytes | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Parses `addr/len` or a bare address (a single-host network). */
export function parseCidr(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  const bytes = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (bytes === undefined) return undefined;
  const maxLength = bytes.length * 8;
  if (slash < 0) return { bytes, prefixLength: maxLength };
  const lengthText = text.slice(slash + 1);
  if (!PREFIX_LENGTH.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  return prefixLength > maxLength ? undefined : { bytes, prefixLength };
}

/** True when `address` lies inside `network` (same family, first `prefixLength` bits equal). */
export function networkContains(network: IpNetwork, address: IpBytes): boolean {
  const bytes = network.bytes;
  if (bytes.length !== address.length) return false;
  let bits = network.prefixLength;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (address[i]! & mask)) return false;
  }
  return true;
}
