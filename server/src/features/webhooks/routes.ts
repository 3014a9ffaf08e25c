import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses } from '../../http/schemas.js';
import {
  createWebhookBodySchema,
  createdWebhookResponseSchema,
  deliveryListResponseSchema,
  deliveryParamsSchema,
  deliveryQuerySchema,
  deliveryResponseSchema,
  updateWebhookBodySchema,
  webhookListResponseSchema,
  webhookParamsSchema,
  webhookResponseSchema,
} from './schemas.js';
import { toDeliveryView, WebhookService } from './service.js';
import { withExample } from '../../http/openapi-examples.js';
import {
  createdWebhookResponse,
  createWebhookRequest,
  deliveryListResponse,
  redeliveryResponse,
  updatedWebhookResponse,
  updateWebhookRequest,
  webhookListResponse,
  webhookResponse,
} from './openapi-examples.js';

const SIGNING =
  'Every delivery is a POST with `Switchyard-Signature: t=<unix seconds>,v1=<hex>`, the HMAC-SHA256 of ' +
  '`<t>.<raw body>` keyed by the secret; receivers should refuse a `t` more than 5 minutes off (replays). ' +
  'See docs/webhooks.md and spec/webhook-signature.json.';

/** /webhooks: outgoing webhooks on recorded changes, their delivery log and redelivery (admin only). */
export const webhooksRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new WebhookService({ prisma: app.db.prisma, notifier: app.changes }, app.config, () =>
    app.jobs.wake(),
  );
  const tags = ['webhooks'];
  // Webhooks see changes of every project they match: owners and instance admins manage them.
  const admin = { access: 'instance.admin' } as const;

  app.get(
    '/webhooks',
    {
      config: admin,
      schema: {
        tags,
        summary: 'List webhooks',
        description: 'Oldest first. Secrets are never shown again, only their first characters.',
        response: { 200: withExample(webhookListResponseSchema, webhookListResponse), ...adminErrorResponses },
      },
    },
    async () => ({ items: await service.list() }),
  );

  app.post(
    '/webhooks',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Create a webhook',
        description:
          "Every recorded change (the audit log's events) that matches the filters is POSTed to `url`, retried " +
          'with exponential backoff (6 attempts over ~5 minutes) until a 2xx answer. `url` must be http(s); ' +
          'private addresses are allowed unless SWITCHYARD_WEBHOOK_DENY_PRIVATE=true. The response carries the ' +
          `signing secret, shown this once. ${SIGNING}`,
        body: withExample(createWebhookBodySchema, createWebhookRequest),
        response: { 201: withExample(createdWebhookResponseSchema, createdWebhookResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await service.create(request.body, requirePrincipal(request))),
  );

  app.get(
    '/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Get a webhook',
        description: 'Its filters and state; the secret is never shown again, only `secretPrefix`.',
        params: webhookParamsSchema,
        response: { 200: withExample(webhookResponseSchema, webhookResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.get(request.params.id),
  );

  app.patch(
    '/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: "Change a webhook's name, URL, format, filters or enabled state",
        description: 'Absent fields are unchanged. The secret stays. Applies to changes recorded from now on.',
        params: webhookParamsSchema,
        body: withExample(updateWebhookBodySchema, updateWebhookRequest),
        response: { 200: withExample(webhookResponseSchema, updatedWebhookResponse), ...adminErrorResponses },
      },
    },
    async (request) => service.update(request.params.id, request.body, requirePrincipal(request)),
  );

  app.delete(
    '/webhooks/:id',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Delete a webhook',
        description: 'With its delivery log; pending deliveries are dropped.',
        params: webhookParamsSchema,
        response: { 204: z.null().describe('Deleted'), ...adminErrorResponses },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.id, requirePrincipal(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: admin,
      schema: {
        tags,
        summary: "A webhook's delivery log",
        description:
          'Newest first: per delivery its state (`pending` while attempts remain), attempts made, the last ' +
          "attempt's response status, duration and error.",
        params: webhookParamsSchema,
        querystring: deliveryQuerySchema,
        response: { 200: withExample(deliveryListResponseSchema, deliveryListResponse), ...adminErrorResponses },
      },
    },
    async (request) => ({
      items: (await service.deliveries(request.params.id, request.query.limit)).map(toDeliveryView),
    }),
  );

  app.post(
    '/webhooks/:id/deliveries/:delivery/redeliver',
    {
      config: admin,
      schema: {
        tags,
        summary: 'Send a delivery again',
        description:
          'A new delivery with the same body (signed anew), its own attempts, and `redeliveryOf` set. Audited as ' +
          '`webhook.redelivered`.',
        params: deliveryParamsSchema,
        response: { 202: withExample(deliveryResponseSchema, redeliveryResponse), ...adminErrorResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          toDeliveryView(
            await service.redeliver(request.params.id, request.params.delivery, requirePrincipal(request)),
          ),
        ),
  );
};
