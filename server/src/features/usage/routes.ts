import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { adminErrorResponses } from '../../http/schemas.js';
import { flagParamsSchema, projectParamsSchema } from '../flags/schemas.js';
import { sdkReportErrorResponses, sdkReportScope } from '../sdk/report-scope.js';
import { UsageReports } from './reports.js';
import {
  METRICS_BODY_LIMIT,
  metricsBodySchema,
  metricsResponseSchema,
  staleQuerySchema,
  staleResponseSchema,
  usageHistoryQuerySchema,
  usageHistoryResponseSchema,
} from './schemas.js';
import { UsageService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  metricsReportRequest,
  metricsReportResponse,
  staleFlagsResponse,
  usageHistoryResponse,
} from './openapi-examples.js';

/**
 * POST /sdk/metrics (server or client token): SDKs report how often they evaluated each flag and
 * variant. Stored per environment, flag, variant and hour; the flags API shows `lastEvaluatedAt`.
 * GET …/flags/:flag/usage and …/usage/stale read them back (project readers).
 */
export const usageRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new UsageService(app.db.prisma);
  const reports = new UsageReports(app.db.prisma);

  app.get(
    '/projects/:project/flags/:flag/usage',
    {
      config: { access: 'project.read' },
      schema: {
        tags: ['usage'],
        summary: "A flag's evaluation counts over time",
        description:
          'Evaluation counts reported by SDKs, per variant, in UTC buckets of an hour or a day over [from, to), ' +
          'in one environment or summed over all. Every bucket of the range is listed, empty ones with total 0. ' +
          'Ranges are limited to 31 days for bucket=hour and 400 days for bucket=day (400). Counts are stored ' +
          'per hour, so a day is the sum of its 24 hours.',
        params: flagParamsSchema,
        querystring: usageHistoryQuerySchema,
        response: { 200: withExample(usageHistoryResponseSchema, usageHistoryResponse), ...adminErrorResponses },
      },
    },
    async (request) => reports.history(request.params.project, request.params.flag, request.query),
  );

  app.get(
    '/projects/:project/usage/stale',
    {
      config: { access: 'project.read' },
      schema: {
        tags: ['usage'],
        summary: 'Stale flags: cleanup candidates',
        description:
          "The project's live flags that look finished after `days` (N, default 30) days: never evaluated since " +
          'created over N days ago, not evaluated in the last N days, or, in every environment, serving one ' +
          'variant to everyone (killed, off, or 100% with no rules) with no change for N days. Each comes with ' +
          'its reasons and what each environment serves.',
        params: projectParamsSchema,
        querystring: staleQuerySchema,
        response: { 200: withExample(staleResponseSchema, staleFlagsResponse), ...adminErrorResponses },
      },
    },
    async (request) => reports.stale(request.params.project, request.query.days),
  );

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
        body: withExample(metricsBodySchema, metricsReportRequest),
        response: {
          202: withExample(metricsResponseSchema, metricsReportResponse),
          ...sdkReportErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const outcome = await service.record(await sdkReportScope(app.db.prisma, request), request.body);
      return reply.code(202).send(outcome);
    },
  );
};
