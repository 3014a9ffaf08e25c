import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { tooManyRequests, type HttpError } from './errors.js';

/** Where the shared counts live in Redis: one key per address, expiring with its window. */
export const AUTH_FAILURES_REDIS_PREFIX = 'switchyard:auth-failures:';

/** Blocked addresses this replica remembers at most (an attack from many addresses cannot grow it). */
const MAX_BLOCKED = 10_000;

/** What the auth hook asks before and after checking a token (see `installAuthFailureLimit`). */
export interface AuthFailureLimit {
  /** Throws the 429 when the caller's address is blocked: its token is then not even looked at. */
  refuseBlocked(request: FastifyRequest): void;
  /** Counts a failed authentication; the 429 to answer instead of the 401 once over the limit. */
  recordFailure(request: FastifyRequest): Promise<HttpError | undefined>;
}

/**
 * Limits failed authentications per client address with `@fastify/rate-limit`: the count is kept
 * in Redis when `REDIS_URL` is set (every replica adds to one count per address), in memory
 * otherwise. Only failures count (unknown, revoked, missing or malformed token: the 401s), so SDKs
 * with valid tokens never use up the budget.
 *
 * Once an address has had `authFailureLimit` failures in a window, every request from it that
 * needs a token gets 429 + `Retry-After` until the window ends, valid token or not: answering a
 * correct guess with 200 would keep guessing worthwhile, and refusing before the lookup keeps an
 * attacker from costing a database query per guess. Public routes (health, metrics) still answer.
 * Each replica remembers the addresses it saw go over the limit, so the check costs no Redis call
 * per request; another replica learns of a block at the first failure it sees from that address.
 * If Redis is unreachable the failures are not counted (the 401s still are 401s) rather than
 * turning every wrong token into a 500.
 */
export async function installAuthFailureLimit(app: FastifyInstance, config: Config): Promise<AuthFailureLimit> {
  let redis: Redis | undefined;
  if (config.redisUrl) {
    // Loaded only when used, like the bus: ioredis costs start-up time and memory.
    const ioredis = await import('ioredis');
    redis = new ioredis.Redis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1_000,
      connectionName: 'switchyard:auth-failures',
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), 2_000),
    });
    redis.on('error', () => {}); // a down Redis is reported by the bus; failures just go uncounted
    app.addHook('onClose', async () => {
      await redis?.quit().catch(() => redis?.disconnect());
    });
  }
  await app.register(rateLimit, {
    global: false,
    max: config.authFailureLimit,
    timeWindow: config.authFailureWindowMs,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: AUTH_FAILURES_REDIS_PREFIX } : {}),
  });
  const countFailure = app.createRateLimit();
  const blockedUntil = new Map<string, number>();

  const tooMany = (untilMs: number, now: number) =>
    tooManyRequests(
      Math.max(1, Math.ceil((untilMs - now) / 1000)),
      'Too many failed authentications from your address',
    );

  return {
    refuseBlocked(request) {
      if (blockedUntil.size === 0) return;
      const key = normalizeIP(request.ip);
      const until = blockedUntil.get(key);
      if (until === undefined) return;
      const now = Date.now();
      if (until <= now) blockedUntil.delete(key);
      else throw tooMany(until, now);
    },
    async recordFailure(request) {
      const limit = await countFailure(request);
      if (limit.isAllowed || !limit.isExceeded) return undefined;
      const now = Date.now();
      const until = now + limit.ttl;
      if (blockedUntil.size >= MAX_BLOCKED) blockedUntil.clear();
      blockedUntil.set(limit.key, until);
      return tooMany(until, now);
    },
  };
}
