import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import type { AuthFailureLimit } from './auth-failure-limit.js';
import { forbidden, HttpError, unauthorized } from './errors.js';

/** Who is calling (defined in auth/principal.ts; re-exported for the routes that import it here). */
export type { Principal };

/**
 * What a route requires, declared as `config: { auth: … }` on every route under /api/v1:
 * - `admin`: an admin token;
 * - `sdk`: a server or client token (bound to one environment);
 * - `public`: nothing.
 * A missing, unknown or revoked token is a 401; a token of the wrong kind a 403.
 */
export type AuthRequirement = 'admin' | 'sdk' | 'public';
const REQUIREMENTS: readonly AuthRequirement[] = ['admin', 'sdk', 'public'];

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    /** Set by the auth hook on `admin` and `sdk` routes; null on `public` ones. */
    principal: Principal | null;
  }
}

/**
 * Adds authentication to `scope` and everything registered inside it: every route must declare
 * `config.auth` (a route without one fails at start-up, so an endpoint cannot be left open by
 * forgetting), and each request is checked before its body is even parsed. With `failures`, an
 * address that fails too often gets 429s instead (see `installAuthFailureLimit`).
 */
export function registerAuth(scope: FastifyInstance, authenticator: Authenticator, failures?: AuthFailureLimit): void {
  if (!scope.hasRequestDecorator('principal')) scope.decorateRequest('principal', null);

  scope.addHook('onRoute', (route) => {
    const auth = route.config?.auth;
    if (auth === undefined || !REQUIREMENTS.includes(auth)) {
      throw new Error(
        `Route ${String(route.method)} ${route.url} must declare config.auth ('admin' | 'sdk' | 'public')`,
      );
    }
  });

  scope.addHook('onRequest', async (request, reply) => {
    const required = request.routeOptions.config.auth;
    if (required === 'public' || required === undefined) return;
    failures?.refuseBlocked(request, reply);
    let principal: Principal;
    try {
      const found = await authenticator.authenticate(bearerToken(request));
      if (!found) throw unauthorized('Unknown or revoked API token');
      principal = found;
    } catch (error) {
      if (failures && error instanceof HttpError && error.statusCode === 401) {
        throw (await failures.recordFailure(request, reply)) ?? error;
      }
      throw error;
    }
    if (required === 'admin' && principal.tokenKind !== 'admin') {
      throw forbidden(`This endpoint needs an admin token; this is a ${principal.tokenKind} token`);
    }
    if (required === 'sdk' && principal.tokenKind === 'admin') {
      throw forbidden('This endpoint needs a server or client token; this is an admin token');
    }
    request.principal = principal;
  });
}

/** The caller of an authenticated route (throws 401 when called on a public one by mistake). */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw unauthorized('Missing Authorization header; send "Authorization: Bearer <token>"');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) throw unauthorized('Malformed Authorization header; send "Authorization: Bearer <token>"');
  return match[1]!;
}
