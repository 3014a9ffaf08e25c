import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses } from '../../http/schemas.js';
import { withExample } from '../../http/openapi-examples.js';
import { createPlanRequest, createPlanResponse } from './openapi-examples.js';
import { guardRegistryOf } from './registry.js';
import {
  actionBodySchema,
  advanceBodySchema,
  createPlanBodySchema,
  envParamsSchema,
  listPlansQuerySchema,
  planListResponseSchema,
  planParamsSchema,
  planResponseSchema,
  rollbackBodySchema,
} from './schemas.js';
import { ReleasePlanService } from './service.js';

const APPLYING =
  'Each step is applied once (even with several replicas, or after a restart) as an ordinary audited, published ' +
  "change of the rule's rollout whose actor is the system principal `release-plan:<id>` (displayed " +
  '`release plan <id> (by <creator>)`).';
const GUARDS =
  'Guards are evaluated every `guardIntervalSeconds` while the plan runs; any failing guard rolls back (rule to 0%, ' +
  'or a kill: `onFailure`) within one interval, with the verdicts and their evidence in the audit event ' +
  '`release_plan.rolled_back` (which webhooks receive).';

/** /projects/:project/flags/:flag/environments/:environment/release-plans: release plans (issue 15). */
export const releasePlansRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new ReleasePlanService(
    { prisma: app.db.prisma, notifier: app.changes },
    { guards: guardRegistryOf(app), minGuardIntervalSeconds: app.config.releasePlanMinGuardIntervalS },
  );
  const tags = ['release-plans'];
  const read = { access: 'project.read' } as const;
  const write = { access: 'flags.write' } as const;
  const base = '/projects/:project/flags/:flag/environments/:environment/release-plans';
  const one = `${base}/:id`;
  const planResponse = { 200: planResponseSchema, ...adminErrorResponses };

  app.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary: "List a flag's release plans in one environment",
        description: 'Newest first, with their progress; `state` filters.',
        params: envParamsSchema,
        querystring: listPlansQuerySchema,
        response: { 200: planListResponseSchema, ...adminErrorResponses },
      },
    },
    async (request) => {
      const { project, flag, environment } = request.params;
      return { items: await service.list(project, flag, environment, request.query.state) };
    },
  );

  app.post(
    base,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a release plan (a draft)',
        description:
          'Steps `{ percent, holdMinutes }` (percent rising strictly) or `{ gate: "manual" }`, or `template: "standard"` ' +
          '(1% → 10% → 50% → 100%). `ruleId`: the rule whose rollout moves (default: the one catch-all rule). Guards: ' +
          '`http` (`url`, `path`, `operator`, `threshold`) and `prometheus` (`query`, `operator`, `threshold`, `url`?). ' +
          'A query Prometheus refuses is a 400; when Prometheus cannot be reached at create time the plan is accepted ' +
          `and the guard reports inconclusive while it stays unreachable. ${GUARDS} Nothing runs before start.`,
        params: envParamsSchema,
        body: withExample(createPlanBodySchema, createPlanRequest),
        response: { 201: withExample(planResponseSchema, createPlanResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const { project, flag, environment } = request.params;
      const plan = await service.create(project, flag, environment, request.body, requirePrincipal(request));
      return reply.code(201).send(plan);
    },
  );

  app.get(
    one,
    {
      config: read,
      schema: {
        tags,
        summary: 'Get a release plan with its progress',
        description:
          'Current step, when it started, when its hold ends, the next check, what it waits for, and the last verdict ' +
          'of every guard with its evidence; `outcome` says how it ended.',
        params: planParamsSchema,
        response: planResponse,
      },
    },
    async (request) => {
      const { project, flag, environment, id } = request.params;
      return service.get(project, flag, environment, id);
    },
  );

  app.delete(
    one,
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a draft release plan',
        description: 'Only a draft (409 otherwise: plans that ran stay as the record of what they did). Audited.',
        params: planParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      const { project, flag, environment, id } = request.params;
      await service.deleteDraft(project, flag, environment, id, requirePrincipal(request));
      return reply.code(204).send(null);
    },
  );

  const actions = [
    {
      verb: 'start',
      summary: 'Start a release plan',
      description: `A draft only. 409 when another plan of the flag is running or paused in the environment. ${APPLYING}`,
    },
    {
      verb: 'pause',
      summary: 'Pause a release plan',
      description: 'A running plan only: no step is applied and no guard evaluated until it is resumed.',
    },
    {
      verb: 'resume',
      summary: 'Resume a paused release plan',
      description: "Guards are checked at once; the current step's hold starts again.",
    },
    {
      verb: 'abort',
      summary: 'Abort a release plan',
      description: 'Stops it where it is: the rollout stays as it is. Running or paused plans only.',
    },
  ] as const;
  for (const { verb, summary, description } of actions) {
    app.post(
      `${one}/${verb}`,
      {
        config: write,
        schema: {
          tags,
          summary,
          description,
          params: planParamsSchema,
          body: actionBodySchema,
          response: planResponse,
        },
      },
      async (request) => {
        const { project, flag, environment, id } = request.params;
        const principal = requirePrincipal(request);
        const reason = request.body.reason;
        return service[verb](project, flag, environment, id, principal, reason);
      },
    );
  }

  app.post(
    `${one}/advance`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Advance a release plan to its next step now',
        description:
          'Past a manual gate, or cutting a hold short (guards are not consulted: the caller decides); running plans ' +
          `only, 409 at the last step or when \`fromStep\` is not the current step. ${APPLYING} The change's reason names the caller.`,
        params: planParamsSchema,
        body: advanceBodySchema,
        response: planResponse,
      },
    },
    async (request) => {
      const { project, flag, environment, id } = request.params;
      return service.advance(project, flag, environment, id, requirePrincipal(request), request.body);
    },
  );

  app.post(
    `${one}/rollback`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Roll a release plan back now',
        description:
          "The rule back to 0% (`to: rollback`) or a kill (`to: kill`); default the plan's `onFailure`. Running or paused " +
          'plans only. The configuration change is made by the caller; the plan ends `rolled_back`.',
        params: planParamsSchema,
        body: rollbackBodySchema,
        response: planResponse,
      },
    },
    async (request) => {
      const { project, flag, environment, id } = request.params;
      return service.rollback(project, flag, environment, id, requirePrincipal(request), request.body);
    },
  );
};
