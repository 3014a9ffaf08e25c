/** Sums of one (flag, variant, event): how many events, the sum of their values and of the squares. */
export interface EventSums {
  count: number;
  sum: number;
  sumSquares: number;
}

/** One flush worth of tracked events, as `POST /api/v1/sdk/events` takes it. */
export interface EventReport {
  start: string;
  end: string;
  events: Record<string, Record<string, Record<string, EventSums>>>;
}

/** Event names the server accepts: 1–100 characters of A–Z a–z 0–9 . _ : - */
export const EVENT_NAME = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Tracked events summed per (flag, variant, event name) since the last {@link take}. At most
 * `maxKeys` such keys are held: events of new keys beyond that are dropped and counted in
 * {@link dropped}, so memory stays bounded whatever the traffic.
 */
export class EventCounter {
  readonly #maxKeys: number;
  /** flag → variant → event → sums */
  #sums = new Map<string, Map<string, Map<string, EventSums>>>();
  #keys = 0;
  #startedAt = Date.now();
  /** Events not counted because the key cap was reached (since creation). */
  dropped = 0;

  constructor(maxKeys: number) {
    this.#maxKeys = maxKeys;
  }

  /** Adds `count` events with these sums to (flag, variant, event). */
  add(flagKey: string, variant: string, event: string, sums: EventSums): void {
    let variants = this.#sums.get(flagKey);
    let events = variants?.get(variant);
    const held = events?.get(event);
    if (held !== undefined) {
      held.count += sums.count;
      held.sum += sums.sum;
      held.sumSquares += sums.sumSquares;
      return;
    }
    if (this.#keys >= this.#maxKeys) {
      this.dropped += sums.count;
      return;
    }
    if (variants === undefined) this.#sums.set(flagKey, (variants = new Map()));
    if (events === undefined) variants.set(variant, (events = new Map()));
    events.set(event, { ...sums });
    this.#keys++;
  }

  /** Distinct (flag, variant, event) keys held. */
  get size(): number {
    return this.#keys;
  }

  /** The sums since the last call (undefined when there are none), and a fresh period. */
  take(now = Date.now()): EventReport | undefined {
    const sums = this.#sums;
    const start = this.#startedAt;
    this.#sums = new Map();
    this.#keys = 0;
    this.#startedAt = now;
    if (sums.size === 0) return undefined;
    const report: EventReport = { start: new Date(start).toISOString(), end: new Date(now).toISOString(), events: {} };
    for (const [flagKey, variants] of sums) {
      const byVariant: Record<string, Record<string, EventSums>> = {};
      for (const [variant, events] of variants) byVariant[variant] = Object.fromEntries(events);
      report.events[flagKey] = byVariant;
    }
    return report;
  }

  /** Puts an unsent report's sums back, to go with the next flush (within the cap). */
  restore(report: EventReport): void {
    const start = Date.parse(report.start);
    if (start < this.#startedAt) this.#startedAt = start;
    for (const [flagKey, variants] of Object.entries(report.events)) {
      for (const [variant, events] of Object.entries(variants)) {
        for (const [event, sums] of Object.entries(events)) this.add(flagKey, variant, event, sums);
      }
    }
  }
}
