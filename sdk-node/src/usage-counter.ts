/** Variant key under which evaluations that returned the caller's default are counted. */
export const DEFAULT_VARIANT_KEY = '';

/** One flush worth of counts, as `POST /api/v1/sdk/metrics` takes it. */
export interface UsageReport {
  start: string;
  end: string;
  flags: Record<string, Record<string, number>>;
}

/**
 * Evaluation counts per flag and variant since the last {@link take}, in memory. Recording a served
 * result is one identity map lookup and an increment, with no allocation once seen. At most
 * `maxKeys` distinct keys (served result objects, or (flag, variant) pairs for errors) are held:
 * evaluations of new keys beyond that are dropped and counted, so memory stays bounded whatever
 * the traffic.
 */
export class UsageCounter {
  readonly #maxKeys: number;
  #flags = new Map<string, Map<string, number>>();
  /**
   * Counts of served results, keyed by the result object itself. Core returns one shared, frozen
   * result object per flag, variant and reason of a compiled snapshot, so this is one identity-hash
   * lookup and an increment per evaluation: the hot path. Folded into `#flags` by {@link take}.
   */
  #served = new Map<object, { flagKey: string; variant: string; count: number }>();
  #keys = 0;
  #startedAt = Date.now();
  /** Evaluations not counted because the key cap was reached (since creation). */
  dropped = 0;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  /** Counts one evaluation of `flagKey` that served `variant` (`undefined` = the caller's default). */
  record(flagKey: string, variant: string | undefined): void {
    this.add(flagKey, variant ?? DEFAULT_VARIANT_KEY, 1);
  }

  /**
   * Counts one evaluation whose result is `result`. Results carrying a variant are shared objects
   * (see `#served`); error results are fresh objects, so they are counted by key instead.
   */
  recordResult(flagKey: string, result: { readonly variant?: string; readonly reason: string }): void {
    if (result.variant === undefined) return this.add(flagKey, DEFAULT_VARIANT_KEY, 1);
    const counter = this.#served.get(result);
    if (counter !== undefined) {
      counter.count++;
    } else if (this.#keys < this.#maxKeys) {
      this.#keys++;
      this.#served.set(result, { flagKey, variant: result.variant, count: 1 });
    } else {
      this.dropped++;
    }
  }

  /** Adds `count` evaluations of a pair (also used to put back a report that could not be sent). */
  add(flagKey: string, variant: string, count: number): void {
    let variants = this.#flags.get(flagKey);
    if (variants === undefined) {
      if (this.#keys >= this.#maxKeys) {
        this.dropped += count;
        return;
      }
      variants = new Map();
      this.#flags.set(flagKey, variants);
    }
    const current = variants.get(variant);
    if (current !== undefined) {
      variants.set(variant, current + count);
    } else if (this.#keys < this.#maxKeys) {
      this.#keys++;
      variants.set(variant, count);
    } else {
      this.dropped += count;
    }
  }

  /** Distinct (flag, variant) pairs held. */
  get size(): number {
    return this.#keys;
  }

  /** The counts since the last call (undefined when there are none), and a fresh period. */
  take(now = Date.now()): UsageReport | undefined {
    const flags = this.#flags;
    const served = this.#served;
    const start = this.#startedAt;
    this.#flags = new Map();
    this.#served = new Map();
    this.#keys = 0;
    this.#startedAt = now;
    // Pairs were capped as they were counted; several result objects (rules, reasons) may share one.
    for (const { flagKey, variant, count } of served.values()) {
      let variants = flags.get(flagKey);
      if (variants === undefined) flags.set(flagKey, (variants = new Map()));
      variants.set(variant, (variants.get(variant) ?? 0) + count);
    }
    if (flags.size === 0) return undefined;
    const report: UsageReport = { start: new Date(start).toISOString(), end: new Date(now).toISOString(), flags: {} };
    for (const [flagKey, variants] of flags) report.flags[flagKey] = Object.fromEntries(variants);
    return report;
  }

  /** Puts an unsent report's counts back, to go with the next flush (within the cap). */
  restore(report: UsageReport): void {
    const start = Date.parse(report.start);
    if (start < this.#startedAt) this.#startedAt = start;
    for (const [flagKey, variants] of Object.entries(report.flags)) {
      for (const [variant, count] of Object.entries(variants)) this.add(flagKey, variant, count);
    }
  }
}
