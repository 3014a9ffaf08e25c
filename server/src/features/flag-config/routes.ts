import { configFromPercent, percentToBasisPoints } from '@switchyard/core/schema';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses, errorBodySchema } from '../../http/schemas.js';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { configSerializerCompiler } from './config-serializer.js';
import { registerDeferredKills } from './deferred-kills.js';
import { etagOf, parseIfMatch, requireIfMatch } from './if-match.js';
import {
  configBodySchema,
  configListResponseSchema,
  configParamsSchema,
  configResponseSchema,
  flagParamsSchema,
  pendingKillResponseSchema,
  ifMatchHeadersSchema,
  killBodySchema,
  optionalReasonBodySchema,
  rolloutBodySchema,
  ruleParamsSchema,
} from './schemas.js';
import { legacyConfigIssues, legacyRolloutIssues, refuseLegacyFields } from './legacy-rollout-fields.js';
import { FlagConfigService, toRestConfig, type ConfigView } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  currentConfigResponse,
  killEverywhereResponse,
  killRequest,
  killResponse,
  pendingKillResponse,
  replaceConfigRequest,
  replaceConfigResponse,
  restoreEverywhereResponse,
  restoreRequest,
  restoreResponse,
  rolloutRequest,
  rolloutResponse,
  turnOffRequest,
  turnOffResponse,
  turnOnRequest,
  turnOnResponse,
} from './openapi-examples.js';

const PATH = '/projects/:project/flags/:flag/environments/:environment';

/** Answers with a configuration (rollouts in percent) and its ETag. */
function sendConfig(reply: FastifyReply, config: ConfigView) {
  return reply.header('etag', etagOf(config.version)).send(toRestConfig(config));
}

/**
 * A flag's configuration per environment (admin only): GET/PUT with ETag/If-Match, on/off and
 * rollout shortcuts, and the kill switch (one environment or all) with restore.
 */
