import type { EvaluationContext } from '@switchyard/core';

/**
 * The key that identifies a context between evaluating flags for it and tracking its events: its
 * `userId`, else its `sessionId` (the attributes that drive percentage rollouts unless a flag says
 * otherwise; OpenFeature's `targetingKey` arrives as `userId`). Numbers and booleans count as their
 * string, like core's hashing unit. `undefined` when the context has neither.
 */
export function contextKeyOf(context: EvaluationContext): string | undefined {
  if (context === null || typeof context !== 'object') return undefined;
  return unitValue(context.userId) ?? unitValue(context.sessionId);
}

function unitValue(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value || undefined
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
}

/**
 * Which variant of which flag this SDK last served each context: what `track()` attributes an
 * event to. Bounded: at most `maxContexts` contexts (the least recently evaluated are forgotten
 * first, approximately: a context is moved up only once it is in the older half) × `maxFlagsPerContext` flags each (the oldest served flag of a context is forgotten
 * first), so memory stays bounded whatever the traffic (defaults 10,000 × 50: at most 500,000
 * entries, in practice a few MB).
 */
export class ExposureTable {
  readonly #maxContexts: number;
  readonly #maxFlags: number;
  /**
   * Map order is (approximate) recency order: the first key is the context to forget next. A
   * context is moved to the end only once it has drifted into the older half (see {@link record}),
   * so the usual evaluation costs two map lookups and no reordering.
   */
  readonly #contexts = new Map<string, ContextExposures>();
  /** Insertions so far: a context's `stamp` says when it was last (re)inserted. */
  #clock = 0;

  constructor(maxContexts: number, maxFlagsPerContext: number) {
    this.#maxContexts = Math.max(1, maxContexts);
    this.#maxFlags = Math.max(1, maxFlagsPerContext);
  }

  /** `flagKey` served `variant` to the context `contextKey`. */
  record(contextKey: string, flagKey: string, variant: string): void {
    let entry = this.#contexts.get(contextKey);
    if (entry === undefined) {
      if (this.#contexts.size >= this.#maxContexts) this.#contexts.delete(this.#contexts.keys().next().value!);
      entry = new ContextExposures(++this.#clock);
      this.#contexts.set(contextKey, entry);
    } else if (this.#clock - entry.stamp > this.#maxContexts >> 1) {
      // In the older half: move it to the end, so a context in use is never the next forgotten.
      this.#contexts.delete(contextKey);
      this.#contexts.set(contextKey, entry);
      entry.stamp = ++this.#clock;
    }
    const flags = entry.flags;
    const current = flags.get(flagKey);
    if (current === variant) return;
    if (current === undefined) {
      if (flags.size >= this.#maxFlags) flags.delete(flags.keys().next().value!);
    } else {
      flags.delete(flagKey); // served something else now: the newest flag of the context
    }
    flags.set(flagKey, variant);
  }

  /** The (flag → variant) this SDK last served `contextKey`, or `undefined` when it served it nothing. */
  served(contextKey: string): ReadonlyMap<string, string> | undefined {
    return this.#contexts.get(contextKey)?.flags;
  }

  /** Contexts held. */
  get size(): number {
    return this.#contexts.size;
  }
}

/** One context's served variants, by flag, and when it was last moved to the recent end. */
class ContextExposures {
  readonly flags = new Map<string, string>();
  stamp: number;

  constructor(stamp: number) {
    this.stamp = stamp;
  }
}
