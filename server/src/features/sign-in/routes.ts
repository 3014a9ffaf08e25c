import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { actorOf, type Principal } from '../../auth/principal.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { badRequest } from '../../http/errors.js';
import { adminErrorResponses, errorBodySchema } from '../../http/schemas.js';
import { createFirstOwner } from '../users/setup.js';
import { findUser } from '../users/store.js';
import { userView } from '../users/views.js';
import { PasswordSignIn } from './password-sign-in.js';
import { meView, passwordSignInBody, setupBody, signedInView, type MeView } from './schemas.js';
import { clearedSessionCookie, startSession } from './session-cookie.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  meResponse,
  passwordSignInRequest,
  passwordSignInResponse,
  setupRequest,
  setupResponse,
} from './openapi-examples.js';
import { revokedSessionsResponse } from '../users/openapi-examples.js';

/** Sign-in and sign-out (password; OIDC builds on `startSession`), `GET /me`, and the first owner's set-up. */
export const signInRoutes: FastifyPluginAsyncZod = async (app) => {
  const { config } = app;
  const cookie = { secure: config.cookieSecure };
  const passwordSignIn = new PasswordSignIn({
    prisma: app.db.prisma,
    hasher: app.passwordHasher,
    counter: app.signInFailures,
    accountLimit: config.signInAccountLimit,
    ipLimit: config.signInIpLimit,
  });
  // Off the start-up path (scrypt runs on libuv's pool): the dummy hash unknown emails are checked against.
  app.addHook('onReady', async () => {
    void app.passwordHasher.warmUp().catch((error: unknown) => app.log.warn({ err: error }, 'scrypt warm-up failed'));
  });
  const tags = ['sign-in'];
  const signInErrors = { 400: errorBodySchema, 401: errorBodySchema, 429: errorBodySchema };

  app.post(
    '/sign-in/password',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description:
          'Sets the `switchyard_session` cookie (HttpOnly, SameSite=Lax, Secure unless configured off) for a new ' +
          'session: a cookie sent with this request is never reused. Answers the CSRF token to send as ' +
          '`x-csrf-token` with unsafe requests. A wrong password, an unknown email, a disabled user: the same ' +
          '401, after the same work. Too many failures for the account or from the address: 429 + Retry-After.',
        security: [],
        body: withExample(passwordSignInBody, passwordSignInRequest),
        response: { 200: withExample(signedInView, passwordSignInResponse), ...signInErrors },
      },
    },
    async (request, reply) => {
      // A 429 carries its Retry-After to the error handler (RetryLaterError).
      const user = await passwordSignIn.verify(request.body.email, request.body.password, request.ip);
      const session = await startSession(app.sessions, request, reply, user.id, 'password', cookie);
      return { user: userView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
    },
  );

  app.post(
    '/sign-out',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Sign out (end this session)',
        description:
          'Ends the session of the cookie and clears it (needs the CSRF token, like every unsafe request). ' +
          'Audited as `session.revoked`. 400 when the request is not authenticated by a session.',
        response: { 204: z.null().describe('Signed out'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.kind !== 'user' || principal.via !== 'session' || !principal.sessionId) {
        throw badRequest('Not signed in with a session: nothing to sign out of');
      }
      await app.sessions.revoke(principal, principal.sessionId);
      return reply.header('set-cookie', clearedSessionCookie(cookie)).code(204).send(null);
    },
  );

  app.post(
    '/sign-out/everywhere',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Sign out everywhere (end every session of the caller)',
        description:
          'Ends every session of the calling person (every browser, every replica at its next request) and clears ' +
          'this cookie. Personal access tokens are not sessions: revoke those under /me/tokens. Audited as ' +
          '`user.sessions_revoked`. 400 for API tokens (they are not people and have no sessions).',
        response: {
          200: withExample(
            z.object({ revokedSessions: z.number().int().describe('How many sessions were ended') }),
            revokedSessionsResponse,
          ),
          ...adminErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.kind !== 'user') throw badRequest('Not a person: API tokens have no sessions to sign out of');
      const revokedSessions = await app.sessions.revokeAllOf(actorOf(principal), principal.id);
      if (principal.via === 'session') void reply.header('set-cookie', clearedSessionCookie(cookie));
      return { revokedSessions };
    },
  );

  app.get(
    '/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Who am I: user, instance role, project grants, CSRF token',
        description:
          'For a session: the user, their rights and the CSRF token. For a personal access token: the user and ' +
          "the token's capped rights. For an API token: the token and its rights.",
        response: { 200: withExample(meView, meResponse), ...adminErrorResponses },
      },
    },
    async (request) => meOf(app.db.prisma, requirePrincipal(request)),
  );

  app.post(
    '/setup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Create the first owner (once)',
        description:
          'With the one-time token the server prints at start while no owner exists (`Create the first owner: ' +
          '<url>/setup#token=…`, valid 24 h, a new one at each start). Signs the new owner in (sets the session ' +
          'cookie). Unknown or expired token: 401; used: 410; an owner exists: 409.',
        security: [],
        body: withExample(setupBody, setupRequest),
        response: {
          201: withExample(signedInView, setupResponse),
          ...signInErrors,
          409: errorBodySchema,
          410: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const user = await createFirstOwner(
        { prisma: app.db.prisma, notifier: app.changes, hasher: app.passwordHasher },
        request.body,
      );
      const session = await startSession(app.sessions, request, reply, user.id, 'setup', cookie);
      return reply
        .code(201)
        .send({ user: userView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
    },
  );
};

async function meOf(prisma: PrismaClient, principal: Principal): Promise<MeView> {
  const grants = principal.grants ?? [];
  const ids = grants.map((grant) => grant.projectId).filter((id) => id !== '*');
  const keys = new Map(
    (await prisma.project.findMany({ where: { id: { in: ids } }, select: { id: true, key: true } })).map((row) => [
      row.id,
      row.key,
    ]),
  );
  const user = principal.kind === 'user' ? await findUser(prisma, principal.id) : null;
  return {
    principal: {
      kind: principal.kind,
      id: principal.id,
      display: principal.display,
      via: principal.kind === 'user' ? principal.via : 'token',
    },
    user: user ? userView(user) : null,
    instanceRole: principal.instanceRole ?? null,
    grants: grants.flatMap(({ projectId, role }) => {
      const project = projectId === '*' ? '*' : keys.get(projectId);
      return project === undefined ? [] : [{ project, role }];
    }),
    csrfToken: principal.kind === 'user' ? (principal.csrfToken ?? null) : null,
  };
}
