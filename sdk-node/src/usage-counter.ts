import { findFlag, type CompiledSnapshot, type EvaluationResult, type FlagHandle } from '@switchyard/core';

/** Variant key under which evaluations that returned the caller's default are counted. */
export const DEFAULT_VARIANT_KEY = '';

/** One flush worth of counts, as `POST /api/v1/sdk/metrics` takes it. */
export interface UsageReport {
  start: string;
  end: string;
  flags: Record<string, Record<string, number>>;
}

/** What {@link FlagUsage.result} holds before the flag served anything: no result is this object. */
const NOTHING: EvaluationResult = Object.freeze({ value: null, reason: 'ERROR' });

/** How often one more result of a flag was served (see {@link FlagUsage.more}). */
export class ResultCount {
  readonly result: EvaluationResult | undefined;
  count = 1;
  readonly next: ResultCount | undefined;

  constructor(result: EvaluationResult | undefined, next: ResultCount | undefined) {
    this.result = result;
    this.next = next;
  }
}

/**
 * One flag of the counter's current snapshot, as evaluation uses it: the core handle to evaluate it
 * with, and the results it served with how often. Core returns one shared, frozen result object per
 * flag, variant and reason of a compiled snapshot, so a flag serves a handful of them: the first
 * is counted in place, the others in a short list. `undefined` stands for the caller's default.
 */
export class FlagUsage {
  readonly key: string;
  /** The snapshot the flag is of, and the flag's core handle in it. */
  readonly compiled: CompiledSnapshot;
  readonly handle: FlagHandle;
  /** The first result served since the last fold, and how often it was. */
  result: EvaluationResult | undefined = NOTHING;
  count = 0;
  /** The other results served. */
  more: ResultCount | undefined = undefined;

  constructor(key: string, compiled: CompiledSnapshot, handle: FlagHandle) {
    this.key = key;
    this.compiled = compiled;
    this.handle = handle;
  }
}

/**
 * Evaluation counts per flag and variant since the last {@link take}, in memory, and the table the
 * client looks flags up in when metrics are on: one map lookup per evaluation finds both the flag
 * and its counters. Counting a served result is then an identity scan of a few slots and an
 * increment, with no allocation once seen. At most `maxKeys` keys (result slots, or (flag, variant)
 * pairs) are held: evaluations of new keys beyond that are dropped and counted, so memory stays
 * bounded whatever the traffic.
 */
export class UsageCounter {
  readonly #maxKeys: number;
  #compiled: CompiledSnapshot | undefined;
  /**
   * Flags of the current snapshot evaluated since the last fold, by key (unknown keys are not
   * counted). The client reads it on every evaluation, so it is one map for the counter's lifetime.
   */
  readonly flags: Map<string, FlagUsage>;
  /** Counts folded out of {@link flags} (at {@link take}, on a new snapshot) or {@link add}ed. */
  #pairs = new Map<string, Map<string, number>>();
  #keys = 0;
  #startedAt = Date.now();
  /** Evaluations not counted because the key cap was reached (since creation). */
  dropped = 0;

  /** `flags`: the map to keep {@link flags} in (the client holds it in a field of its own). */
  constructor(maxKeys: number, flags = new Map<string, FlagUsage>()) {
    this.#maxKeys = maxKeys;
    this.flags = flags;
  }

