import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses } from '../../http/schemas.js';
import { deferredKillsOf } from '../flag-config/deferred-kills.js';
import { FlagConfigService } from '../flag-config/service.js';
import { INCOMING_PATH, registerIncomingRoute } from './incoming-route.js';
import {
  createdTriggerView,
  createTriggerBody,
  listTriggersQuery,
  projectParams,
  triggerParams,
  triggerView,
} from './schemas.js';
import { TriggersService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import { createdTriggerResponse, createTriggerRequest, triggerListResponse } from './openapi-examples.js';

/**
 * /projects/:project/triggers (admin): create, list and revoke triggers; and the public
 * POST /triggers/incoming/:secret that Alertmanager (or anything that can POST JSON) calls.
 */
export const triggersRoutes: FastifyPluginAsyncZod = async (app) => {
  const flagConfig = new FlagConfigService({ prisma: app.db.prisma, notifier: app.changes, log: app.log });
  const service = new TriggersService({
    prisma: app.db.prisma,
    notifier: app.changes,
    flagConfig,
    deferredKills: deferredKillsOf(app, flagConfig),
    incomingPrefix: `${app.prefix}${INCOMING_PATH}`,
    onError: (error) => app.log.warn({ err: error }, 'triggers: error'),
  });
  const tags = ['triggers'];
  // Reading triggers is reading the project; making or revoking one changes how a flag can be stopped.
  const read = { access: 'project.read' } as const;
  const write = { access: 'flags.write' } as const;

  app.get(
    '/projects/:project/triggers',
    {
      config: read,
      schema: {
        tags,
        summary: "List a project's triggers (never their secrets)",
        description:
          'Every trigger of the project with its flag and environment. The secret URL is shown once, when the trigger is created, and never again (only its hash is stored).',
        params: projectParams,
        querystring: listTriggersQuery,
        response: {
          200: withExample(z.object({ triggers: z.array(triggerView) }), triggerListResponse),
          ...adminErrorResponses,
        },
      },
    },
    async (request) => ({ triggers: await service.list(request.params.project, request.query) }),
  );

  app.post(
    '/projects/:project/triggers',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a trigger: a secret URL that kills or restores one flag in one environment',
        description:
          'The response is the only place the secret (and so the URL, `path`) ever appears; only its SHA-256 ' +
          "is stored. POST Alertmanager's webhook payload to it (firing: kill; resolved: restore when " +
          '`restoreOnResolve`, and only a kill this trigger made) or `{ "action": "kill" | "restore", "reason"? }`. ' +
          'Every kill and restore is audited with the actor `system` `trigger:<id>` and the call summarised as ' +
          'the reason. 404 when the flag (or environment) does not exist.',
        params: projectParams,
        body: withExample(createTriggerBody, createTriggerRequest),
        response: { 201: withExample(createdTriggerView, createdTriggerResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(requirePrincipal(request), request.params.project, request.body)),
  );

  app.delete(
    '/projects/:project/triggers/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Revoke a trigger',
        description: 'Its URL answers 404 from now on. What it did stays (a kill it made is not restored).',
        params: triggerParams,
        response: { 204: z.null().describe('Revoked'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.revoke(requirePrincipal(request), request.params.project, request.params.id);
      return reply.code(204).send(null);
    },
  );

  await registerIncomingRoute(app, service);
};
