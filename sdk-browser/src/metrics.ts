/**
 * `@switchyard/sdk-browser/metrics`: the events of `track()` (custom metrics, issue 15) for the
 * browser client, a separate module so that pages that do not track events do not pay for it.
 * Wire it in with `createBrowserClient({ …, metrics: browserMetrics() })`. The client itself counts
 * and sends usage (evaluations per flag and variant) and sends this module's events with them. See
 * README.md.
 */
import type { BrowserMetrics, EvaluationDetails, MetricsHook } from './types.js';

export type { BrowserMetrics, MetricsHook } from './types.js';

/** Options of {@link browserMetrics}. */
export interface MetricsOptions {
  /**
   * Most entries (flags, variants, events: each level counts) held between sends; events that
   * would add more are dropped, so memory stays bounded. Default 1 000.
   */
  maxKeys?: number;
}

/**
 * A report in the making: `{ [key]: subtree or stats }`. Without a prototype, so any key is an own
 * property: `__proto__` and `constructor` are valid flag, variant and event keys.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- levels of mixed depth
type Tree = Record<string, any>;
const tree = (): Tree => ({ __proto__: null });

/** Event names the server accepts (`[A-Za-z0-9._:-]`, 1–100 characters); others are ignored. */
const EVENT_NAME = /^[\w.:-]{1,100}$/;

/**
 * Events of `track()`, batched: per (flag, variant, event) the count, sum and sum of squares of the
 * tracked values, for `POST /api/v1/sdk/events`. A page has one user, so an event is attributed to
 * the variant the client last served of each flag it evaluated (its exposures). The client sends
 * them with its usage counts (every `usage.flushIntervalMs`, when the page is hidden or left, and
 * when it closes), even with `usage: false`. At most `maxKeys` entries (flags, variants, events:
 * each level counts) are held between sends; what would add more is dropped. One
 * `browserMetrics()` may serve several clients: each gets its own events.
 *
 * @example
 * import { createBrowserClient } from '@switchyard/sdk-browser';
 * import { browserMetrics } from '@switchyard/sdk-browser/metrics';
 * const client = createBrowserClient({ url, clientKey, metrics: browserMetrics() });
 * client.track('purchase', undefined, 42);
 */
export function browserMetrics({ maxKeys = 1e3 }: MetricsOptions = {}): BrowserMetrics {
  return () => {
    /** Flag key → the variant last served ("" = the default): what `track` attributes events to. */
    const served = tree();
    let events = tree();
    let keys = 0;
    /** `parent[key]`, made by `make` when missing and the cap allows; `undefined` when dropped. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const at = (parent: Tree | undefined, key: string, make: () => any) =>
      parent && (key in parent ? parent[key] : keys++ < maxKeys ? (parent[key] = make()) : undefined);

    /** A tracked event: added to the variant last served of every flag evaluated. */
    const track = (event: string, value: number = 1) => {
      // A number (a JavaScript caller may pass a string) whose square is finite: sums stay finite numbers.
      value = +value;
      if (typeof event == 'string' && EVENT_NAME.test(event) && isFinite(value * value)) {
        for (const flagKey in served) {
          const stats = at(at(at(events, flagKey, tree), served[flagKey], tree), event, () => ({
            count: 0,
            sum: 0,
            sumSquares: 0,
          }));
          if (stats) {
            stats.count++;
            stats.sum += value;
            stats.sumSquares += value * value;
          }
        }
      }
    };

    return ((key?: string, what?: EvaluationDetails<unknown> | number, tracked?: 1) => {
      if (tracked) return track(key!, what as number | undefined);
      if (key === undefined) {
        // A send: the events held, if any, and a new batch.
        const report = events;
        events = tree();
        keys = 0;
        return Object.keys(report)[0] ? report : undefined;
      }
      // An evaluation of a flag of the snapshot (an unknown key is not a flag): the flag's exposure.
      const { variant = '', errorCode } = what as EvaluationDetails<unknown>;
      if (errorCode != 'FLAG_NOT_FOUND') served[key] = variant;
    }) as MetricsHook;
  };
}
