import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { actorOf, type UserPrincipal } from '../../auth/principal.js';
import { forbidden, notFound } from '../../http/errors.js';
import { withExample } from '../../http/openapi-examples.js';
import { adminErrorResponses } from '../../http/schemas.js';
import { sessionView } from '../users/schemas.js';
import { mySessionsResponse } from './openapi-examples.js';
import { clearedSessionCookie } from './session-cookie.js';

function userOf(request: FastifyRequest): UserPrincipal {
  const principal = requirePrincipal(request);
  if (principal.kind !== 'user') throw forbidden('API tokens are not people and have no sessions; sign in as one');
  return principal;
}

const mySessionView = sessionView
  .extend({ current: z.boolean().describe('The session this request was made with') })
  .meta({ id: 'MySession' });
const sessionIdParams = z.object({ id: z.uuid('must be a session id (UUID)') });

/**
 * /me/sessions: the calling person's active sessions (the console's account screen), and signing
 * out one of them. Admins see and end anyone's under /users/:id/sessions.
 */
export const mySessionsRoutes: FastifyPluginAsyncZod = async (app) => {
  const cookie = { secure: app.config.cookieSecure };
  const tags = ['me'];
  const access = { access: 'authenticated' } as const;
  // Before the parameters are validated: an API token gets its 403 whatever it sends.
  app.addHook('preValidation', async (request) => {
    userOf(request);
  });

  app.get(
    '/me/sessions',
    {
      config: access,
      schema: {
        tags,
        summary: 'List my active sessions',
        description:
          'Sessions of the calling person neither revoked nor expired, newest first: how each was opened, when ' +
          'it was last used, from which address and browser; `current` marks the one of this request (none ' +
          'with a personal access token). Never the cookie. 403 for API tokens.',
        response: {
          200: withExample(z.object({ sessions: z.array(mySessionView) }), mySessionsResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => {
      const user = userOf(request);
      const sessions = await app.sessions.listActiveOf(user.id);
      return { sessions: sessions.map((session) => ({ ...session, current: session.id === user.sessionId })) };
    },
  );

  app.delete(
    '/me/sessions/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Sign out one of my sessions',
        description:
          "Ends one of the calling person's sessions (another browser, a lost phone): its next request is a 401, " +
          'on every replica. Ending the current one also clears its cookie. 404 when the id is no active session ' +
          'of the caller (another person’s included). Audited as `session.revoked`.',
        params: sessionIdParams,
        response: { 204: z.null().describe('Signed out'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const ended = await app.sessions.revokeOf(actorOf(user), user.id, request.params.id);
      if (!ended) throw notFound(`No active session '${request.params.id}' of yours`);
      if (request.params.id === user.sessionId) void reply.header('set-cookie', clearedSessionCookie(cookie));
      return reply.code(204).send(null);
    },
  );
};
