import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from '../../webhooks/url-policy.js';

/** The most a guard reads of an answer: a metric is a few bytes, a Prometheus vector a few KB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What one GET gave: the status and parsed JSON, or why there is none. */
export type FetchJsonOutcome =
  | { ok: true; status: number; body: unknown; durationMs: number }
  | { ok: false; status: number | null; error: string; durationMs: number; refused: boolean };

export interface FetchJsonOptions {
  timeoutMs: number;
  /** Refuse private, loopback and link-local addresses (the webhooks' policy, same setting). */
  denyPrivate: boolean;
  signal?: AbortSignal;
}

/**
 * GETs `url` and parses its JSON answer (any status: Prometheus explains a bad query in a 400's
 * body). With `denyPrivate`, the address connected to is checked (the DNS lookup the connection
 * uses refuses private addresses, like webhook deliveries). Never throws; redirects are not followed.
 */
export function fetchJson(url: URL, options: FetchJsonOptions): Promise<FetchJsonOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = options.denyPrivate ? addresses.filter((entry) => !isPrivateAddress(entry.address)) : addresses;
      if (allowed.length === 0)
        return callback(new RefusedAddress(`${hostname} resolves to a private address only`), '', 0);
      if (lookupOptions.all) return callback(null, allowed as unknown as string, 0);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  return new Promise((resolve) => {
    let settled = false;
    const fail = (status: number | null, error: string, refused = false) => {
      if (settled) return;
      settled = true;
      resolve({ ok: false, status, error, durationMs: elapsed(), refused });
    };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (options.denyPrivate && /^[\d.]+$|:/.test(host) && isPrivateAddress(host)) {
      fail(null, `${host} is a private address`, true);
      return;
    }
    if (options.signal?.aborted) {
      fail(null, 'aborted before the request');
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(
      url,
      { headers: { accept: 'application/json' }, timeout: options.timeoutMs, lookup, signal: options.signal },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            request.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', (error) => fail(response.statusCode ?? null, error.message));
        response.on('end', () => {
          if (settled) return;
          const status = response.statusCode ?? 0;
          try {
            const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            settled = true;
            resolve({ ok: true, status, body, durationMs: elapsed() });
          } catch {
            fail(status, `HTTP ${status}: the answer is not JSON`);
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error) => fail(null, error.message, error instanceof RefusedAddress));
  });
}

class RefusedAddress extends Error {}
