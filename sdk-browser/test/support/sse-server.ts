import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applyPatch, type Snapshot, type SnapshotPatch } from '@switchyard/core';

/** A report posted to `/api/v1/sdk/metrics` or `/api/v1/sdk/events`. */
export interface Report {
  path: string;
  key: string | null;
  contentType: string | undefined;
  body: {
    start: string;
    end: string;
    flags?: Record<string, Record<string, number>>;
    events?: Record<string, Record<string, Record<string, { count: number; sum: number; sumSquares: number }>>>;
  };
}

/** One request the server saw, for assertions. */
export interface SeenRequest {
  path: string;
  key: string | null;
  /** The request carried `?key=` (only the stream should). */
  keyInUrl: boolean;
  lastEventId: string | null;
  ifNoneMatch: string | undefined;
}

/**
 * A real HTTP server speaking the SDK protocol (docs: spec/sdk-protocol.md) from memory:
 * `/api/v1/sdk/snapshot` with ETag / 304 and `/api/v1/sdk/stream` with put / patch events and
 * `lastEventId` resume. Knobs let tests break it (HTTP errors, garbage, dropped connections), and
 * `pages` serves static files so a browser can load a page from the same origin.
 */
export class ProtocolServer {
  snapshot: Snapshot;
  readonly requests: SeenRequest[] = [];
  /** HTTP status to answer stream requests with (200 = normal). */
  streamStatus = 200;
  /** HTTP status to answer snapshot requests with (200 = normal). */
  snapshotStatus = 200;
  /** Next stream connections send this as their `put` data instead of the snapshot. */
  garbagePuts = 0;
  /** Usage and event reports received (`POST /api/v1/sdk/metrics`, `/events`), parsed. */
  readonly reports: Report[] = [];
  /** Static files: path → [content type, body]. */
  readonly pages = new Map<string, [string, string]>();
  readonly #history = new Map<number, SnapshotPatch>();
  readonly #streams = new Set<ServerResponse>();
  readonly #server: Server;

  constructor(
    initial: Snapshot,
    readonly clientKey = 'sy_client_test',
  ) {
    this.snapshot = initial;
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  /** Starts listening on `port` (default: a free one); resolves to the base URL. */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Open stream connections. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Applies `patch` and pushes it to every open stream. */
  publish(patch: SnapshotPatch): void {
    this.snapshot = applyPatch(this.snapshot, patch);
    this.#history.set(patch.revision, patch);
    for (const res of this.#streams)
      res.write(`event: patch\nid: ${patch.revision}\ndata: ${JSON.stringify(patch)}\n\n`);
  }

  /** Changes the snapshot without telling anyone (only a fetch or a new stream sees it). */
  replaceSilently(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.#history.clear();
  }

  /** Sends raw text to every open stream. */
  sendRaw(text: string): void {
    for (const res of this.#streams) res.write(text);
  }

  /** Cuts every open stream connection. */
  dropStreams(): void {
    for (const res of this.#streams) res.destroy();
    this.#streams.clear();
  }

  async close(): Promise<void> {
    this.dropStreams();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    // Pages may come from another origin (as they do in production): allow it, as the real server must.
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'authorization, if-none-match, content-type');
    res.setHeader('access-control-expose-headers', 'etag');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const page = this.pages.get(url.pathname);
    if (page) {
      res.writeHead(200, { 'content-type': page[0], 'cache-control': 'no-store' });
      return void res.end(page[1]);
    }
    // As the real server: the stream takes the key as `?key=` (EventSource sends no headers), every
    // other endpoint only as `Authorization: Bearer`.
    const key =
      url.pathname === '/api/v1/sdk/stream'
        ? url.searchParams.get('key')
        : (req.headers.authorization?.replace(/^Bearer /, '') ?? null);
    const lastEventId = url.searchParams.get('lastEventId');
    const ifNoneMatch = req.headers['if-none-match'];
    this.requests.push({ path: url.pathname, key, keyInUrl: url.searchParams.has('key'), lastEventId, ifNoneMatch });
    const reporting = req.method === 'POST' && /^\/api\/v1\/sdk\/(metrics|events)$/.test(url.pathname);
    if (!reporting && url.pathname !== '/api/v1/sdk/snapshot' && url.pathname !== '/api/v1/sdk/stream') {
      return void res.writeHead(404).end();
    }
    if (key !== this.clientKey) return void res.writeHead(401).end('{"error":"bad key"}');
    if (reporting) return this.#receiveReport(req, res, url.pathname, key);
    if (url.pathname === '/api/v1/sdk/snapshot') return this.#serveSnapshot(res, ifNoneMatch);
    this.#serveStream(req, res, lastEventId);
  }

  /** As the real server: a JSON report, answered 202 once read. */
  #receiveReport(req: IncomingMessage, res: ServerResponse, path: string, key: string): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Report['body'];
      this.reports.push({ path, key, contentType: req.headers['content-type'], body });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":0,"unknownFlags":[]}');
    });
  }

  #serveSnapshot(res: ServerResponse, ifNoneMatch: string | undefined): void {
    if (this.snapshotStatus !== 200) return void res.writeHead(this.snapshotStatus).end('<html>oops</html>');
    const etag = `"${this.snapshot.revision}"`;
    if (ifNoneMatch === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(JSON.stringify(this.snapshot));
  }

  #serveStream(req: IncomingMessage, res: ServerResponse, lastEventId: string | null): void {
    if (this.streamStatus !== 200) return void res.writeHead(this.streamStatus).end();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    this.#streams.add(res);
    req.on('close', () => this.#streams.delete(res));
    const current = this.snapshot.revision;
    const from = lastEventId === null ? NaN : Number(lastEventId);
    const missed: SnapshotPatch[] = [];
    for (let revision = from + 1; revision <= current; revision++) {
      const patch = this.#history.get(revision);
      if (!patch) break;
      missed.push(patch);
    }
    if (this.garbagePuts > 0) {
      this.garbagePuts--;
      return void res.write(`event: put\nid: ${current}\ndata: <html>502 Bad Gateway</html>\n\n`);
    }
    if (Number.isInteger(from) && from <= current && missed.length === current - from) {
      for (const patch of missed) res.write(`event: patch\nid: ${patch.revision}\ndata: ${JSON.stringify(patch)}\n\n`);
    } else {
      res.write(`event: put\nid: ${current}\ndata: ${JSON.stringify(this.snapshot)}\n\n`);
    }
    res.write(': ping\n\n');
  }
}
