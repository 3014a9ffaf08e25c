import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Counts one call of `key` on `limiter`: undefined when allowed, else the whole seconds to wait
 * (at least 1). Anything but a refusal (both stores failing) lets the call through: a limit that
 * cannot count must not lock everyone out.
 */
export async function consumeOrWait(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
    return undefined;
  }
}
