import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { consumeOrWait } from '../../http/limiter-wait.js';

/** Where the counts live in Redis: `<prefix>:address:<ip>` and `<prefix>:trigger:<id>`, expiring with their window. */
export const TRIGGER_LIMIT_REDIS_PREFIX = 'switchyard:trigger-limit';

/**
 * Calls accepted per window. Per trigger: Alertmanager re-sends a group at most every
 * `group_interval` (default 5 min), so 30 a minute is far above any sane sender and stops a leaked
 * URL from flapping a flag. Per address: a bit more than one trigger's worth, so one sender with a
 * few triggers is fine and guessing secrets from one address is slow (every guess counts).
 */
export const TRIGGER_LIMITS = { perTrigger: 30, perAddress: 120, windowSeconds: 60 } as const;

/**
 * The incoming endpoint's two limits, counted in Redis when the server has one (every replica adds
 * to one count), in memory otherwise. When Redis fails, each replica falls back to counting in
 * memory (rate-limiter-flexible's insurance limiter) rather than refusing or letting everything by.
 */
export class TriggerRateLimits {
  readonly #address: RateLimiterAbstract;
  readonly #trigger: RateLimiterAbstract;

  constructor(
    redis: Redis | undefined,
    limits: { perTrigger: number; perAddress: number; windowSeconds: number } = TRIGGER_LIMITS,
  ) {
    const make = (name: string, points: number): RateLimiterAbstract => {
      const options = { keyPrefix: `${TRIGGER_LIMIT_REDIS_PREFIX}:${name}`, points, duration: limits.windowSeconds };
      const memory = new RateLimiterMemory(options);
      return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory }) : memory;
    };
    this.#address = make('address', limits.perAddress);
    this.#trigger = make('trigger', limits.perTrigger);
  }

  /** Counts a call from `address`; the seconds to wait when over the limit, else undefined. */
  consumeAddress(address: string): Promise<number | undefined> {
    return consumeOrWait(this.#address, address);
  }

  /** Counts a call to trigger `id`; the seconds to wait when over the limit, else undefined. */
  consumeTrigger(id: string): Promise<number | undefined> {
    return consumeOrWait(this.#trigger, id);
  }
}
