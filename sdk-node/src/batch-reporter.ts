import { postJson, ServerResponseError, type HttpSettings } from './http.js';
import type { Logger } from './logger.js';

/** What a {@link BatchReporter} sends: counts taken out of memory, and put back when unsent. */
export interface BatchSource<Report> {
  /** The counts since the last call (undefined when there are none). */
  take(): Report | undefined;
  /** Puts an unsent report back, to go with the next. */
  restore(report: Report): void;
  /** How many items were not counted because a cap was reached (since creation). */
  readonly dropped: number;
}

/** Which endpoint a reporter sends to, and how its log lines name what it sends. */
export interface BatchKind {
  path: 'metrics' | 'events';
  /** "usage metrics", "tracked events" */
  what: string;
  /** What a dropped item is: "evaluations", "events" */
  items: string;
}

/**
 * Sends a {@link BatchSource}'s counts (usage counts to `POST /api/v1/sdk/metrics`, tracked events
 * to `POST /api/v1/sdk/events`) every `flushIntervalMs` and once more on close. A report the
 * server did not take is put back and retried with the next. Never throws: failures are logged.
 */
export class BatchReporter<Report> {
  readonly #source: BatchSource<Report>;
  readonly #kind: BatchKind;
  readonly #settings: HttpSettings;
  readonly #log: Required<Logger>;
  readonly #timer: ReturnType<typeof setInterval>;
  #sending: Promise<void> | undefined;
  #lastDropped = 0;
  #stopped = false;

  constructor(
    source: BatchSource<Report>,
    kind: BatchKind,
    settings: HttpSettings,
    flushIntervalMs: number,
    log: Required<Logger>,
  ) {
    this.#source = source;
    this.#kind = kind;
    this.#settings = settings;
    this.#log = log;
    this.#timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.#timer.unref();
  }

  /** Sends what was counted so far (waits for a send in progress first). */
  async flush(): Promise<void> {
    while (this.#sending) await this.#sending;
    this.#sending = this.#send().finally(() => {
      this.#sending = undefined;
    });
    return this.#sending;
  }

  /** Stops the timer and sends the last counts (unless {@link stop}ped). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    if (!this.#stopped) await this.flush();
  }

  /** Stops for good without sending anything more: the server refused the key. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  async #send(): Promise<void> {
    const { path, what, items } = this.#kind;
    const dropped = this.#source.dropped;
    if (dropped > this.#lastDropped) {
      this.#log.warn(`switchyard: ${what} dropped ${dropped - this.#lastDropped} ${items} (key cap reached)`);
      this.#lastDropped = dropped;
    }
    const report = this.#source.take();
    if (!report) return;
    try {
      await postJson(this.#settings, path, report);
    } catch (error) {
      // A 4xx will not get better by retrying the same report; anything else might, and a 429 (or a
      // report held back by a Retry-After) asks for exactly that.
      const rejected =
        error instanceof ServerResponseError &&
        error.status !== undefined &&
        error.status < 500 &&
        error.status !== 429;
      if (!rejected) this.#source.restore(report);
      this.#log.warn(`switchyard: could not send ${what} (${error instanceof Error ? error.message : error})`);
    }
  }
}
