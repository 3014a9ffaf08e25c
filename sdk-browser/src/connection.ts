import { Backoff, type ApplyResult, type SnapshotStore } from '@switchyard/core/sync';
import type { EventSourceLike } from './types.js';

/** What the connection needs from its owner. */
export interface ConnectionHooks {
  /** The store is in sync with the server; `changedFlags` lists what the last update changed. */
  synced(changedFlags: string[]): void;
  /**
   * The stream broke, a fetch failed, or the server sent garbage. `conclusive` is false when a
   * snapshot fetch is about to follow (a stream failure), true when that fetch failed too.
   */
  failed(error: Error, conclusive: boolean): void;
}

/** Settings of a {@link Connection}, already defaulted. */
export interface ConnectionSettings {
  url: string;
  clientKey: string;
  streaming: boolean;
  pollIntervalMs: number;
  hiddenPauseMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  fetch: typeof fetch | undefined;
  EventSource: (new (url: string) => EventSourceLike) | undefined;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Keeps a {@link SnapshotStore} in sync with the server: an EventSource on `/api/v1/sdk/stream`
 * (reconnecting with backoff and resuming from the last revision), polling `/api/v1/sdk/snapshot`
 * while the stream is down or unavailable, and a pause while the page is hidden for long.
 *
 * EventSource cannot send headers, so the client key travels as `?key=` and the last revision as
 * `?lastEventId=`. We close the EventSource on every error and reconnect ourselves (the browser's
 * own retry would resend `Last-Event-ID`, but gives up for good on an HTTP error and ignores backoff).
 */
export class Connection {
  readonly #store: SnapshotStore;
  readonly #settings: ConnectionSettings;
  readonly #hooks: ConnectionHooks;
  readonly #backoff: Backoff;
  #source: EventSourceLike | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  #paused = false;
  #closed = false;
  /** A snapshot fetch is in flight; polls and gap refetches do not stack up behind a slow server. */
  #fetching = false;

  constructor(store: SnapshotStore, settings: ConnectionSettings, hooks: ConnectionHooks) {
    this.#store = store;
    this.#settings = settings;
    this.#hooks = hooks;
    this.#backoff = new Backoff({ minMs: settings.reconnectMinMs, maxMs: settings.reconnectMaxMs });
  }

  start(): void {
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.#onVisibility);
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    this.#disconnect();
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisibility);
    clearTimeout(this.#hiddenTimer);
  }

  /** Fetches the full snapshot (conditional on the revision held); failures go to `hooks.failed`. */
  async refresh(): Promise<void> {
    if (this.#fetching) return;
    this.#fetching = true;
    const revision = this.#store.revision;
    try {
      const response = await (this.#settings.fetch ?? fetch)(this.#url('snapshot'), {
        headers: revision === undefined ? {} : { 'If-None-Match': `"${revision}"` },
        cache: 'no-store',
      });
      if (this.#closed) return;
      if (response.status === 304) return this.#hooks.synced([]);
      if (!response.ok) throw new Error(`Switchyard: snapshot request failed (${response.status})`);
      this.#apply(this.#store.applyPut(parse(await response.text()), { allowOlder: true }));
    } catch (error) {
      if (!this.#closed) this.#hooks.failed(error instanceof Error ? error : new Error(String(error)), true);
    } finally {
      this.#fetching = false;
    }
  }

  #url(endpoint: string): string {
    const { url, clientKey } = this.#settings;
    return `${url}/api/v1/sdk/${endpoint}?key=${encodeURIComponent(clientKey)}`;
  }

  #connect(): void {
    const Source = this.#settings.streaming ? this.#settings.EventSource : undefined;
    if (!Source) return this.#poll();
    const revision = this.#store.revision;
    const source = new Source(this.#url('stream') + (revision === undefined ? '' : `&lastEventId=${revision}`));
    this.#source = source;
    source.onopen = () => {
      this.#backoff.reset();
      this.#stopPolling();
      // Already up to date: the server sends nothing, so the open itself says we are in sync.
      if (this.#store.revision !== undefined) this.#hooks.synced([]);
    };
    source.onerror = () => this.#streamFailed(new Error('Switchyard: stream connection lost'));
    source.addEventListener('put', (event) =>
      this.#apply(this.#store.applyPut(parse(event.data), { allowOlder: true })),
    );
    source.addEventListener('patch', (event) => this.#apply(this.#store.applyPatch(parse(event.data))));
  }

  #apply(result: ApplyResult): void {
    if (result.status === 'gap') return void this.refresh();
    if (result.status !== 'invalid') return this.#hooks.synced(result.changedFlags);
    const error = new Error('Switchyard: ignored an invalid payload from the server');
    if (this.#source) this.#streamFailed(error);
    else this.#hooks.failed(error, true);
  }

  /** Fetches now, then every `pollIntervalMs` until the stream is back. */
  #poll(): void {
    void this.refresh();
    this.#pollTimer ??= setInterval(() => void this.refresh(), this.#settings.pollIntervalMs);
  }

  /** Drops the stream; retries it with backoff and polls meanwhile. */
  #streamFailed(error: Error): void {
    this.#disconnect();
    this.#hooks.failed(error, false);
    if (this.#closed || this.#paused) return;
    this.#reconnectTimer = setTimeout(() => this.#connect(), this.#backoff.next());
    this.#poll();
  }

  #disconnect(): void {
    const source = this.#source;
    if (source) {
      source.onerror = source.onopen = null;
      source.close();
      this.#source = undefined;
    }
    clearTimeout(this.#reconnectTimer);
    this.#stopPolling();
  }

  #stopPolling(): void {
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  readonly #onVisibility = (): void => {
    clearTimeout(this.#hiddenTimer);
    if (document.visibilityState === 'hidden') {
      this.#hiddenTimer = setTimeout(() => {
        this.#paused = true;
        this.#disconnect();
      }, this.#settings.hiddenPauseMs);
    } else if (this.#paused && !this.#closed) {
      this.#paused = false;
      this.#connect();
    }
  };
}
