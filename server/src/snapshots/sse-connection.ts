import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

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
 *
 * Once the headers are out, events go straight to the socket, already framed as HTTP chunks (see
 * `chunkOf`): one `socket.write` of a buffer shared by every stream, instead of the response's
 * four writes, cork and next-tick uncork per event. With 10,000 streams that is most of a
 * patch's cost on the replica.
 */
export class SseConnection {
  /** Revision of the last event sent (what the SDK holds once it read everything). */
  revision: number;
  readonly view: StreamView;
  readonly tokenId: string;
  readonly #response: ServerResponse;
  /** The socket to write events to directly (undefined: through the response, e.g. in tests). */
  readonly #socket: Socket | undefined;
  /** The response is chunked (HTTP/1.1): raw writes must be framed as chunks. */
  readonly #chunked: boolean;
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
    const socket = response.socket ?? undefined;
    this.#socket = response.headersSent && socket ? socket : undefined;
    this.#chunked = (response as { chunkedEncoding?: boolean }).chunkedEncoding === true;
    response.on('close', () => this.#end('client'));
  }

  /** Bytes queued for the client and not sent yet. */
  get #queued(): number {
    return (this.#socket ?? this.#response).writableLength;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes `frame` (a whole SSE event or comment); false when the connection is gone or was dropped. */
  write(frame: string | Buffer): boolean {
    if (this.#closed) return false;
    const socket = this.#socket;
    if (socket) {
      const bytes = typeof frame === 'string' ? frameOf(frame) : frame;
      socket.write(this.#chunked ? chunkOf(bytes) : bytes);
    } else this.#response.write(frame);
    if (this.#queued - this.#exempt > this.#options.maxBufferedBytes) {
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
    const target = this.#socket ?? this.#response;
    let drained: boolean;
    if (this.#socket && this.#chunked) {
      // Framed around the shared buffer (no 6 MB copy per stream): three writes, one syscall.
      const socket = this.#socket;
      socket.cork();
      socket.write(`${frame.length.toString(16)}\r\n`);
      socket.write(frame);
      drained = socket.write(CRLF);
      socket.uncork();
    } else drained = target.write(frame);
    this.revision = revision;
    if (drained) return true;
    this.#exempt = target.writableLength;
    target.once('drain', () => {
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

const CRLF = Buffer.from('\r\n');

/** Frames given as text (heartbeats): encoded once each. */
const textFrames = new Map<string, Buffer>();

function frameOf(text: string): Buffer {
  let bytes = textFrames.get(text);
  if (!bytes) {
    bytes = Buffer.from(text);
    if (textFrames.size < 16) textFrames.set(text, bytes);
  }
  return bytes;
}

/** Each frame as one HTTP/1.1 chunk, made once per frame (frames are shared by every stream). */
const chunks = new WeakMap<Buffer, Buffer>();

/** `frame` framed as an HTTP chunk: size in hex, CRLF, the bytes, CRLF. */
export function chunkOf(frame: Buffer): Buffer {
  let chunk = chunks.get(frame);
  if (!chunk) {
    chunk = Buffer.concat([Buffer.from(`${frame.length.toString(16)}\r\n`), frame, CRLF]);
    chunks.set(frame, chunk);
  }
  return chunk;
}

/** An SSE event frame; `data` is one line of JSON. */
export function sseEvent(event: 'put' | 'patch', id: number, data: string): string {
  return `event: ${event}\nid: ${id}\ndata: ${data}\n\n`;
}

export const HEARTBEAT_FRAME = ': ping\n\n';
