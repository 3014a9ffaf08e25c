import type { MetricsOptions } from './types.js';

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
 * What {@link createUsage} returns (an array: it minifies smaller than an object's members):
 * - `count(flagKey, variant)`: one evaluation of a flag of the snapshot served `variant` ("" = the
 *   caller's default);
 * - `track(event, value)`: one `event` with `value`, for the variant last served of every flag;
 * - `flush()`: sends what was counted (nothing when there is nothing) and starts a new window;
 * - `stop()`: stops the timer; returns `undefined`, for the owner to drop the usage with.
 */
export type Usage = [
  count: (flagKey: string, variant: string) => void,
  track: (event: string, value: number) => void,
  flush: () => void,
  stop: () => undefined,
];

/**
 * Usage metrics and tracked events of a browser client, batched: evaluation counts per (flag,
 * variant) for `POST /api/v1/sdk/metrics`, and per (flag, variant, event) the count, sum and sum
 * of squares of `track()`ed values for `POST /api/v1/sdk/events`. A page has one user, so an event
 * is attributed to the variant this client last served of each flag it evaluated (its exposures).
 *
 * Sent every `flushIntervalMs` and whenever the owner calls `flush` (page hidden, close). At most
 * `maxKeys` entries (flags, variants, events: each level counts) are held between sends; what
 * would add more is dropped, so memory stays bounded whatever the page does. `send` must not throw.
 */
export function createUsage(
  send: (path: string, body: object) => void,
  { flushIntervalMs = 6e4, maxKeys = 1e3 }: MetricsOptions,
): Usage {
  /** Flag key → the variant last served ("" = the default): what `track` attributes events to. */
  const served = tree();
  let start = new Date();
  let flags = tree();
  let events = tree();
  let keys = 0;
  /** `parent[key]`, made by `make` when missing and the cap allows; `undefined` when dropped. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const at = (parent: Tree | undefined, key: string, make: () => any) =>
    parent && (key in parent ? parent[key] : keys++ < maxKeys ? (parent[key] = make()) : undefined);
  const flush = () => {
    // Dates become ISO strings in JSON. The next window starts where this one ends.
    const window = { start, end: (start = new Date()) };
    if (Object.keys(flags)[0]) send('metrics', { ...window, flags });
    if (Object.keys(events)[0]) send('events', { ...window, events });
    flags = tree();
    events = tree();
    keys = 0;
  };
  const timer = setInterval(flush, flushIntervalMs);
  return [
    (flagKey, variant) => {
      served[flagKey] = variant;
      const variants = at(flags, flagKey, tree);
      if (at(variants, variant, () => 0) != null) variants[variant]++;
    },
    (event, value) => {
      // A number (a JavaScript caller may pass a string) whose square is finite: sums stay finite numbers.
      value = +value;
      if (EVENT_NAME.test(event) && isFinite(value * value)) {
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
    },
    flush,
    () => void clearInterval(timer),
  ];
}
