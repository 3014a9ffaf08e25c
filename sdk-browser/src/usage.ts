import type { BrowserClientOptions, EvaluationDetails, MetricsHook, UsageOptions } from './types.js';

/**
 * Counts per flag and variant (`{ [flagKey]: { [variant]: count } }`). Without a prototype, so
 * any key is an own property: `__proto__` and `constructor` are valid flag and variant keys.
 */
type Counts = Record<string, Record<string, number | undefined>>;

/**
 * Usage reporting, built into the client (issue 16): evaluation counts per (flag, variant), sent
 * to `POST /api/v1/sdk/metrics` every `usage.flushIntervalMs`, when the page is hidden or left
 * (`visibilitychange` to hidden, handled by the connection, and `pagehide`) and when the client
 * closes; with the `metrics` module, its `track()` events go to `POST /api/v1/sdk/events` with the
 * same window. Reports are POSTed with `keepalive`, so one sent as the page goes away still leaves
 * (what `navigator.sendBeacon` does, but with the key in `Authorization`: a beacon cannot send
 * headers, and the server takes a key in the URL on the stream only).
 *
 * Counting never throws and never blocks (a report is sent in the background and, when it fails,
 * dropped: usage is statistics, not worth a retry queue), and at most `usage.maxKeys` entries
 * (flags and variants each count) are held between sends. `usage: false` counts nothing.
 *
 * Returns the hook the client reports through (none when there is nothing to report), `flush`
 * (send now) and `stop` (for good).
 */
export function reportUsage(
  request: (path: string, headers: Record<string, string>, init: RequestInit) => Promise<Response>,
  options: BrowserClientOptions,
): [hook: MetricsHook | undefined, flush: () => void, stop: () => void] {
  const { usage, metrics } = options;
  // `usage: false` holds no entry; `true` or no options take the defaults.
  const { flushIntervalMs = 6e4, maxKeys = usage === false ? 0 : 1e3 } = (usage || {}) as UsageOptions;
  const events = metrics?.();
  let counts: Counts = { __proto__: null } as never;
  /** Entries held (flags and variants), plus those dropped once `maxKeys` is reached; reset by a send. */
  let keys = 0;
  let start = new Date();

  /**
   * Posts a report in the background: never throws nor rejects. Browsers refuse keepalive bodies
   * over 64 KiB (in flight together), so a larger one goes without. A refused key (401/403) stops
   * the reports: no retry can help.
   */
  const send = async (path: string, report: object) => {
    try {
      const body = JSON.stringify(report);
      const { status } = await request(
        path,
        { 'Content-Type': 'application/json' },
        { method: 'POST', keepalive: body.length < 6e4, body },
      );
      if ((status | 2) == 403) stop();
    } catch {
      // Offline, no `fetch`, too large: dropped.
    }
  };
  /** Sends what was counted and tracked (nothing when there is nothing) and starts a new window. */
  const flush = () => {
    if (timer) {
      // Dates become ISO strings in JSON. The next window starts where this one ends.
      const window = { start, end: (start = new Date()) };
      const tracked = events?.();
      // (`keys` also counts what the cap dropped.)
      if (Object.keys(counts).length) void send('metrics', { ...window, flags: counts });
      if (tracked) void send('events', { ...window, events: tracked });
      counts = { __proto__: null } as never;
      keys = 0;
    }
  };
  /** Stops for good: no timer, no listener, nothing sent. */
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
    globalThis.removeEventListener?.('pagehide', flush);
  };
  // Nothing to report (`usage: false`, no `metrics` module): no timer, no listener.
  let timer = (maxKeys || events) && setInterval(flush, flushIntervalMs);
  // `pagehide` goes to the window (none outside browsers).
  if (timer) globalThis.addEventListener?.('pagehide', flush);

  const hook = (key?: string, details?: EvaluationDetails<unknown> | number, tracked?: 1) => {
    events?.(key!, details as never, tracked!);
    // An evaluation of a flag of the snapshot (an unknown key is not a flag): counted for the
    // variant served ("" = the default), if the cap allows.
    if (!tracked && (details as EvaluationDetails<unknown>).errorCode != 'FLAG_NOT_FOUND') {
      const { variant = '' } = details as EvaluationDetails<unknown>;
      const variants = counts[key!] ?? (keys++ < maxKeys ? (counts[key!] = { __proto__: null } as never) : undefined);
      // Over the cap, the variant is set to `undefined`, which JSON leaves out.
      if (variants && (variants[variant] ??= keys++ < maxKeys ? 0 : undefined) != null) variants[variant]!++;
    }
  };
  // Nothing to report: no hook either, so evaluations cost nothing more.
  return [(timer && hook) as MetricsHook | undefined, flush, stop];
}
