import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders, errorOf, isFatal, sdkFetch, ServerResponseError, type HttpSettings } from './http.js';
import type { ServerList } from './server-list.js';

/** What an {@link EventStream} reports. */
export interface EventStreamHandlers {
  /** The server answered 200 with an event stream. */
  open(): void;
  /** A `put` or `patch` event (other event types are ignored). */
  event(type: 'put' | 'patch', data: string): void;
  /** A heartbeat comment (`: ping`) arrived: the server is alive. */
  heartbeat(): void;
  /**
   * The stream ended, failed or went silent; not called after `close()`. An `SdkKeyRejectedError`
   * (401/403) means retrying is pointless.
   */
  ended(error: Error): void;
}

/**
 * One connection to `GET /api/v1/sdk/stream`, read with fetch and `eventsource-parser` (unlike
 * EventSource, fetch can send the Authorization header). `Last-Event-ID` asks the server for only
 * the patches after that revision. A watchdog ends the stream when nothing, not even the 15 s
 * heartbeat comment, arrived for `heartbeatTimeoutMs`: a half-open TCP connection would
 * otherwise look alive forever.
 */
export class EventStream {
  readonly #abort = new AbortController();
  readonly #handlers: EventStreamHandlers;
  readonly #heartbeatTimeoutMs: number;
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #done = false;
  readonly #servers: ServerList;
  /** The server this connection goes to. */
  readonly #base: string;

  constructor(
    settings: HttpSettings & { heartbeatTimeoutMs: number },
    lastEventId: number | undefined,
    handlers: EventStreamHandlers,
  ) {
    this.#handlers = handlers;
    this.#heartbeatTimeoutMs = settings.heartbeatTimeoutMs;
    this.#servers = settings.servers;
    this.#base = settings.servers.pick('stream');
    void this.#run(settings, lastEventId);
  }

  /** Ends the connection without reporting it. */
  close(): void {
    this.#done = true;
    clearTimeout(this.#watchdog);
    this.#abort.abort();
  }

  async #run(settings: HttpSettings, lastEventId: number | undefined): Promise<void> {
    const base = this.#base;
    try {
      // A server that accepts the connection but does not answer (hung, or a black-holing proxy)
      // gets requestTimeoutMs, like a snapshot request, before the next server is tried.
      this.#arm(settings.requestTimeoutMs, 'no answer to the stream request within');
      const headers: Record<string, string> = { ...authHeaders(settings), accept: 'text/event-stream' };
      if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
      const { response } = await sdkFetch(settings, 'stream', { headers, signal: this.#abort.signal }, base);
      if (!response.ok) throw await errorOf(settings, base, 'stream', response);
      if (!response.body) throw new ServerResponseError(`Switchyard: ${base} sent a stream without a body`);
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/event-stream')) {
        await response.body.cancel().catch(() => {});
        throw new ServerResponseError(
          `Switchyard: ${base} answered the stream with ${type || 'no content type'}, not an event stream`,
        );
      }
      if (this.#done) return;
      this.#arm();
      this.#handlers.open();
      const parser = createParser({
        onEvent: (message: EventSourceMessage) => {
          if (this.#done) return;
          if (message.event === 'put' || message.event === 'patch') this.#handlers.event(message.event, message.data);
        },
        onComment: () => {
          if (!this.#done) this.#handlers.heartbeat();
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (this.#done) return;
        this.#arm();
        parser.feed(decoder.decode(chunk, { stream: true }));
      }
      this.#end(new Error(`Switchyard: stream closed by ${base}`));
    } catch (error) {
      this.#end(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** (Re)starts the watchdog: the stream ends unless something arrives within `ms`. */
  #arm(ms = this.#heartbeatTimeoutMs, what = 'stream silent for'): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#end(new Error(`Switchyard: ${what} ${ms} ms (${this.#base}), reconnecting`));
      this.#abort.abort();
    }, ms);
    this.#watchdog.unref();
  }

  #end(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#watchdog);
    this.#abort.abort();
    // A stream that failed for any reason but a refused key sends the next attempt to the next
    // server (a replica shutting down ends its streams). A no-op when the list already moved on
    // (sdkFetch and errorOf do for unreachable servers and 5xx).
    if (!isFatal(error)) this.#servers.failed(this.#base);
    this.#handlers.ended(error);
  }
}
