import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../../http/errors.js';
import type { TokenPrincipal } from '../../auth/principal.js';

/** Client tokens look like this; only they may travel in the URL (`?key=`). */
const CLIENT_TOKEN_PREFIX = 'sy_client_';
const SDK_PATH_PREFIX = '/api/v1/sdk/';
/** The one endpoint that takes `?key=`: browsers' EventSource cannot send headers; fetch can. */
const STREAM_PATH = '/api/v1/sdk/stream';

const viaQueryKey = new WeakSet<FastifyRequest>();

/**
 * Browsers' EventSource cannot send headers, so the stream endpoint also takes a client token as
 * `?key=<token>`; every other endpoint wants `Authorization: Bearer` (a key in a URL ends up in
 * logs and histories, so only where there is no other way). Registered at the root, before the
 * API's auth hook: it moves such a key into the Authorization header, so the regular auth checks
 * it. Only values shaped like client tokens are moved; `sdkPrincipal` then checks the token really
 * is a client token.
 */
export function registerSdkQueryKey(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith(SDK_PATH_PREFIX) || request.headers.authorization !== undefined) return;
    const key = (request.query as Record<string, unknown> | undefined)?.['key'];
    if (typeof key !== 'string' || key === '') return;
    if (request.url.split('?')[0] !== STREAM_PATH) {
      throw unauthorized(`?key= is accepted by ${STREAM_PATH} only; send "Authorization: Bearer <token>"`);
    }
    if (!key.startsWith(CLIENT_TOKEN_PREFIX)) {
      throw unauthorized('?key= takes client tokens only; send other tokens as "Authorization: Bearer <token>"');
    }
    request.headers.authorization = `Bearer ${key}`;
    viaQueryKey.add(request);
  });
}

/** The server or client token of an `sdk` route, bound to one environment. */
export function sdkPrincipal(request: FastifyRequest): TokenPrincipal & { environmentId: string } {
  const principal = request.principal;
  if (!principal) throw unauthorized();
  // The auth hook lets only server and client tokens through to `sdk` routes; this keeps it so.
  if (principal.kind !== 'token' || principal.tokenKind === 'admin') {
    throw forbidden('This endpoint needs a server or client token');
  }
  if (viaQueryKey.has(request) && principal.tokenKind !== 'client') {
    throw forbidden('?key= takes client tokens only');
  }
  if (principal.environmentId === undefined) throw forbidden('This token is not bound to an environment');
  return { ...principal, environmentId: principal.environmentId };
}
