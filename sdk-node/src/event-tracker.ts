import type { EvaluationContext } from '@switchyard/core';
import { EVENT_NAME, EventCounter, type EventReport } from './event-counter.js';
import { contextKeyOf, ExposureTable } from './exposures.js';
import type { Logger } from './logger.js';

/**
 * Largest |value| `track()` takes: with a flush's counts far below a billion events, sums stay
 * within what the server accepts (|sum| ≤ 1e18), and squares never overflow.
 */
export const MAX_TRACKED_VALUE = 1e9;
/** Distinct bad event names warned about (then silently dropped), so logging stays bounded too. */
const MAX_WARNED_NAMES = 100;

/** Bounds of {@link EventTracker}'s memory. */
export interface EventTrackerLimits {
  /** Contexts whose served variants are remembered (least recently evaluated forgotten first). */
  maxContexts: number;
  /** Flags remembered per context (the least recently served forgotten first). */
  maxFlagsPerContext: number;
  /** (flag, variant, event) keys held between flushes; further events are dropped and counted. */
  maxKeys: number;
}

/**
 * `track(event, context, value)`: the app's own events (a conversion, an error, a latency),
 * attributed to the variants this SDK last served the same context (see {@link ExposureTable}) and
 * summed per (flag, variant, event) for `POST /api/v1/sdk/events`, where release guards compare a
 * treatment with its control. Bounded memory; never throws.
 */
export class EventTracker {
  readonly exposures: ExposureTable;
  readonly counter: EventCounter;
  readonly #log: Required<Logger>;
  readonly #warned = new Set<string>();
  /** Events of contexts without a key, or that this SDK served no flag: nothing to attribute them to. */
  unattributed = 0;
  /** Events refused: a bad name or value. */
  invalid = 0;

  constructor(limits: EventTrackerLimits, log: Required<Logger>) {
    this.exposures = new ExposureTable(limits.maxContexts, limits.maxFlagsPerContext);
    this.counter = new EventCounter(limits.maxKeys);
    this.#log = log;
  }

  /** The client served `variant` of `flagKey` to `context` (called on every counted evaluation). */
  served(context: EvaluationContext, flagKey: string, variant: string): void {
    try {
      const key = contextKeyOf(context);
      if (key !== undefined) this.exposures.record(key, flagKey, variant);
    } catch {
      // A context that cannot be read (null, a throwing getter): evaluation must not throw for it.
    }
  }

  /** Records one event; see {@link EventTracker}. */
  track(event: string, context: EvaluationContext, value: number): void {
    if (typeof event !== 'string' || !EVENT_NAME.test(event)) {
      this.#refuse(
        `switchyard: track() ignored the event name ${JSON.stringify(String(event)).slice(0, 120)}: ` +
          'names are 1–100 characters of A–Z a–z 0–9 . _ : -',
        String(event),
      );
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_TRACKED_VALUE) {
      this.#refuse(
        `switchyard: track('${event}') ignored the value ${String(value)}: a finite number up to ±1e9 is needed`,
        `${event}\n`,
      );
      return;
    }
    const key = contextKeyOf(context);
    const served = key === undefined ? undefined : this.exposures.served(key);
    if (served === undefined || served.size === 0) {
      this.unattributed++;
      return;
    }
    const sums = { count: 1, sum: value, sumSquares: value * value };
    for (const [flagKey, variant] of served) this.counter.add(flagKey, variant, event, sums);
  }

  /** The sums since the last call, made consistent for the server (see below); a fresh period. */
  take(): EventReport | undefined {
    const report = this.counter.take();
    if (report === undefined) return undefined;
    for (const variants of Object.values(report.events)) {
      for (const events of Object.values(variants)) {
        for (const sums of Object.values(events)) {
          // Rounding may leave Σx² a hair below (Σx)²/n when all values are equal; the server
          // refuses sums that no set of values can have, so lift it to the bound.
          const floor = (sums.sum * sums.sum) / sums.count;
          if (sums.sumSquares < floor) sums.sumSquares = floor;
        }
      }
    }
    return report;
  }

  restore(report: EventReport): void {
    this.counter.restore(report);
  }

  get dropped(): number {
    return this.counter.dropped;
  }

  #refuse(message: string, name: string): void {
    this.invalid++;
    if (this.#warned.has(name) || this.#warned.size >= MAX_WARNED_NAMES) return;
    this.#warned.add(name);
    this.#log.warn(message);
  }
}
