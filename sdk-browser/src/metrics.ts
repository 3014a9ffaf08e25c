/**
 * `@switchyard/sdk-browser/metrics`: usage metrics and `track()` events for the browser client, a
 * separate module so that the client's own bundle stays within its 5 kB budget. Wire it in with
 * `createBrowserClient({ …, metrics: browserMetrics() })`. See README.md.
 */
import type { BrowserMetrics, EvaluationDetails, MetricsHook } from './types.js';

export type { BrowserMetrics, MetricsHook } from './types.js';

/** Options of {@link browserMetrics}. */
export interface MetricsOptions {
  /**
   * Send period, in ms. Default 60 000. The page also sends when it is hidden (`visibilitychange`
   * to hidden, `pagehide`), and the client's `close()` sends what is left.
   */
  flushIntervalMs?: number;
  /**
   * Most entries (flags, variants, events: each level counts) held between sends; evaluations and
   * events that would add more are dropped, so memory stays bounded. Default 1 000.
   */
  maxKeys?: number;
}

/**
 * A report in the making: `{ [key]: subtree or count }`. Without a prototype, so any key is an own
 * property: `__proto__` and `constructor` are valid flag, variant and event keys.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- levels of mixed depth
type Tree = Record<string, any>;
const tree = (): Tree => ({ __proto__: null });

/** Event names the server accepts (`[A-Za-z0-9._:-]`, 1–100 characters); others are ignored. */
const EVENT_NAME = /^[\w.:-]{1,100}$/;

/**
 * Usage metrics and tracked events of a browser client, batched: evaluation counts per (flag,
 * variant) for `POST /api/v1/sdk/metrics`, and per (flag, variant, event) the count, sum and sum
 * of squares of `track()`ed values for `POST /api/v1/sdk/events`. A page has one user, so an event
 * is attributed to the variant the client last served of each flag it evaluated (its exposures).
 *
 * Sent every `flushIntervalMs`, when the page is hidden or left, and when the client closes; with
 * `fetch` `keepalive`, so a report sent as the page goes away still leaves. At most `maxKeys`
 * entries (flags, variants, events: each level counts) are held between sends; what would add more
 * is dropped, so memory stays bounded whatever the page does. One `browserMetrics()` may serve
 * several clients: each gets its own counts.
 *
 * @example
 * import { createBrowserClient } from '@switchyard/sdk-browser';
 * import { browserMetrics } from '@switchyard/sdk-browser/metrics';
 * const client = createBrowserClient({ url, clientKey, metrics: browserMetrics() });
 * client.track('purchase', undefined, 42);
 */
export function browserMetrics({ flushIntervalMs = 6e4, maxKeys = 1e3 }: MetricsOptions = {}): BrowserMetrics {
  return (endpoints, options) => {
    /** Flag key → the variant last served ("" = the default): what `track` attributes events to. */
    const served = tree();
    const doc = globalThis.document as Document | undefined;
    let start = new Date();
    let flags = tree();
    let events = tree();
    let keys = 0;
    /** Until the client closes, or the server refuses the key: nothing is sent after. */
    let live = true;
    /** `parent[key]`, made by `make` when missing and the cap allows; `undefined` when dropped. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const at = (parent: Tree | undefined, key: string, make: () => any) =>
      parent && (key in parent ? parent[key] : keys++ < maxKeys ? (parent[key] = make()) : undefined);
    /**
     * Posts a report to the server in use, in the background: never throws nor rejects (a report
     * that fails is dropped: usage is statistics, not worth a retry queue). `keepalive` lets it
     * outlive the page, with the key in `Authorization` as every fetch of the client sends it;
     * browsers refuse keepalive bodies over 64 KiB (in flight together), so a larger one goes without.
     * A refused key (401/403) stops the module: no retry can help.
     */
    const post = async (path: string, report: object) => {
      try {
        const body = JSON.stringify(report);
        // Looked up here, in the `try`: a page without `fetch` loses its reports, not its client.
        const response = await (options.fetch ?? fetch)(endpoints[0] + path, {
          method: 'POST',
          keepalive: body.length < 6e4,
          headers: { Authorization: 'Bearer ' + options.clientKey, 'Content-Type': 'application/json' },
          body,
        });
        if (response.status == 401 || response.status == 403) stop();
      } catch {
        // Offline, too large: dropped.
      }
    };
    /** Sends what was counted (nothing when there is nothing) and starts a new window. */
    const flush = () => {
      if (!live) return;
      // Dates become ISO strings in JSON. The next window starts where this one ends.
      const window = { start, end: (start = new Date()) };
      if (Object.keys(flags)[0]) void post('metrics', { ...window, flags });
      if (Object.keys(events)[0]) void post('events', { ...window, events });
      flags = tree();
      events = tree();
      keys = 0;
    };
    /** Stops for good: no timer, no listener, nothing sent (what is counted after stays bounded by `maxKeys`). */
    const stop = () => {
      live = false;
      clearInterval(timer);
      doc?.removeEventListener('visibilitychange', onVisibility);
      globalThis.removeEventListener?.('pagehide', flush);
    };
    // The page is hidden, or being left: maybe the last moment it runs (a phone may discard a
    // hidden page without another event). `pagehide` goes to the window (none outside browsers).
    const onVisibility = () => void (doc!.visibilityState == 'hidden' && flush());
    doc?.addEventListener('visibilitychange', onVisibility);
    globalThis.addEventListener?.('pagehide', flush);
    const timer = setInterval(flush, flushIntervalMs);

    /** An evaluation: counted for the flag and variant served ("" = the default). */
    const evaluated = (flagKey: string, { variant = '', errorCode }: EvaluationDetails<unknown>) => {
      // The flags of the snapshot only: an unknown key is not a flag.
      if (errorCode == 'FLAG_NOT_FOUND') return;
      served[flagKey] = variant;
      const variants = at(flags, flagKey, tree);
      if (at(variants, variant, () => 0) != null) variants[variant]++;
    };
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
      if (tracked) track(key!, what as number | undefined);
      else if (key === undefined) {
        flush();
        stop();
      } else evaluated(key, what as EvaluationDetails<unknown>);
    }) as MetricsHook;
  };
}
