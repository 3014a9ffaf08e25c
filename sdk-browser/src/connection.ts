import type { SnapshotStore } from '@switchyard/core/sync';
import type { BrowserClientOptions, EventSourceLike, MetricsHook } from './types.js';
import { afterOperators } from './operators.js';
import { reportUsage } from './usage.js';

/** An error of this SDK: the message says it comes from Switchyard. */
export const problem = (message: string): Error => new Error('Switchyard: ' + message);

/** What the connection reports to its owner (members end in `_`: internal, mangled by the build). */
export interface ConnectionHooks {
  /** The store is in sync with the server (it may or may not have just changed). */
  synced_(): void;
  /**
   * The stream broke, a fetch failed, or the server sent garbage. `conclusive` is false when a
   * snapshot fetch is about to follow (a stream failure), true when that fetch failed too.
   * `fatal`: the server refused the key (401/403); the owner must close the connection.
   */
  failed_(error: Error, conclusive: boolean, fatal?: boolean): void;
}

/**
 * Keeps a {@link SnapshotStore} in sync with the servers at `urls` (base URLs; every
 * failure moves on to the next, round robin): an EventSource
 * on `/api/v1/sdk/stream`, reconnecting with backoff and resuming from the last revision; while the
 * stream is down, a fetch of `/api/v1/sdk/snapshot` before each attempt (so a stream that keeps
 * failing still gets updates, at the pace of the backoff); without streaming, a poll every
 * `pollIntervalMs`; and a pause while the page is hidden for long. Also the usage reports (see
 * usage.ts: they post to the server in use, and are sent when the page is hidden). Returns the
 * function that closes it all (sending the reports left) and the usage hook.
 *
 * EventSource cannot send headers, so the stream gets the client key as `?key=` (the one endpoint
 * that accepts it) and the last revision as `?lastEventId=`; fetches send `Authorization`. We close the EventSource on every error and reconnect ourselves (the browser's
 * own retry would resend `Last-Event-ID`, but gives up for good on an HTTP error and ignores backoff).
 * EventSource does not tell the HTTP status either: the snapshot fetch after each stream failure
 * does, and a 401/403 there is reported as fatal.
 */
