import type { EvaluationContext } from '@switchyard/core';

/**
 * The key that identifies a context between evaluating flags for it and tracking its events: its
 * `userId`, else its `sessionId` (the attributes that drive percentage rollouts unless a flag says
 * otherwise; OpenFeature's `targetingKey` arrives as `userId`). Numbers and booleans count as their
 * string, like core's hashing unit. `undefined` when the context has neither.
 */
export function contextKeyOf(context: EvaluationContext): string | undefined {
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
 * event to. Bounded: at most `maxContexts` contexts (least recently evaluated ones are forgotten
 * first) × `maxFlagsPerContext` flags each (the oldest served flag of a context is forgotten
 * first), so memory stays bounded whatever the traffic (defaults 10,000 × 50: at most 500,000
 * entries, in practice a few MB).
 */
export class ExposureTable {
  readonly #maxContexts: number;
  readonly #maxFlags: number;
  /** Map order is recency order: the last key is the context evaluated most recently. */
  readonly #contexts = new Map<string, Map<string, string>>();
  /** The most recently used context key, so repeated evaluations for one context skip reordering. */
  #newest: string | undefined;

  constructor(maxContexts: number, maxFlagsPerContext: number) {
    this.#maxContexts = Math.max(1, maxContexts);
    this.#maxFlags = Math.max(1, maxFlagsPerContext);
  }

  /** `flagKey` served `variant` to the context `contextKey`. */
  record(contextKey: string, flagKey: string, variant: string): void {
    let flags = this.#contexts.get(contextKey);
    if (flags === undefined) {
      if (this.#contexts.size >= this.#maxContexts) {
        const oldest = this.#contexts.keys().next().value!;
        this.#contexts.delete(oldest);
      }
      flags = new Map();
      this.#contexts.set(contextKey, flags);
      this.#newest = contextKey;
    } else if (this.#newest !== contextKey) {
      this.#contexts.delete(contextKey);
      this.#contexts.set(contextKey, flags);
      this.#newest = contextKey;
    }
    const current = flags.get(flagKey);
    if (current === variant) return;
    if (current === undefined && flags.size >= this.#maxFlags) flags.delete(flags.keys().next().value!);
    else if (current !== undefined) flags.delete(flagKey); // re-served: now the newest flag of the context
    flags.set(flagKey, variant);
  }

  /** The (flag → variant) this SDK last served `contextKey`, or `undefined` when it served it nothing. */
  served(contextKey: string): ReadonlyMap<string, string> | undefined {
    return this.#contexts.get(contextKey);
  }

  /** Contexts held. */
  get size(): number {
    return this.#contexts.size;
  }
}