  /**
   * Moves to another compiled snapshot (the client calls this whenever its snapshot changes): its
   * flags get new handles and result objects, so what was counted so far is kept as pairs.
   * `replaced`: when only these flags got new handles (an incrementally applied patch: the others
   * keep theirs, see core's `replacedFlagKeys`), only they are folded, so a patch costs what it
   * touched rather than the number of flags in use.
   */
  bind(compiled: CompiledSnapshot | undefined, replaced?: readonly string[]): void {
    if (compiled === this.#compiled) return;
    if (replaced) for (const key of replaced) this.#foldFlag(key);
    else this.#fold();
    this.#compiled = compiled;
  }

  /**
   * The flag `flagKey` of the current snapshot, or `undefined` when there is none (not counted).
   * Evaluation reads {@link flags} first and calls this for a flag it does not hold yet.
   */
  flag(flagKey: string): FlagUsage | undefined {
    return this.flags.get(flagKey) ?? this.#track(flagKey);
  }

  /** Counts one evaluation of `usage`'s flag that served `result` (`undefined`: the caller's default). */
  count(usage: FlagUsage, result: EvaluationResult | undefined): void {
    if (usage.result === result) usage.count++;
    else this.#countMore(usage, result);
  }

  /** Adds `count` evaluations of a pair (also used to put back a report that could not be sent). */
  add(flagKey: string, variant: string, count: number): void {
    let variants = this.#pairs.get(flagKey);
    if (variants === undefined) {
      if (this.#keys >= this.#maxKeys) {
        this.dropped += count;
        return;
      }
      variants = new Map();
      this.#pairs.set(flagKey, variants);
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

  /** Distinct keys held (result slots and pairs). */
  get size(): number {
    return this.#keys;
  }

  /** The counts since the last call (undefined when there are none), and a fresh period. */
  take(now = Date.now()): UsageReport | undefined {
    this.#fold();
    const pairs = this.#pairs;
    const start = this.#startedAt;
    this.#pairs = new Map();
    this.#keys = 0;
    this.#startedAt = now;
    if (pairs.size === 0) return undefined;
    const report: UsageReport = { start: new Date(start).toISOString(), end: new Date(now).toISOString(), flags: {} };
    for (const [flagKey, variants] of pairs) report.flags[flagKey] = Object.fromEntries(variants);
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

  /** {@link count} for a result other than the flag's first (kept apart: `count` is inlined). */
  #countMore(usage: FlagUsage, result: EvaluationResult | undefined): void {
    for (let counted = usage.more; counted !== undefined; counted = counted.next) {
      if (counted.result === result) {
        counted.count++;
        return;
      }
    }
    if (this.#keys >= this.#maxKeys) {
      this.dropped++;
    } else if (usage.result === NOTHING) {
      this.#keys++;
      usage.result = result;
      usage.count = 1;
    } else {
      this.#keys++;
      usage.more = new ResultCount(result, usage.more);
    }
  }

  #track(flagKey: string): FlagUsage | undefined {
    const compiled = this.#compiled;
    const handle = compiled && findFlag(compiled, flagKey);
    if (handle === undefined) return undefined;
    const usage = new FlagUsage(flagKey, compiled!, handle);
    this.flags.set(flagKey, usage);
    return usage;
  }

  /** Folds the flags' result counts into pairs (several results, e.g. per rule, may share a variant). */
  #fold(): void {
    if (this.flags.size === 0) return;
    for (const usage of this.flags.values()) this.#foldCounts(usage);
    this.flags.clear();
    // Results were capped as they were counted; merged into pairs, they may now be fewer keys.
    this.#keys = 0;
    for (const variants of this.#pairs.values()) this.#keys += variants.size;
  }

  /** {@link #fold} for one flag; keeps {@link size} exact (its slots out, new pairs in). */
  #foldFlag(flagKey: string): void {
    const usage = this.flags.get(flagKey);
    if (usage === undefined) return;
    this.flags.delete(flagKey);
    const pairsBefore = this.#pairs.get(flagKey)?.size ?? 0;
    let slots = usage.result === NOTHING ? 0 : 1;
    for (let counted = usage.more; counted !== undefined; counted = counted.next) slots++;
    this.#foldCounts(usage);
    this.#keys += (this.#pairs.get(flagKey)?.size ?? 0) - pairsBefore - slots;
  }

  /** Adds one flag's result counts to the pairs. */
  #foldCounts(usage: FlagUsage): void {
    const add = (result: EvaluationResult | undefined, count: number) => {
      let variants = this.#pairs.get(usage.key);
      if (variants === undefined) this.#pairs.set(usage.key, (variants = new Map()));
      const variant = result?.variant ?? DEFAULT_VARIANT_KEY;
      variants.set(variant, (variants.get(variant) ?? 0) + count);
    };
    if (usage.result !== NOTHING) add(usage.result, usage.count);
    for (let counted = usage.more; counted !== undefined; counted = counted.next) add(counted.result, counted.count);
  }
}
