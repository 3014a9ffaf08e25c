import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../../auth/authorize.js';
import { requirePrincipal } from '../../auth/plugin.js';
import { forbidden, HttpError } from '../../http/errors.js';
import { adminErrorResponses, keySchema } from '../../http/schemas.js';
import { requireProject } from '../projects/store.js';
import { textResponse } from '../../http/openapi-examples.js';
import { changeEventExample } from './openapi-examples.js';
import { AdminEventStreams } from './admin-events.js';
import { holderOf, limitKeyOf } from './stream-holder.js';

/** Between `: ping` comments (each also re-checks every stream's credential and rights). */
const PING_MS = 15_000;
/** Streams one principal (an API token, or a person) may hold on one replica: a few tabs, not a script's thousands. */
export const MAX_STREAMS_PER_PRINCIPAL = 8;
/** A principal over its share waits this long: one of its streams has to close first. */
const RETRY_AFTER_S = 30;

/**
 * GET /events: a Server-Sent Events stream of committed changes, so the console shows changes made
 * elsewhere (API, CLI, another browser, another replica) without polling. Fed by every replica's
 * change messages on the bus and by this replica's own commits, deduplicated (admin-events.ts).
 */
export const eventsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { bus, revocations } = app.propagation;
  const warn = (what: string) => (error: unknown) => app.log.warn({ err: error }, `event stream: ${what} failed`);
  const streams = new AdminEventStreams({
    prisma: app.db.prisma,
    sessionIdleTimeoutMs: app.config.sessionIdleTimeoutMs,
    stillAllowed: (holder) => !revocations.isRevoked({ id: holder.id }),
    onError: (error) => warn('check')(error),
  });
  const held = new Map<string, number>();
  const unsubscribe = [
    app.changes.onChange((event) => void streams.publishLocal(event).catch(warn('local change'))),
    bus.subscribe((message) => void streams.publishMessage(message).catch(warn('bus message'))),
    bus.onResubscribed(() => streams.resync()),
    bus.onRevocation((message) => streams.closeRevoked(message)),
  ];
  const pinger = setInterval(() => void streams.ping().catch(warn('ping')), PING_MS);
  pinger.unref();
  app.addHook('preClose', async () => {
    for (const stop of unsubscribe) stop();
    clearInterval(pinger);
    streams.closeAll();
  });

  app.get(
    '/events',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['events'],
        summary: 'Stream committed changes (Server-Sent Events, for the console)',
        description:
          'An `event: change` per environment a committed change affected, its data ' +
          '`{ project, environment, revision, flags, segments }` (keys of what changed), sent after the ' +
          'commit, once, whichever replica committed it (replicas hear of each other through Redis). ' +
          'Only changes of the projects the caller may read; `project` (a key) narrows the stream to one ' +
          'of them (404 unknown, 403 not readable). An `event: resync` (data `{}`) says changes may have been ' +
          'missed (the replica lost Redis for a while): refetch what is shown. A `: ping` comment comes every ' +
          '15 s; the stream ends when its credential stops working (a revoked API token at once, a signed-out ' +
          'session or other revocation by the next ping) and follows changes of the caller’s rights. ' +
          `At most ${MAX_STREAMS_PER_PRINCIPAL} streams per token or person on one server (429 + Retry-After).`,
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
      let projectId: string | undefined;
      if (request.query.project !== undefined) {
        projectId = (await requireProject(app.db.prisma, request.query.project)).id;
        if (!can(principal, 'project.read', { projectId })) {
          throw forbidden(`Your role does not allow reading project '${request.query.project}'`);
        }
      }
      const holder = holderOf(principal);
      const limitKey = limitKeyOf(holder);
      const open = held.get(limitKey) ?? 0;
      if (open >= MAX_STREAMS_PER_PRINCIPAL) {
        void reply.header('retry-after', String(RETRY_AFTER_S));
        throw new HttpError(
          429,
          `You already have ${open} open event streams on this server (the limit); close one or retry in ${RETRY_AFTER_S} s`,
        );
      }
      held.set(limitKey, open + 1);
      reply.hijack();
      const response = reply.raw;
      const release = () => {
        const left = (held.get(limitKey) ?? 1) - 1;
        if (left <= 0) held.delete(limitKey);
        else held.set(limitKey, left);
      };
      // Cut while it was being authenticated: 'close' has been and gone.
      if (response.destroyed) return release();
      response.once('close', release);
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
      response.writeHead(200, { ...headers, connection: 'keep-alive', 'x-accel-buffering': 'no' });
      response.write(': connected\n\n');
      streams.add({ response, principal, holder, projectId });
    },
  );
};
