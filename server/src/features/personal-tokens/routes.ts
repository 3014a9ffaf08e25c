import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import type { UserPrincipal } from '../../auth/principal.js';
import { forbidden } from '../../http/errors.js';
import { adminErrorResponses } from '../../http/schemas.js';
import { createdPatView, createPatBody, patIdParams, patView } from './schemas.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  createPersonalTokenRequest,
  createPersonalTokenResponse,
  personalTokenListResponse,
} from './openapi-examples.js';

function userOf(request: FastifyRequest): UserPrincipal {
  const principal = requirePrincipal(request);
  if (principal.kind !== 'user') throw forbidden('Personal access tokens belong to users; sign in as one');
  return principal;
}

/** /me/tokens: the caller's personal access tokens (for the CLI). */
export const personalTokensRoutes: FastifyPluginAsyncZod = async (app) => {
  const tokens = app.personalTokens;
  const tags = ['me'];
  const access = { access: 'authenticated' } as const;
  // Before the body is validated: an API token gets its 403 whatever it sends.
  app.addHook('preValidation', async (request) => {
    userOf(request);
  });

  app.get(
    '/me/tokens',
    {
      config: access,
      schema: {
        tags,
        summary: 'List my personal access tokens',
        description: 'Active tokens only, never their secrets.',
        response: {
          200: withExample(z.object({ tokens: z.array(patView) }), personalTokenListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => ({ tokens: await tokens.list(userOf(request).id) }),
  );

  app.post(
    '/me/tokens',
    {
      config: access,
      schema: {
        tags,
        summary: 'Create a personal access token',
        description:
          'For the CLI and scripts acting as you: `Authorization: Bearer sy_pat_…`. The secret is in this ' +
          'response only. The token has your rights at the time of each request, cut down to its optional ' +
          'cap (`project`, `role`), never more; disabling you stops it at once. Only a signed-in session ' +
          'creates tokens (403 with a token). Audited as `personal_token.created`.',
        body: withExample(createPatBody, createPersonalTokenRequest),
        response: { 201: withExample(createdPatView, createPersonalTokenResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await tokens.create(userOf(request), request.body)),
  );

  app.delete(
    '/me/tokens/:id',
    {
      config: access,
      schema: {
        tags,
        summary: 'Revoke one of my personal access tokens',
        description: 'Its next request is a 401, on every replica. Audited as `personal_token.revoked`.',
        params: patIdParams,
        response: { 204: z.null().describe('Revoked'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      await tokens.revoke(user, user.id, request.params.id);
      return reply.code(204).send(null);
    },
  );
};
