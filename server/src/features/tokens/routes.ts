import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses } from '../../http/schemas.js';
import { createdTokenView, createTokenBody, listTokensQuery, tokenIdParams, tokenView } from './schemas.js';
import { TokensService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import { createTokenRequest, createTokenResponse, tokenListResponse } from './openapi-examples.js';

/** /tokens (admin only). */
export const tokensRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new TokensService({
    prisma: app.db.prisma,
    notifier: app.changes,
    authenticator: app.tokenAuth,
    revocations: app.propagation.revocations,
  });
  const tags = ['tokens'];

  app.get(
    '/tokens',
    {
      config: { access: 'tokens.manage' },
      schema: {
        tags,
        summary: 'List API tokens (never their secrets)',
        description:
          "The tokens within the caller's rights: a project admin sees its project's tokens, an instance admin all.",
        querystring: listTokensQuery,
        response: {
          200: withExample(z.object({ tokens: z.array(tokenView) }), tokenListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => ({ tokens: await service.list(requirePrincipal(request), request.query) }),
  );

  app.post(
    '/tokens',
    {
      config: { access: 'tokens.manage' },
      schema: {
        tags,
        summary: 'Create an API token',
        description:
          'Server and client tokens need `project` and `environment` keys. Admin tokens take a `role` (viewer, ' +
          'responder, editor, admin) in one `project`, or in every project without `project`; without a role ' +
          'an admin token is an instance admin. A caller cannot mint a token with more rights than its own (403): ' +
          "a project admin mints its project's tokens only. `expiresAt` is optional for every kind. " +
          'The response is the only place the secret ever appears. The name is what the audit log shows ' +
          'beside the token id: `system:…` and the names of server-created admin tokens are reserved (400), ' +
          "and an active token's name, or one that looks the same, is taken (409) until that token is revoked.",
        body: withExample(createTokenBody, createTokenRequest),
        response: { 201: withExample(createdTokenView, createTokenResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(requirePrincipal(request), request.body)),
  );

  app.delete(
    '/tokens/:id',
    {
      config: { access: 'tokens.manage' },
      schema: {
        tags,
        summary: 'Revoke an API token',
        description:
          'Takes effect at once on every instance (announced on the bus): the next request with the token is a 401 ' +
          'and its open SDK streams end. The last admin token stays.',
        params: tokenIdParams,
        response: { 204: z.null().describe('Revoked'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.revoke(requirePrincipal(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
