import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { withExample } from '../../http/openapi-examples.js';
import { adminErrorResponses } from '../../http/schemas.js';
import { flagParamsSchema } from '../flags/schemas.js';
import { sdkReportErrorResponses, sdkReportScope } from '../sdk/report-scope.js';
import { eventsHistoryResponse, eventsReportRequest, eventsReportResponse } from './openapi-examples.js';
import { MetricEventsReports } from './reports.js';
import {
  EVENTS_BODY_LIMIT,
  eventsBodySchema,
  eventsQuerySchema,
  eventsResponseBodySchema,
  eventsResponseSchema,
  MAX_EVENT_NAMES_PER_FLAG,
} from './schemas.js';
import { MetricEventsService } from './service.js';

/**
 * POST /sdk/events (server or client token): SDKs report the app's own events (`track()`),
 * attributed to the flag variants they served. GET …/flags/:flag/events reads them back (project
 * readers); the built-in release guard compares them between variants.
 */
export const metricEventsRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new MetricEventsService(app.db.prisma);
  const reports = new MetricEventsReports(app.db.prisma);

  app.post(
    '/sdk/events',
    {
      config: { access: 'sdk' },
      bodyLimit: EVENTS_BODY_LIMIT,
      schema: {
        tags: ['sdk'],
        summary: "Report the app's events per flag variant (track)",
        description:
          'Sums of the events an SDK tracked over [start, end], per flag key, the variant of that flag the SDK last ' +
          "served the event's context, and event name: { count, sum, sumSquares } of the events' values (1 each " +
          'unless the app gave one). Added to the minute the window started in (at most 24 hours back). Event names ' +
          'are 1–100 characters of A–Z a–z 0–9 . _ : -; each flag keeps at most ' +
          `${MAX_EVENT_NAMES_PER_FLAG} names per environment, events of further names are dropped. Events of a ` +
          'variant the flag does not define are added to its "" bucket. Unknown flag keys are ignored and listed in ' +
          'the answer; for a client token, flags that are not client-side count as unknown. Bodies are limited to 2 MiB (413).',
        body: withExample(eventsBodySchema, eventsReportRequest),
        response: {
          202: withExample(eventsResponseSchema, eventsReportResponse),
          ...sdkReportErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const outcome = await service.record(await sdkReportScope(app.db.prisma, request), request.body);
      return reply.code(202).send(outcome);
    },
  );

  app.get(
    '/projects/:project/flags/:flag/events',
    {
      config: { access: 'project.read' },
      schema: {
        tags: ['usage'],
        summary: "A flag's tracked events per variant",
        description:
          'The events of one name that SDKs attributed to the variants of this flag, in one environment or summed ' +
          'over all, since `since` (default 24 hours ago, at most 7 days): per-variant totals (count, sum, mean, ' +
          'standard deviation) and a time series in UTC buckets of a minute or an hour (buckets without events are ' +
          'left out). `events` lists the names tracked for the flag; without `event`, only that list is answered.',
        params: flagParamsSchema,
        querystring: eventsQuerySchema,
        response: { 200: withExample(eventsResponseBodySchema, eventsHistoryResponse), ...adminErrorResponses },
      },
    },
    async (request) => reports.history(request.params.project, request.params.flag, request.query),
  );
};
