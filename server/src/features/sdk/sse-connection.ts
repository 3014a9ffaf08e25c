import type { ServerResponse } from 'node:http';

/** Which view of the snapshot a stream gets. */
export type StreamView = 'server' | 'client';

export interface SseConnectionOptions {
  /** The token the stream was opened with: its revocation ends the stream. */
  tokenId: string;
  /** Bytes a connection may have queued (unsent) before it counts as a slow consumer and is dropped. */
  maxBufferedBytes: number;
  /** Called once when the connection ends, whoever ended it. */
  onClose: (reason: 'client' | 'slow' | 'server') => void;
}

/**
 * One SDK's event stream. Writes never block: a consumer that does not read fast enough builds
 * up Node's write buffer, and past `maxBufferedBytes` it is disconnected (it reconnects and gets a
 * fresh `put`), so one stuck client cannot make the server hold every patch forever.
 */
export class SseConnection {
  /** Revision of the last event sent (what the SDK holds once it read everything). */
  revision: number;
  readonly view: StreamView;
  readonly tokenId: string;
  readonly #response: ServerResponse;
  readonly #options: SseConnectionOptions;
  #closed = false;

  constructor(response: ServerResponse, view: StreamView, revision: number, options: SseConnectionOptions) {
    this.#response = response;
    this.view = view;
    this.tokenId = options.tokenId;
    this.revision = revision;
    this.#options = options;
    response.on('close', () => this.#end('client'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes `frame` (a whole SSE event or comment); false when the connection is gone or was dropped. */
  write(frame: string): boolean {
    if (this.#closed) return false;
    this.#response.write(frame);
    if (this.#response.writableLength > this.#options.maxBufferedBytes) {
      this.close('slow');
      return false;
    }
    return true;
  }

  /** Sends an event and records its revision. */
  send(revision: number, frame: string): boolean {
    const sent = this.write(frame);
    if (sent) this.revision = revision;
    return sent;
  }

  /** Ends the stream: `slow` and `server` destroy the socket (no point flushing a backlog). */
  close(reason: 'slow' | 'server'): void {
    if (this.#closed) return;
    this.#end(reason);
    if (reason === 'slow') this.#response.destroy();
    else this.#response.end();
  }

  #end(reason: 'client' | 'slow' | 'server'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.onClose(reason);
  }
}

/** An SSE event frame; `data` is one line of JSON. */
export function sseEvent(event: 'put' | 'patch', id: number, data: string): string {
  return `event: ${event}\nid: ${id}\ndata: ${data}\n\n`;
}

export const HEARTBEAT_FRAME = ': ping\n\n';
