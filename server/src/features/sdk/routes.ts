import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { badRequest, HttpError, unauthorized } from '../../http/errors.js';
import { errorBodySchema } from '../../http/schemas.js';
import { preferredEncoding } from '../../http/content-coding.js';
import { sdkPrincipal } from './sdk-principal.js';
import type { StreamView } from '../../snapshots/sse-connection.js';
import { StreamLimits } from './stream-limits.js';
import { snapshotSchema } from '@switchyard/core/schema';
import { textResponse, withExample } from '../../http/openapi-examples.js';
import { snapshotResponse, streamExample } from './openapi-examples.js';

const sdkQuery = z.object({
  key: z.string().optional().describe('A client token, for clients that cannot send headers (EventSource)'),
});
const streamQuery = sdkQuery.extend({
  lastEventId: z
    .string()
    .regex(/^\d+$/, 'must be a revision (a non-negative integer)')
    .optional()
    .describe('Resume after this revision (same as the Last-Event-ID header)'),
});
const sdkErrors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

/**
 * What SDKs call (server or client token; a client token may also come as `?key=`):
 * GET /sdk/snapshot (whole snapshot, ETag = revision) and GET /sdk/stream (SSE put + patches).
 * Both read this replica's snapshot cache (`app.propagation.feeds`), not Postgres per request.
 */
export const sdkRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['sdk'];
  const sdk = { access: 'sdk' } as const;
  const { feeds, revocations } = app.propagation;
  const streamLimits = new StreamLimits({
    ...app.config,
    onRefused: (reason) => app.propagation.metrics.streamsRefused.inc({ reason }),
  });

  async function currentFeed(environmentId: string, lastEventId?: number) {
    const feed = feeds.feed(environmentId);
    let state = await feed.ready().catch((error: unknown) => {
      // Postgres unreachable: what this replica holds was current a moment ago; serve it.
      if (feed.state && !feed.gone && isDatabaseUnavailable(error)) return feed.state;
      app.log.error({ err: error }, 'could not load snapshot');
      throw new HttpError(503, 'The snapshot could not be loaded; retry shortly');
    });
    // An SDK ahead of us saw a revision this replica has not heard of yet: catch up first.
    if (state && lastEventId !== undefined && lastEventId > state.revision) {
      await feed.refresh().catch(() => {});
      state = feed.state;
    }
    if (!state || feed.gone) throw new HttpError(404, "This token's environment no longer exists");
    return feed;
  }

  app.get(
    '/sdk/snapshot',
    {
      config: sdk,
      schema: {
        tags,
        summary: "The token's environment as a core Snapshot",
        description:
          'Server tokens get every live flag; client tokens only clientSide flags and the segments they use. ' +
          'ETag is the revision in quotes; send it back as If-None-Match for a 304 when nothing changed. ' +
          'With Accept-Encoding the body comes as br (preferred) or gzip, compressed once per revision.',
        querystring: sdkQuery,
        response: { 200: withExample(snapshotSchema, snapshotResponse) },
      },
    },
    async (request, typedReply) => {
      // The body goes out pre-encoded (a Buffer), not as the object the response schema documents.
      const reply = typedReply as FastifyReply;
      const principal = sdkPrincipal(request);
      const view: StreamView = principal.tokenKind === 'client' ? 'client' : 'server';
      // With kills accepted while Postgres was unreachable applied (see kill-overlay.ts).
      const state = (await currentFeed(principal.environmentId)).served!;
      const etag = `"${state.revision}"`;
      void reply.header('etag', etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
      void reply.type('application/json; charset=utf-8');
      // Flag JSON compresses ~10-40x; each encoding is made once per revision and view (see
      // feed-state.ts), so a request costs no serialization and no compression.
      const encoding = preferredEncoding(request.headers['accept-encoding']);
      if (encoding) return reply.header('content-encoding', encoding).send(await state.encoded(view, encoding));
      return reply.send(state.body(view));
    },
  );

  app.get(
    '/sdk/stream',
    {
      config: sdk,
      schema: {
        tags,
        summary: 'Server-sent events: the snapshot, then one patch per change',
        description:
          '`event: put` (whole snapshot) on connect, then `event: patch` per revision; the event id is the revision. ' +
          'With Last-Event-ID (or ?lastEventId) only the missed patches are sent when this server still has them, ' +
          'else a put. A `: ping` comment comes every 15 s. Streams that do not read fast enough are dropped, and ' +
          'the streams of a token are ended when it is revoked or its environment deleted. Client tokens get ' +
          'only their client view: patches never name a server-only flag or segment. ' +
          'A replica holding its maximum of streams answers 503, a client token over its streams per IP address 429, ' +
          'both with Retry-After (SWITCHYARD_SSE_MAX_STREAMS, SWITCHYARD_SSE_MAX_STREAMS_PER_CLIENT_IP).',
        querystring: streamQuery,
        response: {
          200: textResponse('text/event-stream', 'A put, then a patch per revision', streamExample),
          ...sdkErrors,
        },
      },
    },
    async (request, reply) => {
      // Fastify serves HEAD through this handler too; a HEAD response is only sent when it ends,
      // so answer it with the stream's headers instead of opening a stream that never ends.
      if (request.method === 'HEAD') {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        reply.raw.end();
        return;
      }
      const principal = sdkPrincipal(request);
      streamLimits.admit(principal, request.ip, reply);
      const view: StreamView = principal.tokenKind === 'client' ? 'client' : 'server';
      const lastEventId = parseLastEventId(request.headers['last-event-id'], request.query.lastEventId);
      const feed = await currentFeed(principal.environmentId, lastEventId);
      // Verified before a revocation that arrived while the snapshot loaded: not a stream to open.
      if (revocations.isRevoked(principal)) throw unauthorized('Unknown or revoked API token');

      reply.hijack();
      const response = reply.raw;
      const socket = request.raw.socket;
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 30_000);
      const headers: OutgoingHttpHeaders = {};
      // Headers set by hooks so far (CORS) are not sent by a hijacked reply: carry them over.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
      response.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // A resume that is already up to date writes nothing at first; without this, Node would hold
      // the headers back and the client could not tell the stream is open until the first ping.
      response.flushHeaders();
      if (!feed.attach(response, view, lastEventId, principal.id)) response.end();
    },
  );
};

function parseLastEventId(header: string | string[] | undefined, query: string | undefined): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim() || query;
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest('Last-Event-ID must be a revision (a non-negative integer)');
  return Number(value);
}

/** If-None-Match: a list of (possibly weak) tags, or `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
