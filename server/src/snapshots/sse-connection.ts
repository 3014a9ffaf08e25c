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
 *
 * A whole snapshot (`sendSnapshot`) is exempt from that limit until the socket drained it: a 10,000
 * flag `put` is ~6 MB, far above the limit, and a stream must open at any size. It is written from
 * the revision's shared buffer (no copy per stream), so the exemption costs no memory per stream;
 * what is queued behind it still counts, so a consumer that stops reading is still cut.
 */
export class SseConnection {
  /** Revision of the last event sent (what the SDK holds once it read everything). */
  revision: number;
  readonly view: StreamView;
  readonly tokenId: string;
  readonly #response: ServerResponse;
  readonly #options: SseConnectionOptions;
  #closed = false;
  /** Queued bytes of a snapshot not drained yet: not counted against `maxBufferedBytes`. */
  #exempt = 0;

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
  write(frame: string | Buffer): boolean {
    if (this.#closed) return false;
    this.#response.write(frame);
    if (this.#response.writableLength - this.#exempt > this.#options.maxBufferedBytes) {
      this.close('slow');
      return false;
    }
    return true;
  }

  /** Sends an event and records its revision. */
  send(revision: number, frame: string | Buffer): boolean {
    const sent = this.write(frame);
    if (sent) this.revision = revision;
    return sent;
  }

  /**
   * Sends a whole snapshot (`put`) that may be larger than `maxBufferedBytes`: everything queued
   * once it is written is exempt from the limit until the socket drains. One snapshot at a time:
   * a stream still holding an undrained one gets the next under the normal limit (so is cut).
   */
  sendSnapshot(revision: number, frame: Buffer): boolean {
    if (this.#closed) return false;
    if (this.#exempt > 0) return this.send(revision, frame);
    const response = this.#response;
    const drained = response.write(frame);
    this.revision = revision;
    if (drained) return true;
    this.#exempt = response.writableLength;
    response.once('drain', () => {
      this.#exempt = 0;
    });
    return true;
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
