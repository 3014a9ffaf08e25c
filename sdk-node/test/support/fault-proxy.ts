import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * How the proxy treats requests:
 * - `pass`: forwards to the real server;
 * - `error`: answers 500 with an error body;
 * - `garbage`: answers 200 with nonsense (HTML for the snapshot, an event stream of junk events);
 * - `silent-stream`: streams answer 200 text/event-stream and then say nothing (a dead stream);
 *   snapshots pass;
 * - `stream-down`: streams answer 503; snapshots pass (the polling fallback).
 */
export type FaultMode = 'pass' | 'error' | 'garbage' | 'silent-stream' | 'stream-down';

/** A refusal the proxy answers instead of forwarding (a server at its limits), whatever the mode. */
export interface Refusal {
  status: 429 | 503;
  /** The `Retry-After` header sent, as is. */
  retryAfter: string;
  /** Only requests to these SDK endpoints (`stream`, `snapshot`, `metrics`); default all. */
  only?: readonly string[];
}

/** One request the proxy saw. */
export interface SeenRequest {
  /** Path without the query. */
  path: string;
  /** `Date.now()` when it arrived. */
  at: number;
  /** Its bearer token. */
  token: string | undefined;
  /** Its body, for refused requests only. */
  body?: string;
}

/**
 * A small HTTP proxy in front of a real server, to inject faults the real server never makes.
 * It can also stop listening altogether (`down()`) and come back on the same port (`up()`).
 */
export class FaultProxy {
  mode: FaultMode = 'pass';
  /** When set, matching requests get this 429/503 with `Retry-After`. */
  refusal: Refusal | undefined;
  /** Every request, in arrival order. */
  readonly log: SeenRequest[] = [];
  /** Requests seen, per path (without the query). */
  readonly requests = new Map<string, number>();
  /** The Last-Event-ID header of every stream request, in order. */
  readonly lastEventIds: (string | undefined)[] = [];
  readonly #target: URL;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #streams = new Set<ServerResponse>();
  #port = 0;

  constructor(target: string) {
    this.#target = new URL(target);
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  count(path: string): number {
    return this.requests.get(path) ?? 0;
  }

  /** Starts listening (first on a free port, later on the same one). */
  async up(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    if (typeof address === 'object' && address) this.#port = address.port;
  }

  /** Stops listening and drops every connection: the server is "down". */
  async down(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.cutStreams();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Cuts every open event stream mid-flight. */
  cutStreams(): void {
    for (const stream of this.#streams) stream.destroy();
    this.#streams.clear();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
    if (process.env.PROXY_DEBUG)
      console.log(Date.now() % 100000, this.mode, path, req.headers['last-event-id'], req.headers['if-none-match']);
    const isStream = path.endsWith('/sdk/stream');
    const seen: SeenRequest = {
      path,
      at: Date.now(),
      token: req.headers.authorization?.replace(/^Bearer /, ''),
    };
    this.log.push(seen);
    const refusal = this.refusal;
    if (refusal && (!refusal.only || refusal.only.some((endpoint) => path.endsWith(`/sdk/${endpoint}`)))) {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        seen.body = body;
        res
          .writeHead(refusal.status, { 'content-type': 'application/json', 'retry-after': refusal.retryAfter })
          .end(JSON.stringify({ error: 'busy', message: `refused by the test proxy (${refusal.status})` }));
      });
      return;
    }
    if (isStream) this.lastEventIds.push(req.headers['last-event-id'] as string | undefined);
    if (this.mode === 'error')
      return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}');
    if (this.mode === 'garbage') {
      if (isStream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('event: put\nid: 999\ndata: <html>not json</html>\n\n');
        this.#streams.add(res);
        return;
      }
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
    }
    if (isStream && this.mode === 'stream-down') return void res.writeHead(503).end();
    if (isStream && this.mode === 'silent-stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      this.#streams.add(res);
      return;
    }
    const upstream = request(
      { host: this.#target.hostname, port: this.#target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (isStream) {
          this.#streams.add(res);
          res.on('close', () => {
            this.#streams.delete(res);
            answer.destroy();
          });
        }
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    if (this.#server.listening) await this.down();
  }
}
