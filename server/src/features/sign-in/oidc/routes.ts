import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { badRequest, HttpError, tooManyRequests } from '../../../http/errors.js';
import { consumeOrWait } from '../../../http/limiter-wait.js';
import { errorBodySchema } from '../../../http/schemas.js';
import { secretsEqual } from '../session-secret.js';
import { startSession } from '../session-cookie.js';
import { Attempts, ATTEMPT_TTL_MS } from './attempts.js';
import { OidcProvider } from './provider.js';
import { signInUser } from './sso-user.js';
import { withExample } from '../../../http/openapi-examples.js';
import { signInMethodsResponse } from '../openapi-examples.js';

/** The cookie that ties a callback to the browser that started the sign-in: it holds the state. */
export const OIDC_STATE_COOKIE = 'switchyard_oidc';
const COOKIE_PATH = '/api/v1/sign-in/oidc';

/**
 * Sign-ins one address (IPv6: one /64) may start per minute on one replica. Each start keeps a row
 * for ATTEMPT_TTL_MS and anyone may ask, so without a limit one script could fill the table; a
 * person needs a few, and an office behind one address a few dozen a minute at most.
 */
export const OIDC_STARTS_PER_MINUTE = 60;

/** A path on this server (`/…`, not `//host` or `/\host`, which browsers read as another origin). */
const returnToSchema = z
  .string()
  .max(2000)
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  .regex(/^\/([^/\\\s\x00-\x1f\x7f][^\\\s\x00-\x1f\x7f]*)?$/, 'must be a path on this server, starting with a single /')
  .describe('Where to go after signing in: a path on this server (default `/`, the console)');

const methodsView = z
  .object({
    password: z.boolean().describe('Email and password (`POST /sign-in/password`)'),
    oidc: z
      .object({
        name: z.string().describe('What the sign-in button says (`SWITCHYARD_OIDC_NAME`)'),
        url: z.string().describe('Where the browser goes to start (`GET`; add `?returnTo=/path`)'),
      })
      .nullable()
      .describe('Single sign-on with OpenID Connect; null when not configured'),
  })
  .meta({ id: 'SignInMethods' });

/**
 * Single sign-on with OpenID Connect (authorization code + PKCE, openid-client): `GET /sign-in/oidc`
 * sends the browser to the provider, `GET /sign-in/oidc/callback` verifies its answer, finds or
 * creates the user (sso-user.ts), opens a session and sends the browser to the console. Also
 * `GET /sign-in/methods`, which tells the console what to offer. Configured by `config.oidc`;
 * without it the two OIDC routes answer 404.
 */
export const oidcRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app;
  const oidc = config.oidc;
  const provider = oidc
    ? new OidcProvider(oidc, (error) => app.log.warn({ err: error }, 'OIDC discovery failed'))
    : null;
  const attempts = new Attempts(app.db.prisma);
  const starts = new RateLimiterMemory({ points: OIDC_STARTS_PER_MINUTE, duration: 60 });
  const secure = config.cookieSecure;
  const tags = ['sign-in'];
  const stateCookie = (value: string, maxAgeSeconds: number) =>
    [
      `${OIDC_STATE_COOKIE}=${value}`,
      `Path=${COOKIE_PATH}`,
      'HttpOnly',
      // Lax: sent when the provider redirects back (a top-level GET), not on cross-site subrequests.
      'SameSite=Lax',
      `Max-Age=${maxAgeSeconds}`,
      ...(secure ? ['Secure'] : []),
    ].join('; ');
  const requireProvider = () => {
    if (!provider || !oidc) throw new HttpError(404, 'Single sign-on is not configured on this server');
    return { provider, oidc };
  };

  app.get(
    '/sign-in/methods',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Which sign-in methods are on',
        description:
          'For the console: password sign-in, and single sign-on (OIDC) with its button text when configured.',
        security: [],
        response: { 200: withExample(methodsView, signInMethodsResponse) },
      },
    },
    async () => ({
      password: true,
      oidc: oidc ? { name: oidc.name, url: `/api/v1/sign-in/oidc` } : null,
    }),
  );

  app.get(
    '/sign-in/oidc',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Start single sign-on (redirects to the identity provider)',
        description:
          'Redirects (302) to the OpenID Connect provider with a new state, nonce and PKCE challenge, kept for ' +
          `${ATTEMPT_TTL_MS / 60_000} minutes; the state also goes into an HttpOnly cookie (\`${OIDC_STATE_COOKIE}\`) ` +
          'that the callback requires. 404 when SSO is not configured; 429 + Retry-After past ' +
          `${OIDC_STARTS_PER_MINUTE} starts a minute from one address; 503 + Retry-After when the provider cannot be reached.`,
        security: [],
        querystring: z.strictObject({ returnTo: returnToSchema.optional() }),
        response: {
          302: z.null().describe('To the identity provider'),
          400: errorBodySchema,
          404: errorBodySchema,
          429: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const { provider } = requireProvider();
      const wait = await consumeOrWait(starts, normalizeIP(request.ip));
      if (wait !== undefined) throw tooManyRequests(wait, 'Too many sign-ins started from your address');
      const { url, checks } = await provider.begin();
      await attempts.save(checks, request.query.returnTo ?? '/');
      return reply
        .header('set-cookie', stateCookie(checks.state, ATTEMPT_TTL_MS / 1000))
        .header('cache-control', 'no-store')
        .redirect(url.href, 302);
    },
  );

  app.get(
    '/sign-in/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Where the identity provider sends the browser back',
        description:
          'Checks that this browser started the sign-in (the state in the query equals the cookie) and that it was ' +
          'not used yet, then lets openid-client verify the answer (state, issuer, audience, nonce, signature, PKCE) ' +
          'and finds the user by (issuer, subject), creating them on their first sign-in. Their roles from ' +
          '`SWITCHYARD_OIDC_ROLE_MAP` are refreshed, a session is opened (the `switchyard_session` cookie) and the ' +
          'browser goes to `returnTo` (303). Unknown, forged, replayed or expired state: 400; an answer that does ' +
          'not verify, or a refusal by the provider: 401; a disabled user, an email outside the allowed domains: ' +
          '403; an existing user whose email the provider did not verify: 409. No session in any of these.',
        security: [],
        querystring: z.looseObject({ state: z.string().max(512).optional() }),
        response: {
          303: z.null().describe('Signed in: to the console'),
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
          404: errorBodySchema,
          409: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const { provider, oidc } = requireProvider();
      // Whatever happens next, this attempt is over: the browser must start again.
      void reply.header('set-cookie', stateCookie('', 0)).header('cache-control', 'no-store');
      const state = request.query.state;
      const expected = request.cookies[OIDC_STATE_COOKIE];
      if (state === undefined || expected === undefined || expected === '' || !secretsEqual(state, expected)) {
        throw badRequest('This sign-in was not started in this browser (or its cookie expired): start again');
      }
      const attempt = await attempts.take(state);
      if (!attempt) throw badRequest('This sign-in is unknown, expired or already used: start again');
      const query = request.url.slice(request.url.indexOf('?') + 1);
      const identity = await provider.finish(query, attempt);
      const user = await signInUser({ prisma: app.db.prisma, notifier: app.changes }, identity, {
        groupsClaim: oidc.groupsClaim,
        roleMap: oidc.roleMap,
        allowedEmailDomains: oidc.allowedEmailDomains,
      });
      // Appended to the state cookie's removal (fastify adds Set-Cookie headers rather than replacing).
      await startSession(app.sessions, request, reply, user.id, 'oidc', { secure });
      return reply.redirect(attempt.returnTo, 303);
    },
  );
};
