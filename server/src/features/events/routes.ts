import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/plugin.js';
import { adminErrorResponses, keySchema } from '../../http/schemas.js';
import { requireProject } from '../projects/store.js';
import { textResponse } from '../../http/openapi-examples.js';
import { changeEventExample } from './openapi-examples.js';
import { AdminEventStreams } from './admin-events.js';

/** Between `: ping` comments (each also ends the streams of tokens revoked meanwhile). */
const PING_MS = 15_000;

/**
 * GET /events (admin only): a Server-Sent Events stream of committed changes, so the console shows
 * changes made elsewhere (API, CLI, another browser) without polling. Fed by the change notifier
 * after each commit on this instance.
 */
export const eventsRoutes: FastifyPluginAsyncZod = async (app) => {
  const streams = new AdminEventStreams(app.db.prisma);
  const unsubscribe = app.changes.onChange((event) => streams.publish(event));
  const pinger = setInterval(
    () => void streams.ping().catch((error: unknown) => app.log.warn({ error }, 'event stream ping failed')),
    PING_MS,
  );
  pinger.unref();
  app.addHook('preClose', async () => {
    unsubscribe();
    clearInterval(pinger);
    streams.closeAll();
  });

  app.get(
    '/events',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['events'],
        summary: 'Stream committed changes (Server-Sent Events, for the console)',
        description:
          'An `event: change` per environment a committed change affected, its data ' +
          '`{ project, environment, revision, flags, segments }` (keys of what changed), sent after the ' +
          'commit. `project` (a key) narrows the stream to one project. A `: ping` comment comes every 15 s; ' +
          'the stream of a revoked token ends at the next event or ping. Changes committed on this server ' +
          "instance only (several replicas: each console stream sees its own replica). Every project's changes: " +
          'owners, instance admins and viewers of every project (as the instance-wide audit log).',
        querystring: z.object({ project: keySchema.optional().describe('Only changes of this project') }),
        response: {
          200: textResponse(
            'text/event-stream',
            'A change event per environment a commit affected',
            changeEventExample,
          ),
          ...adminErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const headers: OutgoingHttpHeaders = {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
      };
      // Fastify serves HEAD through this handler too: answer the headers, open no stream.
      if (request.method === 'HEAD') {
        reply.hijack();
        reply.raw.writeHead(200, headers);
        reply.raw.end();
        return;
      }
      const principal = requirePrincipal(request);
      const projectId =
        request.query.project === undefined
          ? undefined
          : (await requireProject(app.db.prisma, request.query.project)).id;
      reply.hijack();
      const response = reply.raw;
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
      response.writeHead(200, { ...headers, connection: 'keep-alive', 'x-accel-buffering': 'no' });
      response.write(': connected\n\n');
      streams.add({
        response,
        tokenId: principal.id,
        projectId,
        stillAllowed: () => !app.propagation.revocations.isRevoked({ id: principal.id }),
      });
    },
  );
};
