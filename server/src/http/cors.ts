import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { forbidden } from './errors.js';

/** A refused origin is logged at most this often (a page retrying every second must not flood the log). */
const LOG_INTERVAL_MS = 60_000;
const MAX_REMEMBERED_ORIGINS = 1_000;

/**
 * CORS for browser SDKs on other origins (`SWITCHYARD_CORS_ORIGINS`; empty = no CORS headers),
 * with refusals made visible. The browser tells its page only "Failed to fetch", so the server
 * says what happened: a cross-origin request from an origin not in the list is logged (warn, with
 * the origin, method and path; once a minute per origin), and a refused preflight is answered 403
 * in the error shape, naming the origin and the variable, which devtools shows for the preflight.
 * Refused actual requests are still served, without CORS headers, as before (the browser then
 * withholds the answer from the page): a same-origin page behind a proxy that rewrites `Host`
 * sends an `Origin` too, and refusing it would break it.
 */
export async function installCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const allowed = new Set(origins);
  const lastLogged = new Map<string, number>();

  app.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (origin === undefined || allowed.has(origin) || isSameOrigin(origin, request.headers.host)) return;
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    const shown = origin.length > 200 ? `${origin.slice(0, 200)}…` : origin;
    const now = Date.now();
    if (now - (lastLogged.get(origin) ?? -Infinity) >= LOG_INTERVAL_MS) {
      if (lastLogged.size >= MAX_REMEMBERED_ORIGINS) lastLogged.clear();
      lastLogged.set(origin, now);
      request.log.warn(
        {
          origin: shown,
          method: preflight ? request.headers['access-control-request-method'] : request.method,
          // The path only: a query may hold a client token (`?key=`).
          path: request.url.split('?')[0],
          preflight,
        },
        allowed.size === 0
          ? 'CORS: cross-origin request refused: SWITCHYARD_CORS_ORIGINS is empty'
          : 'CORS: cross-origin request refused: origin not in SWITCHYARD_CORS_ORIGINS',
      );
    }
    if (preflight) {
      throw forbidden(`Origin ${shown} may not call this server: add it to SWITCHYARD_CORS_ORIGINS`);
    }
  });

  if (allowed.size > 0) await app.register(cors, { origin: [...allowed], exposedHeaders: ['ETag'] });
}

/** A browser sends `Origin` on some same-origin requests too (POST); those are no CORS matter. */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // `null` (sandboxed frames, file://) or garbage
  }
}
