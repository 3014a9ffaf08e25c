import type { Redis } from 'ioredis';

/** Where sign-in failure counts live in Redis: one key per account or address, expiring with its window. */
export const SIGN_IN_FAILURES_REDIS_PREFIX = 'switchyard:sign-in-failures:';

/**
 * Counts failed sign-ins per key (an account, an address) in fixed windows. Unlike
 * `http/auth-failure-limit.ts` (which @fastify/rate-limit serves well: it only counts), sign-in
 * must *ask* before checking a password whether the key is blocked, on every replica, without
 * counting the question: otherwise a blocked attacker's correct guess would still get a 200.
 */
export interface FailureCounter {
  /** Milliseconds until `key` may try again; 0 when it is not blocked. */
  blockedFor(key: string, max: number): Promise<number>;
  /** Counts a failure of `key`; milliseconds it is now blocked for (0 when still under `max`). */
  recordFailure(key: string, max: number): Promise<number>;
}

/** Shared by every replica: `INCR` + `PEXPIRE NX`, read with `GET` + `PTTL`. */
export class RedisFailureCounter implements FailureCounter {
  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async blockedFor(key: string, max: number): Promise<number> {
    try {
      const [[, count], [, ttl]] = (await this.redis
        .multi()
        .get(SIGN_IN_FAILURES_REDIS_PREFIX + key)
        .pttl(SIGN_IN_FAILURES_REDIS_PREFIX + key)
        .exec()) as [[unknown, string | null], [unknown, number]];
      return Number(count ?? 0) >= max ? Math.max(1, ttl) : 0;
    } catch (error) {
      // Redis down: sign-in goes on unlimited rather than failing for everyone (as the token limit).
      this.onError(error);
      return 0;
    }
  }

  async recordFailure(key: string, max: number): Promise<number> {
    try {
      const [[, count], , [, ttl]] = (await this.redis
        .multi()
        .incr(SIGN_IN_FAILURES_REDIS_PREFIX + key)
        .pexpire(SIGN_IN_FAILURES_REDIS_PREFIX + key, this.windowMs, 'NX')
        .pttl(SIGN_IN_FAILURES_REDIS_PREFIX + key)
        .exec()) as [[unknown, number], unknown, [unknown, number]];
      return count >= max ? Math.max(1, ttl) : 0;
    } catch (error) {
      this.onError(error);
      return 0;
    }
  }
}

/** One replica's counts (embedded mode, or no Redis configured). */
export class MemoryFailureCounter implements FailureCounter {
  readonly #counts = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  blockedFor(key: string, max: number): Promise<number> {
    const entry = this.#current(key);
    return Promise.resolve(entry && entry.count >= max ? entry.until - this.now() : 0);
  }

  recordFailure(key: string, max: number): Promise<number> {
    const now = this.now();
    let entry = this.#current(key);
    if (!entry) {
      if (this.#counts.size >= 100_000) this.#counts.clear(); // bounded, even under a spray of addresses
      entry = { count: 0, until: now + this.windowMs };
      this.#counts.set(key, entry);
    }
    entry.count++;
    return Promise.resolve(entry.count >= max ? entry.until - now : 0);
  }

  #current(key: string) {
    const entry = this.#counts.get(key);
    if (entry && entry.until <= this.now()) {
      this.#counts.delete(key);
      return undefined;
    }
    return entry;
  }
}

/**
 * The counter for this server: in Redis when `redisUrl` is set (every replica shares the counts),
 * in memory otherwise. `close` ends its Redis connection.
 */
export async function createFailureCounter(
  redisUrl: string | undefined,
  windowMs: number,
  onError: (error: unknown) => void,
): Promise<{ counter: FailureCounter; close(): Promise<void> }> {
  if (!redisUrl) return { counter: new MemoryFailureCounter(windowMs), close: async () => {} };
  // Loaded only when used, like the bus: ioredis costs start-up time and memory.
  const ioredis = await import('ioredis');
  const redis = new ioredis.Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    connectionName: 'switchyard:sign-in-failures',
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), 2_000),
  });
  redis.on('error', () => {}); // a down Redis is reported by the bus; failures just go uncounted
  return {
    counter: new RedisFailureCounter(redis, windowMs, onError),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