export const flagConfigRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new FlagConfigService({ prisma: app.db.prisma, notifier: app.changes, log: app.log });
  const deferredKills = registerDeferredKills(app, service);
  const tags = ['flag configuration'];
  const configResponses = {
    200: withExample(configResponseSchema, currentConfigResponse),
    ...adminErrorResponses,
    412: errorBodySchema.describe('If-Match names a version that is no longer current'),
  };

  app.get(
    PATH,
    {
      config: { access: 'project.read' },
      schema: {
        tags,
        summary: "Get a flag's configuration in one environment",
        description:
          'Rollouts (`rules[].rollout.percent`) and splits (`split[].percent`) are in percent, 0..100 with at ' +
          'most two decimals. The ETag header is the version; send it back as If-Match to PUT.',
        params: configParamsSchema,
        response: configResponses,
      },
    },
    async (request, reply) => {
      const { project, flag, environment } = request.params;
      const config = await service.get(project, flag, environment);
      return sendConfig(reply, config);
    },
  );

  app.put(
    PATH,
    {
      config: { access: 'flags.write' },
      schema: {
        tags,
        summary: "Replace a flag's configuration in one environment",
        description:
          'Requires If-Match: "<version>" (428 without, 412 when stale). Rollouts and splits are in percent ' +
          '(`rollout: { percent: 25.5 }`, `split: [{ variant, percent }]` summing to 100, at most two decimals); ' +
          'a body with the old basis-point fields (`percentage`, `weight`) is a 400 saying so. ' +
          'The configuration is validated as a ' +
          "whole with the flag's variants and type; prerequisites must be live flags of the project without " +
          'cycles (and client-side ones when the flag is client-side: browsers receive only those), segments ' +
          'must exist; new regex patterns must be proven free of catastrophic backtracking (at most 32 not seen ' +
          'before per request, 5 s of analysis in all; see server/README.md "Regex patterns"). Ends a kill ' +
          '(restore is then a 409).',
        params: configParamsSchema,
        headers: ifMatchHeadersSchema,
        body: withExample(configBodySchema, replaceConfigRequest),
        response: {
          ...configResponses,
          200: withExample(configResponseSchema, replaceConfigResponse),
          428: errorBodySchema.describe('If-Match is missing'),
        },
      },
      preValidation: refuseLegacyFields(legacyConfigIssues),
    },
    async (request, reply) => {
      const { project, flag, environment } = request.params;
      const expectedVersion = requireIfMatch(request.headers['if-match']);
      const actor = requirePrincipal(request);
      const body = configFromPercent(request.body);
      const config = await service.replace(project, flag, environment, expectedVersion, body, actor);
      return sendConfig(reply, config);
    },
  );

  for (const enabled of [true, false]) {
    app.post(
      `${PATH}/${enabled ? 'on' : 'off'}`,
      {
        config: { access: 'flags.write' },
        // The hottest write: its answer repeats the last toggle's rules (see configSerializer).
        serializerCompiler: configSerializerCompiler,
        schema: {
          tags,
          summary: `Turn a flag ${enabled ? 'on' : 'off'} in one environment`,
          description: 'If-Match is optional here (412 when given and stale). Ends a kill.',
          params: configParamsSchema,
          headers: ifMatchHeadersSchema,
          body: withExample(optionalReasonBodySchema, enabled ? turnOnRequest : turnOffRequest),
          response: {
            ...configResponses,
            200: withExample(configResponseSchema, enabled ? turnOnResponse : turnOffResponse),
          },
        },
      },
      async (request, reply) => {
        const { project, flag, environment } = request.params;
        const options = { expectedVersion: parseIfMatch(request.headers['if-match']), reason: request.body?.reason };
        const actor = requirePrincipal(request);
        const config = await service.setEnabled(project, flag, environment, enabled, options, actor);
        return sendConfig(reply, config);
      },
    );
  }

  app.post(
    `${PATH}/rules/:ruleId/rollout`,
    {
      config: { access: 'flags.write' },
      schema: {
        tags,
        summary: "Set a rule's rollout percent",
        description:
          '`percent` is 0..100 with at most two decimals (25.5 = 25.5 %; SDKs receive basis points). ' +
          'The old `percentage` (basis points) is a 400 saying what changed. ' +
          'Stickiness is kept. If-Match optional (412 when stale); 404 for an unknown rule.',
        params: ruleParamsSchema,
        headers: ifMatchHeadersSchema,
        body: withExample(rolloutBodySchema, rolloutRequest),
        response: { ...configResponses, 200: withExample(configResponseSchema, rolloutResponse) },
      },
      preValidation: refuseLegacyFields(legacyRolloutIssues),
    },
    async (request, reply) => {
      const { project, flag, environment, ruleId } = request.params;
      const options = { expectedVersion: parseIfMatch(request.headers['if-match']), reason: request.body.reason };
      const actor = requirePrincipal(request);
      const config = await service.setRollout(
        project,
        flag,
        environment,
        ruleId,
        percentToBasisPoints(request.body.percent),
        options,
        actor,
      );
      return sendConfig(reply, config);
    },
  );

  app.post(
    `${PATH}/kill`,
    {
      config: { access: 'flags.kill' },
      schema: {
        tags,
        summary: 'Kill switch: turn a flag off in one environment now',
        description:
          'No If-Match: works whatever the version. The configuration before the kill is kept for restore ' +
          '(killing a killed flag keeps the first one). `reason` is required and audited. ' +
          'While the database is unreachable (with Redis): 202, the kill is kept in Redis and served to SDKs at ' +
          'once, and recorded (audit event, revision) as soon as the database is back; 503 when Redis is down too.',
        params: configParamsSchema,
        body: withExample(killBodySchema, killRequest),
        response: {
          ...configResponses,
          200: withExample(configResponseSchema, killResponse),
          202: withExample(pendingKillResponseSchema, pendingKillResponse),
        },
      },
    },
    async (request, reply) => {
      const { project, flag, environment } = request.params;
      const actor = requirePrincipal(request);
      const { reason } = request.body;
      let config: ConfigView;
      try {
        config = await service.kill(project, flag, environment, reason, actor);
      } catch (error) {
        if (!deferredKills || !isDatabaseUnavailable(error)) throw error;
        const input = { projectKey: project, flagKey: flag, environmentKey: environment, reason, actor };
        return reply.code(202).send(await deferredKills.accept(input));
      }
      return sendConfig(reply, config);
    },
  );

  app.post(
    `${PATH}/restore`,
    {
      config: { access: 'flags.kill' },
      schema: {
        tags,
        summary: 'Bring back the configuration from before the kill',
        description: '409 when the flag is not killed in this environment (or was edited since the kill).',
        params: configParamsSchema,
        body: withExample(optionalReasonBodySchema, restoreRequest),
        response: { ...configResponses, 200: withExample(configResponseSchema, restoreResponse) },
      },
    },
    async (request, reply) => {
      const { project, flag, environment } = request.params;
      const actor = requirePrincipal(request);
      const config = await service.restore(project, flag, environment, request.body?.reason, actor);
      return sendConfig(reply, config);
    },
  );

  app.post(
    '/projects/:project/flags/:flag/kill',
    {
      config: { access: 'flags.kill' },
      schema: {
        tags,
        summary: 'Kill switch: turn a flag off in every environment, in one transaction',
        description:
          "Responders and up (protected environments included). Every environment serves the off variant at once, whatever the versions; each configuration before the kill is kept for restore. The reason is required and audited. Answers every environment's configuration.",
        params: flagParamsSchema,
        body: withExample(killBodySchema, killRequest),
        response: { 200: withExample(configListResponseSchema, killEverywhereResponse), ...adminErrorResponses },
      },
    },
    async (request) => {
      const { project, flag } = request.params;
      const items = await service.killAll(project, flag, request.body.reason, requirePrincipal(request));
      return { items: items.map(toRestConfig) };
    },
  );

  app.post(
    '/projects/:project/flags/:flag/restore',
    {
      config: { access: 'flags.kill' },
      schema: {
        tags,
        summary: 'Restore every environment where the flag is killed',
        description: '409 when it is killed nowhere.',
        params: flagParamsSchema,
        body: withExample(optionalReasonBodySchema, restoreRequest),
        response: { 200: withExample(configListResponseSchema, restoreEverywhereResponse), ...adminErrorResponses },
      },
    },
    async (request) => {
      const { project, flag } = request.params;
      const items = await service.restoreAll(project, flag, request.body?.reason, requirePrincipal(request));
      return { items: items.map(toRestConfig) };
    },
  );
};
