import { Backoff } from '@switchyard/core/sync';
import { EventStream } from './event-stream.js';
import { fetchSnapshot, isFatal, type HttpSettings } from './http.js';
import type { Logger } from './logger.js';
import type { Source, SourceHooks } from './sources.js';

/** Settings of an {@link HttpSource}, already defaulted. */
export interface HttpSourceSettings extends HttpSettings {
  streaming: boolean;
  pollIntervalMs: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  heartbeatTimeoutMs: number;
}

/**
 * Follows the server over HTTP: the SSE stream while it works (resuming with Last-Event-ID from
 * the revision held); when it fails, reconnects with exponential backoff and full jitter while
 * polling `/sdk/snapshot` (If-None-Match) until the stream is back. A patch that skips revisions
 * (a gap) triggers a full snapshot fetch. A refused key (401/403) on either stops it for good
 * (`hooks.fatal`): no retry can fix a wrong or revoked token. A 429/503 with `Retry-After` keeps
 * that kind of request (stream or snapshot) away from that server for that long (see `ServerList`).
 */
export class HttpSource implements Source {
  readonly #settings: HttpSourceSettings;
  readonly #hooks: SourceHooks;
  readonly #log: Required<Logger>;
  readonly #backoff: Backoff;
  #stream: EventStream | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  /** A snapshot fetch in flight; polls and gap refetches share it instead of stacking up. */
  #fetching: Promise<void> | undefined;
  #closed = false;

  constructor(settings: HttpSourceSettings, hooks: SourceHooks, log: Required<Logger>) {
    this.#settings = settings;
    this.#hooks = hooks;
    this.#log = log;
    this.#backoff = new Backoff({ minMs: settings.reconnectMinMs, maxMs: settings.reconnectMaxMs });
  }

  start(): void {
    if (this.#settings.streaming) this.#connect();
    else this.#poll();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stream?.close();
    this.#stream = undefined;
    clearTimeout(this.#reconnectTimer);
    this.#stopPolling();
    await this.#fetching;
  }

  /** Fetches the whole snapshot now (conditional on the revision held); failures go to the hooks. */
  refresh(): Promise<void> {
    this.#fetching ??= this.#fetch().finally(() => {
      this.#fetching = undefined;
    });
    return this.#fetching;
  }

  async #fetch(): Promise<void> {
    try {
      const answer = await fetchSnapshot(this.#settings, this.#hooks.confirmedRevision());
      if (this.#closed) return;
      const status = answer.status === 'unchanged' ? 'stale' : this.#hooks.put(answer.body, { allowOlder: true });
      if (status === 'invalid') this.#hooks.failed(new Error('Switchyard: the server sent an invalid snapshot'), true);
      else this.#hooks.contact();
    } catch (error) {
      if (this.#closed) return;
      if (isFatal(error)) this.#fatal(error);
      else this.#hooks.failed(asError(error), true);
    }
  }

  #connect(): void {
    if (this.#closed) return;
    this.#log.debug('switchyard: connecting to the stream');
    this.#stream = new EventStream(this.#settings, this.#hooks.confirmedRevision(), {
      open: () => {
        this.#backoff.reset();
        this.#stopPolling();
        this.#hooks.contact();
        this.#log.debug('switchyard: stream open');
      },
      heartbeat: () => this.#hooks.contact(),
      event: (type, data) => this.#onEvent(type, data),
      ended: (error) => this.#streamFailed(error),
    });
  }

  #onEvent(type: 'put' | 'patch', data: string): void {
    const payload = parseJson(data);
    const status = type === 'put' ? this.#hooks.put(payload, { allowOlder: true }) : this.#hooks.patch(payload);
    if (status !== 'invalid') this.#hooks.contact();
    if (status === 'gap') {
      this.#log.debug('switchyard: revision gap, fetching the whole snapshot');
      void this.refresh();
    } else if (status === 'invalid') {
      // Reconnecting gets a fresh `put`; meanwhile the last good snapshot stays.
      this.#stream?.close();
      this.#streamFailed(new Error(`Switchyard: ignored an invalid ${type} event from the server`));
    }
  }

  /** Drops the stream, retries it after a backoff delay and polls meanwhile. */
  #streamFailed(error: Error): void {
    this.#stream = undefined;
    if (this.#closed) return;
    if (isFatal(error)) return this.#fatal(error);
    this.#hooks.failed(error, false);
    // A server's Retry-After outranks the backoff: no stream to it before then (another server may
    // be free at once; see ServerList.pick). Polling goes on at its own pace meanwhile.
    const { servers } = this.#settings;
    const delay = Math.max(this.#backoff.next(), servers.waitMs(servers.pick('stream'), 'stream'));
    this.#log.warn(`switchyard: stream failed (${error.message}); retrying in ${delay} ms, polling meanwhile`);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
    this.#reconnectTimer.unref();
    this.#poll();
  }

  /** Stops every retry and reports `error` as fatal. */
  #fatal(error: Error): void {
    void this.close();
    this.#hooks.fatal(error);
  }

  /** Fetches now, then every `pollIntervalMs` until the stream is back. */
  #poll(): void {
    void this.refresh();
    if (this.#pollTimer) return;
    this.#pollTimer = setInterval(() => void this.refresh(), this.#settings.pollIntervalMs);
    this.#pollTimer.unref();
  }

  #stopPolling(): void {
    clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
