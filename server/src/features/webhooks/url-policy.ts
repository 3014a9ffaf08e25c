/**
 * Which URLs a webhook may call (SSRF). Always: `http:` or `https:` only, no other scheme. Private
 * addresses (loopback, RFC 1918, link-local incl. cloud metadata 169.254.169.254, unique-local,
 * CGNAT) are ALLOWED by default: a self-hosted server usually posts to services on its own
 * network (chat bridges, CI). `SWITCHYARD_WEBHOOK_DENY_PRIVATE=true` refuses them, checked on
 * every connection against the address actually connected to (DNS answers included, so a name
 * that resolves to a private address, or starts to, is refused too).
 */
import { BlockList, isIP } from 'node:net';
import { badRequest } from '../../http/errors.js';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  // NAT64 can reach any IPv4 address: refused as a whole.
  ['64:ff9b::', 96],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** True for loopback, private, link-local, CGNAT, multicast and reserved addresses (v4, v6, v4-mapped v6). */
export function isPrivateAddress(address: string): boolean {
  // IPv4-mapped IPv6 (::ffff:127.0.0.1, or in hex ::ffff:7f00:1) is the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return PRIVATE.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
  }
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Parses a webhook URL for storing: absolute, http(s), at most 2,000 characters; with `denyPrivate`,
 * a literal private address (or `localhost`) is refused at once. 400 otherwise.
 */
export function parseWebhookUrl(raw: string, denyPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('Invalid webhook URL', { issues: [{ path: 'body.url', message: 'must be an absolute URL' }] });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest('Invalid webhook URL', {
      issues: [{ path: 'body.url', message: 'must be an http:// or https:// URL' }],
    });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (denyPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host)))) {
    throw badRequest('Invalid webhook URL', {
      issues: [{ path: 'body.url', message: 'private addresses are refused (SWITCHYARD_WEBHOOK_DENY_PRIVATE)' }],
    });
  }
  return url;
}
