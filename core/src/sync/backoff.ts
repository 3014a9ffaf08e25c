/** Bounds of a retry delay, in milliseconds. */
export interface BackoffOptions {
  /** Ceiling of the first retry's delay. */
  minMs: number;
  /** Ceiling no retry's delay exceeds, however many attempts failed. */
  maxMs: number;
}

/**
 * The reconnect backoff of both SDKs by default (spec/sdk-protocol.md, "Retries and failure"): the first retry
 * within 250 ms, and none more than 1.5 s after the previous failure however long the server has
 * been down, so a client is back within about 2 s of a replica's restart. Full jitter over 1.5 s
 * still spreads a fleet's reconnects out; a server under load sheds them with 503s, which move
 * clients on to another replica.
 */
export const RECONNECT_BACKOFF: Readonly<BackoffOptions> = { minMs: 250, maxMs: 1_500 };

/**
 * Delay before retry number `attempt` (0 = first retry): exponential backoff with full jitter,
 * uniformly random in `[0, min(maxMs, minMs * 2^attempt))`. Full jitter spreads reconnecting clients
 * out after a server restart instead of having them all come back in lockstep.
 * `random` is injectable so tests can pin it.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.minMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Counts consecutive failures and hands out the next {@link backoffDelay}; `reset()` after a success. */
export class Backoff {
  #attempt = 0;
  readonly #options: BackoffOptions;
  readonly #random: () => number;

  constructor(options: BackoffOptions, random: () => number = Math.random) {
    this.#options = options;
    this.#random = random;
  }

  /** The delay to wait before the next retry; each call counts one more failure. */
  next(): number {
    return backoffDelay(this.#attempt++, this.#options, this.#random);
  }

  /** Forgets past failures: the next delay is drawn from the smallest window again. */
  reset(): void {
    this.#attempt = 0;
  }

  /** Failures counted since the last reset. */
  get failures(): number {
    return this.#attempt;
  }
}
