import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDatabaseUnavailable } from '../../db/unavailable.js';
import { withExample } from '../../http/openapi-examples.js';
import { aliveResponse, readyResponse } from './openapi-examples.js';

/** How long /readyz waits for the database before calling it unavailable. */
const READY_TIMEOUT_MS = 2_000;

const statusView = z.object({ status: z.string(), message: z.string().optional() });

/**
 * Probes for orchestrators, outside /api/v1 and without auth:
 * - /healthz: the process is alive and serving (liveness) — 200 whatever the database does;
 * - /readyz: the database answers and every migration is applied (readiness) — else 503. Once
 *   ready, a database that becomes unreachable (down, cut off, not answering in time) keeps it ready
 *   as `degraded`: the replica still serves SDKs from memory and takes kill switches (see the
 *   README's "Outages"); taking every replica out of the load balancer would stop all of that.
 */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  const tags = ['health'];
  const common = { config: { access: 'public' }, logLevel: 'warn' } as const;
  let wasReady = false;

  app.get(
    '/healthz',
    {
      ...common,
      schema: {
        tags,
        summary: 'Liveness probe',
        description: 'No authentication. 200 while the process serves HTTP, whatever the database does (see /readyz).',
        response: { 200: withExample(statusView, aliveResponse) },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      ...common,
      schema: {
        tags,
        summary: 'Readiness probe',
        description:
          'No authentication. 503 until the database answers and every migration is applied. Once ready, a database that becomes unreachable keeps it ready as `degraded`: the replica still serves SDKs from memory and takes kill switches.',
        response: { 200: withExample(statusView, readyResponse), 503: statusView },
      },
    },
    async (request, reply) => {
      try {
        const migrated = await withTimeout(app.db.isMigrated(), READY_TIMEOUT_MS);
        if (migrated) {
          wasReady = true;
          return { status: 'ready' };
        }
        return reply.code(503).send({ status: 'unavailable', message: 'database migrations are pending' });
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        if (wasReady && (isDatabaseUnavailable(error) || error instanceof ReadyTimeout)) {
          return { status: 'degraded', message: 'database is not reachable; serving SDKs from memory' };
        }
        return reply.code(503).send({ status: 'unavailable', message: 'database is not reachable' });
      }
    },
  );
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReadyTimeout(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The database did not answer the readiness check in time. */
class ReadyTimeout extends Error {}
