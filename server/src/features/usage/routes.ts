import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { notFound } from '../../http/errors.js';
import { errorBodySchema } from '../../http/schemas.js';
import { sdkPrincipal } from '../sdk/sdk-principal.js';
import { METRICS_BODY_LIMIT, metricsBodySchema, metricsResponseSchema } from './schemas.js';
import { UsageService } from './service.js';

/**
 * POST /sdk/metrics (server or client token): SDKs report how often they evaluated each flag and
 * variant. Stored per environment, flag, variant and hour; the flags API shows `lastEvaluatedAt`.
 */
export const usageRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new UsageService(app.db.prisma);

  app.post(
    '/sdk/metrics',
    {
      config: { access: 'sdk' },
      bodyLimit: METRICS_BODY_LIMIT,
      schema: {
        tags: ['sdk'],
        summary: 'Report flag evaluation counts (usage metrics)',
        description:
          'Counts per flag key and variant key ("" = the caller\'s default was returned) over [start, end]. ' +
          'Added to the hour the window started in (at most 24 hours back). Counts of a variant the flag does ' +
          'not define are added to its "" bucket. Unknown flag keys are ignored and listed in the answer; for a ' +
          'client token, flags that are not client-side count as unknown. Bodies are limited to 2 MiB (413).',
        body: metricsBodySchema,
        response: {
          202: metricsResponseSchema,
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
          404: errorBodySchema,
          413: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const principal = sdkPrincipal(request);
      const projectId = principal.projectId ?? (await projectOf(app, principal.environmentId));
      const outcome = await service.record(
        { projectId, environmentId: principal.environmentId, clientSideOnly: principal.tokenKind !== 'server' },
        request.body,
      );
      return reply.code(202).send(outcome);
    },
  );
};

async function projectOf(app: Parameters<FastifyPluginAsyncZod>[0], environmentId: string): Promise<string> {
  const environment = await app.db.prisma.environment.findUnique({
    where: { id: environmentId },
    select: { projectId: true },
  });
  if (!environment) throw notFound("This token's environment no longer exists");
  return environment.projectId;
}
