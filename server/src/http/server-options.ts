import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import type { ErrorBody } from './errors.js';

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
 */
export function serverOptions(
  config: Pick<Config, 'requestTimeoutMs' | 'trustProxy'>,
): Pick<FastifyServerOptions, 'requestTimeout' | 'trustProxy' | 'clientErrorHandler'> & { http: ServerOptions } {
  const checkEvery = Math.min(5_000, Math.max(250, Math.floor(config.requestTimeoutMs / 10)));
  return {
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: checkEvery,
    },
    trustProxy: config.trustProxy,
    clientErrorHandler: answerClientError,
  };
}

/**
 * Fastify's default answer to a connection-level client error (a request timeout, oversized
 * headers, unparseable HTTP), with the body in the documented error shape.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, body]: [number, string, ErrorBody] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', { error: 'request_timeout', message: 'The request was not received in time' }]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [
            431,
            'Request Header Fields Too Large',
            { error: 'headers_too_large', message: 'Request headers are too large' },
          ]
        : [400, 'Bad Request', { error: 'bad_request', message: 'Malformed HTTP request' }];
  if (socket.writable) {
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}
