import { postJson, ServerResponseError, type HttpSettings } from './http.js';
import type { Logger } from './logger.js';
import type { UsageCounter } from './usage-counter.js';

/**
 * Sends the {@link UsageCounter}'s counts to `POST /api/v1/sdk/metrics` every `flushIntervalMs`
 * and once more on close. A report the server did not take is put back and retried with the next.
 */
export class UsageReporter {
  readonly #counter: UsageCounter;
  readonly #settings: HttpSettings;
  readonly #log: Required<Logger>;
  readonly #timer: ReturnType<typeof setInterval>;
  #sending: Promise<void> | undefined;
  #lastDropped = 0;
  #stopped = false;

  constructor(counter: UsageCounter, settings: HttpSettings, flushIntervalMs: number, log: Required<Logger>) {
    this.#counter = counter;
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
    const dropped = this.#counter.dropped;
    if (dropped > this.#lastDropped) {
      this.#log.warn(`switchyard: usage metrics dropped ${dropped - this.#lastDropped} evaluations (key cap reached)`);
      this.#lastDropped = dropped;
    }
    const report = this.#counter.take();
    if (!report) return;
    try {
      await postJson(this.#settings, 'metrics', report);
    } catch (error) {
      // A 4xx will not get better by retrying the same report; anything else might, and a 429 (or a
      // report held back by a Retry-After) asks for exactly that.
      const rejected =
        error instanceof ServerResponseError &&
        error.status !== undefined &&
        error.status < 500 &&
        error.status !== 429;
      if (!rejected) this.#counter.restore(report);
      this.#log.warn(`switchyard: could not send usage metrics (${error instanceof Error ? error.message : error})`);
    }
  }
}
