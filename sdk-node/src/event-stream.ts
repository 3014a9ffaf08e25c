import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders, endpoint, ServerResponseError, type HttpSettings } from './http.js';

/** What an {@link EventStream} reports. */
export interface EventStreamHandlers {
  /** The server answered 200 with an event stream. */
  open(): void;
  /** A `put` or `patch` event (other event types are ignored). */
  event(type: 'put' | 'patch', data: string): void;
  /** A heartbeat comment (`: ping`) arrived: the server is alive. */
  heartbeat(): void;
  /** The stream ended, failed or went silent; not called after `close()`. */
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

  constructor(
    settings: HttpSettings & { heartbeatTimeoutMs: number },
    lastEventId: number | undefined,
    handlers: EventStreamHandlers,
  ) {
    this.#handlers = handlers;
    this.#heartbeatTimeoutMs = settings.heartbeatTimeoutMs;
    void this.#run(settings, lastEventId);
  }

  /** Ends the connection without reporting it. */
  close(): void {
    this.#done = true;
    clearTimeout(this.#watchdog);
    this.#abort.abort();
  }

  async #run(settings: HttpSettings, lastEventId: number | undefined): Promise<void> {
    try {
      this.#arm(); // also bounds the wait for the response headers
      const headers: Record<string, string> = { ...authHeaders(settings), accept: 'text/event-stream' };
      if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
      const response = await settings.fetch(endpoint(settings, 'stream'), { headers, signal: this.#abort.signal });
      if (!response.ok || !response.body) {
        await response.body?.cancel().catch(() => {});
        throw new ServerResponseError(`Switchyard: stream request failed (${response.status})`, response.status);
      }
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/event-stream')) {
        await response.body.cancel().catch(() => {});
        throw new ServerResponseError(`Switchyard: stream answered ${type || 'no content type'}, not an event stream`);
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
      this.#end(new Error('Switchyard: stream closed by the server'));
    } catch (error) {
      this.#end(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #arm(): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      this.#end(new Error(`Switchyard: stream silent for ${this.#heartbeatTimeoutMs} ms, reconnecting`));
      this.#abort.abort();
    }, this.#heartbeatTimeoutMs);
    this.#watchdog.unref();
  }

  #end(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#watchdog);
    this.#abort.abort();
    this.#handlers.ended(error);
  }
}