export function connect(
  store: SnapshotStore,
  urls: string[],
  options: BrowserClientOptions,
  { synced_, failed_ }: ConnectionHooks,
): [close: () => void, usage: MetricsHook | undefined] {
  const Source = options.streaming !== false && (options.EventSource ?? globalThis.EventSource);
  const doc = globalThis.document as Document | undefined;
  let failures = 0; // consecutive stream failures, for the backoff
  let source: EventSourceLike | undefined;
  /** The next stream attempt (or, without streaming, the next poll). */
  let timer: ReturnType<typeof setTimeout> | undefined;
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  /** Hidden for long, or closed: no stream and no retries. */
  let paused = false;
  /** A snapshot fetch is in flight; fetches do not stack up behind a slow server. */
  let fetching = false;

  /**
   * The SDK endpoints' base on each server; the one in use is the first. Built now, so that a
   * missing `url` throws (a TypeError) from `createBrowserClient` rather than later.
   */
  const endpoints = urls.map((url) => url.replace(/\/*$/, '/api/v1/sdk/'));
  /** A failure: the next attempt goes to the next server (the list rotates). */
  const moveOn = () => endpoints.push(endpoints.shift()!);
  /**
   * A request to the server in use, with the key in `Authorization` (one place for the snapshot
   * fetch and the usage reports: the bundle is smaller). `headers` may be `false` (none more).
   */
  const request = (path: string, headers: false | Record<string, string>, init?: RequestInit): Promise<Response> =>
    (options.fetch ?? fetch)(endpoints[0] + path, {
      ...init,
      headers: { Authorization: 'Bearer ' + options.clientKey, ...headers },
    });
  const [usage, flush, stopUsage] = reportUsage(request, options);

  /**
   * Applies a `put` (a whole snapshot: from the stream or a fetch, the server's truth even if older)
   * or a `patch` payload. Garbage fails the stream (or, without one, the fetch); a gap refetches.
   */
  const receive = (type: string, text: string): void =>
    // After the rare operators' module when the update uses them (or it is loading): see operators.ts.
    afterOperators(text, () => apply(type, text));
  const apply = (type: string, text: string): void => {
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      // Not JSON: the store reports it invalid.
    }
    const status = type == 'put' ? store.applyPut(payload, { allowOlder: true }) : store.applyPatch(payload);
    if (status == 'gap') void refresh();
    else if (status != 'invalid') synced_();
    else if (source) streamFailed(problem('invalid payload'));
    else failed_(problem('invalid payload'), true);
  };

  /**
   * Fetches the full snapshot (conditional on the revision held); failures go to `failed_`. The
   * server marks snapshots `no-cache`, and a request with `If-None-Match` bypasses the HTTP cache.
   */
  const refresh = async (): Promise<void> => {
    if (fetching) return;
    fetching = true;
    const revision = store.compiled?.revision;
    const url = endpoints[0] + 'snapshot';
    try {
      // (Revisions are integers from 0: `>= 0` is "defined", shorter in the bundle.)
      const response = await request('snapshot', revision! >= 0 && { 'If-None-Match': `"${revision}"` });
      // A fetch that completes after close() still updates the store: harmless, and no new request follows.
      if (response.status == 304) return synced_();
      // The status is thrown as is: the catch below names it (`…/snapshot: 401`).
      if (!response.ok) throw response.status;
      receive('put', await response.text());
    } catch (error) {
      // A network error (`…/snapshot: TypeError: Failed to fetch`), or the HTTP status of an answer.
      moveOn();
      // `(status | 2) == 403` holds for 401 and 403 only (and never for an Error): a refused key,
      // for the reports too: they stop before the owner closes (closing sends what is left).
      const fatal = ((error as number) | 2) == 403;
      if (fatal) stopUsage();
      failed_(problem(url + ': ' + error), true, fatal);
    } finally {
      fetching = false;
    }
  };

  /** Fetches the snapshot now and opens the stream (or polls again) after `delay` ms. */
  const fetchThenOpenIn = (delay: number): void => {
    void refresh();
    timer = setTimeout(open, delay);
  };

  /** Closes the stream (a closed EventSource dispatches nothing more) and cancels the next attempt. */
  const disconnect = (): void => {
    source?.close();
    source = undefined;
    clearTimeout(timer);
  };

  const streamFailed = (error: Error): void => {
    disconnect();
    moveOn();
    failed_(error, false);
    // Exponential backoff with full jitter, by default core's RECONNECT_BACKOFF (250 ms – 1.5 s),
    // inlined for size.
    if (!paused) {
      fetchThenOpenIn(
        Math.random() * Math.min(options.reconnectMaxMs ?? 1_500, (options.reconnectMinMs ?? 250) * 2 ** failures++),
      );
    }
  };

  const open = (): void => {
    if (!Source) return fetchThenOpenIn(options.pollIntervalMs ?? 30_000);
    const revision = store.compiled?.revision;
    const stream = (source = new Source(
      // Client keys are `sy_client_` + base64url: nothing in them needs escaping in a URL.
      `${endpoints[0]}stream?key=${options.clientKey}` + (revision! >= 0 ? `&lastEventId=${revision}` : ''),
    ));
    stream.onopen = () => {
      failures = 0;
      // Already up to date: the server sends nothing, so the open itself says we are in sync.
      if ((store.compiled?.revision as number) >= 0) synced_();
    };
    stream.onerror = () => streamFailed(problem('stream lost'));
    for (const type of ['put', 'patch']) stream.addEventListener(type, (event) => receive(type, event.data));
  };

  const onVisibility = (): void => {
    clearTimeout(hiddenTimer);
    if (doc!.visibilityState == 'hidden') {
      // Maybe the last moment the page runs (a phone may discard a hidden page without another event).
      flush();
      hiddenTimer = setTimeout(() => {
        paused = true;
        disconnect();
      }, options.hiddenPauseMs ?? 300_000);
    } else if (paused) {
      paused = false;
      open();
    }
  };

  doc?.addEventListener('visibilitychange', onVisibility);
  open();
  return [
    () => {
      paused = true;
      disconnect();
      doc?.removeEventListener('visibilitychange', onVisibility);
      clearTimeout(hiddenTimer);
      // Sends what is left, then no more (a no-op once the key was refused).
      flush();
      stopUsage();
    },
    usage,
  ];
}
