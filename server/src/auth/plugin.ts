import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthFailureLimit } from '../http/auth-failure-limit.js';
import { forbidden, HttpError, unauthorized } from '../http/errors.js';
import type { Authenticator, Credential } from './authenticator.js';
import { can, type AccessScope } from './authorize.js';
import { isAction, ruleOf, type Action } from './permissions.js';
import type { Principal } from './principal.js';
import type { ScopeCache } from './scopes.js';

export type { Principal };

/** The session cookie (set by the sign-in routes; read here). */
export const SESSION_COOKIE = 'switchyard_session';
/** The header a cookie-authenticated unsafe request must carry (the session's CSRF token). */
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does, for authorization (server/src/auth/permissions.ts). Required under auth. */
    access?: Action;
  }
  interface FastifyRequest {
    /** Set by the auth hook on every route but `public` ones (null there). */
    principal: Principal | null;
  }
}

export interface AuthOptions {
  /** Asked in turn; the first principal wins; null from all is a 401. */
  authenticators: readonly Authenticator[];
  /** Resolves `:project` / `:environment`; needed when a route declares a project action. */
  scopes?: ScopeCache;
  /** Failed authentications per address (429 once over the limit); see `installAuthFailureLimit`. */
  failures?: AuthFailureLimit;
}

/**
 * Adds authentication and authorization to `scope` and everything registered inside it:
 * - every route must declare `config.access` (an Action; start-up fails otherwise, so an endpoint
 *   cannot be left open by forgetting), and a project action needs a `:project` in its path;
 * - each request, before its body is parsed: the credential (`Authorization: Bearer`, else the
 *   `switchyard_session` cookie) → the authenticators → a principal (401 without one); cookie-
 *   authenticated unsafe requests must echo the session's CSRF token in `x-csrf-token` (403);
 *   then `can(principal, action, scope)` with the scope resolved from the route's params (403).
 * Wrong kinds of token get a 403 saying which kind the endpoint needs.
 */
export function registerAuth(scope: FastifyInstance, options: AuthOptions): void {
  if (!scope.hasRequestDecorator('principal')) scope.decorateRequest('principal', null);

  scope.addHook('onRoute', (route) => {
    const access: unknown = route.config?.access;
    const where = `Route ${String(route.method)} ${route.url}`;
    if (!isAction(access)) {
      throw new Error(`${where} must declare config.access (an Action of server/src/auth/permissions.ts)`);
    }
    if (ruleOf(access).scope === 'project') {
      if (!/:project(\/|$)/.test(route.url)) throw new Error(`${where}: '${access}' needs a :project parameter`);
      if (!options.scopes) throw new Error(`${where}: '${access}' needs a scope resolver (AuthOptions.scopes)`);
    }
  });

  scope.addHook('onRequest', async (request) => {
    const action = request.routeOptions.config.access;
    if (action === 'public' || action === undefined) return;
    options.failures?.refuseBlocked(request);
    let principal: Principal;
    let credential: Credential;
    try {
      credential = credentialOf(request);
      principal = await authenticate(options.authenticators, credential);
    } catch (error) {
      if (options.failures && error instanceof HttpError && error.statusCode === 401) {
        throw (await options.failures.recordFailure(request)) ?? error;
      }
      throw error;
    }
    if (credential.type === 'session' && !SAFE_METHODS.has(request.method)) checkCsrf(request, principal);
    checkKind(principal, action);
    const resolved = await scopeOf(request, principal, action, options.scopes);
    if (!can(principal, action, resolved)) {
      throw forbidden(`Your role does not allow '${action}' here`);
    }
    request.principal = principal;
  });
}

/** The caller of an authenticated route (throws 401 when called on a public one by mistake). */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

function credentialOf(request: FastifyRequest): Credential {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw unauthorized('Malformed Authorization header; send "Authorization: Bearer <token>"');
    return { type: 'bearer', secret: match[1]! };
  }
  const session = (request as { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
  if (session) return { type: 'session', secret: session };
  throw unauthorized('Missing Authorization header; send "Authorization: Bearer <token>" or sign in');
}

async function authenticate(authenticators: readonly Authenticator[], credential: Credential): Promise<Principal> {
  for (const authenticator of authenticators) {
    const principal = await authenticator.authenticate(credential);
    if (principal) return principal;
  }
  throw unauthorized(credential.type === 'session' ? 'Unknown or expired session' : 'Unknown or revoked API token');
}

function checkCsrf(request: FastifyRequest, principal: Principal): void {
  const sent = request.headers[CSRF_HEADER];
  const expected = principal.kind === 'user' ? principal.csrfToken : undefined;
  if (typeof sent !== 'string' || expected === undefined || !equalStrings(sent, expected)) {
    throw forbidden(`Missing or wrong ${CSRF_HEADER} header (the session's CSRF token)`);
  }
}

function equalStrings(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The precise 403s for a caller of the wrong kind (an SDK token on the admin API, and back). */
function checkKind(principal: Principal, action: Action): void {
  const sdkToken = principal.kind === 'token' && principal.tokenKind !== 'admin';
  if (action === 'sdk' && !sdkToken) {
    throw forbidden(
      principal.kind === 'token'
        ? 'This endpoint needs a server or client token; this is an admin token'
        : 'This endpoint needs a server or client token; you are signed in as a user',
    );
  }
  if (action !== 'sdk' && sdkToken) {
    throw forbidden(`This endpoint needs an admin token; this is a ${principal.tokenKind} token`);
  }
}

/** The project and environment of the route, for project actions of principals without an instance role. */
async function scopeOf(
  request: FastifyRequest,
  principal: Principal,
  action: Action,
  scopes: ScopeCache | undefined,
): Promise<AccessScope> {
  if (ruleOf(action).scope !== 'project' || principal.instanceRole !== null || !scopes) return {};
  const params = request.params as { project?: unknown; environment?: unknown };
  if (typeof params.project !== 'string') return {};
  const environment = typeof params.environment === 'string' ? params.environment : undefined;
  return scopes.resolve(params.project, environment);
}
