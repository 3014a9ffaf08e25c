import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses } from '../../http/schemas.js';
import {
  createScheduleBodySchema,
  flagParamsSchema,
  listSchedulesQuerySchema,
  scheduleListResponseSchema,
  scheduleParamsSchema,
  scheduleResponseSchema,
} from './schemas.js';
import { ScheduleService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  cancelledScheduleResponse,
  createScheduleRequest,
  scheduleListResponse,
  scheduleResponse,
} from './openapi-examples.js';

const APPLYING =
  'When due, the change is applied once (even with several replicas, or after a restart) as an ordinary audited, ' +
  'published change whose actor is the system principal `schedule:<id>`; the audit reason names who scheduled it.';

/** /projects/:project/flags/:flag/schedules: scheduled changes of a flag (admin only). */
export const schedulesRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new ScheduleService({ prisma: app.db.prisma, notifier: app.changes });
  const tags = ['schedules'];
  const read = { access: 'project.read' } as const;
  const write = { access: 'flags.write' } as const;
  const base = '/projects/:project/flags/:flag/schedules';

  app.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary: "List a flag's scheduled changes",
        description: 'Every environment, soonest first; `state` filters (pending, applied, cancelled, failed).',
        params: flagParamsSchema,
        querystring: listSchedulesQuerySchema,
        response: { 200: withExample(scheduleListResponseSchema, scheduleListResponse), ...adminErrorResponses },
      },
    },
    async (request) => ({
      items: await service.list(request.params.project, request.params.flag, request.query.state),
    }),
  );

  app.post(
    base,
    {
      config: write,
      schema: {
        tags,
        summary: 'Schedule a change of a flag in one environment',
        description:
          "`change`: `enable`, `disable`, `kill`, `restore`, `percent` (a rule's rollout, in percent), or " +
          '`start-plan` (`planId`: a draft release plan of the flag in that environment, else 400). ' +
          `\`at\` must be in the future (else 400). ${APPLYING} A change the configuration refuses when due ` +
          '(e.g. restore of a flag that is not killed) leaves the schedule `failed` with the reason.',
        params: flagParamsSchema,
        body: withExample(createScheduleBodySchema, createScheduleRequest),
        response: { 201: withExample(scheduleResponseSchema, scheduleResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await service.create(request.params.project, request.params.flag, request.body, requirePrincipal(request)),
        ),
  );

  app.get(
    `${base}/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a scheduled change',
        description:
          'With its state; once applied, `auditEventId` is the change it made, and a failed one says why in `error`.',
        params: scheduleParamsSchema,
        response: { 200: withExample(scheduleResponseSchema, scheduleResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.get(request.params.project, request.params.flag, request.params.id),
  );

  app.post(
    `${base}/:id/cancel`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Cancel a scheduled change',
        description: 'Only while pending (else 409). Audited; the schedule stays listed as `cancelled`.',
        params: scheduleParamsSchema,
        response: { 200: withExample(scheduleResponseSchema, cancelledScheduleResponse), ...adminErrorResponses },
      },
    },
    async (request) =>
      service.cancel(request.params.project, request.params.flag, request.params.id, requirePrincipal(request)),
  );
};
