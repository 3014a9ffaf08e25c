import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './url-policy.js';

/** What one POST gave: a status, or an error (timeout, refused, private address). */
export interface PostOutcome {
  status: number | null;
  durationMs: number;
  error: string | null;
  /** True when the address policy refused the target (retrying cannot help). */
  refused: boolean;
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  denyPrivate: boolean;
}

class RefusedAddress extends Error {}

/**
 * POSTs `body` to `url` and reads (then drops) the answer. With `denyPrivate`, the DNS lookup the
 * connection uses refuses private addresses, so the check is on the address connected to, not on
 * a separate lookup that could answer differently. Redirects are not followed.
 */
export function postJson(url: URL, body: string, options: PostOptions): Promise<PostOutcome> {
  const started = performance.now();
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = options.denyPrivate ? addresses.filter((entry) => !isPrivateAddress(entry.address)) : addresses;
      if (allowed.length === 0) {
        return callback(new RefusedAddress(`${hostname} resolves to a private address only`), '', 0);
      }
      if (lookupOptions.all) return callback(null, allowed as unknown as string, 0);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const done = (status: number | null, error: string | null, refused = false) =>
      resolve({ status, durationMs: Math.round(performance.now() - started), error, refused });
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (options.denyPrivate && /^[\d.]+$|:/.test(host) && isPrivateAddress(host)) {
      done(null, `${host} is a private address`, true);
      return;
    }
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...options.headers },
        timeout: options.timeoutMs,
        lookup,
      },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? null, null));
        response.on('error', (error) => done(response.statusCode ?? null, error.message));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error) => done(null, error.message, error instanceof RefusedAddress));
    request.end(body);
  });
}
