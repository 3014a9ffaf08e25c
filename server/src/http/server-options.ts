import type { ServerOptions } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';

/**
 * Node HTTP server options that bound what a client can hold without sending a request:
 * - `requestTimeout`: the whole request (headers and body) must arrive within it, else 408 and the
 *   connection closes, so a body trickled at a byte every few seconds, or a connection that sends
 *   nothing, cannot keep its descriptor for long. It ends once the request is received: SSE
 *   responses, which stream for hours after a bodiless GET, are not affected. `headersTimeout` is
 *   set to the same value: Node only enforces `requestTimeout` on a body when `headersTimeout` is
 *   not above it, and derives its default from a `requestTimeout` given at construction, which
 *   fastify sets only later.
 * - Node checks those timeouts on a timer (30 s by default, which would add up to 30 s to every
 *   bound); here a tenth of the timeout, between 250 ms and 5 s.
 * - `trustProxy`: which proxies' `X-Forwarded-For` names the client (per-IP limits key on it).
 * The 408 itself is written by `framework-errors.ts`'s `clientErrorHandler`, in the error shape.
 */
export function serverOptions(
  config: Pick<Config, 'requestTimeoutMs' | 'trustProxy'>,
): Pick<FastifyServerOptions, 'requestTimeout' | 'trustProxy'> & { http: ServerOptions } {
  const checkEvery = Math.min(5_000, Math.max(250, Math.floor(config.requestTimeoutMs / 10)));
  return {
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: checkEvery,
    },
    trustProxy: config.trustProxy,
  };
}
