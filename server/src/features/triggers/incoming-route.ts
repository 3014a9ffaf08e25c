import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { HttpError, tooManyRequests } from '../../http/errors.js';
import { errorBodySchema } from '../../http/schemas.js';
import { commandFromAlertmanager, commandFromGeneric } from './alertmanager.js';
import { TRIGGER_LIMITS, TriggerRateLimits } from './rate-limits.js';
import { incomingBody, incomingParams, incomingResponse } from './schemas.js';
import { withExample } from '../../http/openapi-examples.js';
import { alertmanagerFiringRequest, killedOutcomeResponse, pendingKillOutcomeResponse } from './openapi-examples.js';
import type { TriggersService } from './service.js';
import type { TriggerRow } from './store.js';

/** Where triggers are called, under the API prefix; the secret follows. */
export const INCOMING_PATH = '/triggers/incoming';

/**
 * Largest body accepted (413 above). Alertmanager sends every alert of a group in one call;
 * `max_alerts` in its webhook config bounds that (the rest become `truncatedAlerts`).
 */
export const INCOMING_BODY_LIMIT = 256 * 1024;

/**
 * POST /triggers/incoming/:secret. Before the body is even read: the caller's address is counted
 * (429 + Retry-After over the limit, every guess counts), the trigger is looked up by the secret's
 * hash (404 when unknown or revoked), and its own count taken (429). Then the body is validated
 * (400) and the command carried out (see TriggersService.fire).
 */
export async function registerIncomingRoute(app: FastifyInstance, service: TriggersService): Promise<void> {
  const limits = new TriggerRateLimits(await redisFor(app));
  const triggers = new WeakMap<FastifyRequest, TriggerRow>();

  const refuse = async (request: FastifyRequest) => {
    const addressWait = await limits.consumeAddress(normalizeIP(request.ip));
    if (addressWait !== undefined) throw tooManyRequests(addressWait, 'Too many trigger calls from your address');
    const { secret } = request.params as { secret: string };
    const trigger = await service.find(secret);
    const triggerWait = await limits.consumeTrigger(trigger.id);
    if (triggerWait !== undefined) throw tooManyRequests(triggerWait, 'Too many calls of this trigger');
    triggers.set(request, trigger);
  };

  app.withTypeProvider<ZodTypeProvider>().post(
    `${INCOMING_PATH}/:secret`,
    {
      config: { access: 'public' },
      // The URL holds the secret: no per-request log lines here, even at LOG_LEVEL=debug (errors,
      // logged with the request id only, still are).
      logLevel: 'warn',
      bodyLimit: INCOMING_BODY_LIMIT,
      onRequest: refuse,
      schema: {
        tags: ['triggers'],
        summary: 'Call a trigger: kill or restore its flag (Alertmanager webhook or generic JSON)',
        description:
          'No token: the secret in the path is the credential. Alertmanager (version 4 payload): `firing` kills, ' +
          '`resolved` restores when the trigger has `restoreOnResolve` and the current kill is its own (otherwise ' +
          '`ignored` / `not_restored`). Generic: `{ "action": "kill" | "restore", "reason"? }` (restore ends any ' +
          'kill). Idempotent: killing a killed flag or restoring a live one writes nothing. While the database is ' +
          'unreachable a kill is accepted into Redis (202, `kill_pending`) when this server has seen the trigger. ' +
          `Limits: ${TRIGGER_LIMITS.perTrigger} calls a minute per trigger and ${TRIGGER_LIMITS.perAddress} per address (429 + Retry-After); body at most 256 KiB (413).`,
        params: incomingParams,
        body: withExample(incomingBody, alertmanagerFiringRequest),
        response: {
          200: withExample(incomingResponse, killedOutcomeResponse),
          202: withExample(
            incomingResponse.describe('Database unreachable: the kill is pending in Redis'),
            pendingKillOutcomeResponse,
          ),
          400: errorBodySchema,
          404: errorBodySchema.describe('Unknown or revoked trigger'),
          413: errorBodySchema,
          429: errorBodySchema,
          503: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const trigger = triggers.get(request);
      if (!trigger) throw new HttpError(404, 'Unknown or revoked trigger');
      const body = request.body;
      const command =
        'version' in body ? commandFromAlertmanager(body, trigger.restoreOnResolve) : commandFromGeneric(body);
      const result = await service.fire(trigger, command);
      return reply.code(result.outcome === 'kill_pending' ? 202 : 200).send(result);
    },
  );
}

/** The limits' own Redis connection when the server has Redis (loaded only then, like the bus). */
async function redisFor(app: FastifyInstance): Promise<Redis | undefined> {
  const url = app.config.redisUrl;
  if (!url) return undefined;
  const ioredis = await import('ioredis');
  const redis = new ioredis.Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    connectionName: 'switchyard:trigger-limits',
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), 2_000),
  });
  redis.on('error', () => {}); // a down Redis is reported by the bus; the limits count in memory meanwhile
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
  return redis;
}
