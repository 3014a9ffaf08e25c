import http from 'node:http';
import { applyPatch, type Snapshot, type SnapshotPatch } from '@switchyard/core';

export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export interface SseClientOptions {
  /** e.g. http://127.0.0.1:4242/api/v1/sdk/stream */
  url: string;
  token?: string;
  /** Reconnect (with backoff) when the stream ends; resumes with Last-Event-ID. */
  reconnect?: boolean;
  /** Send Last-Event-ID on the first connection. */
  lastEventId?: number;
}

/**
 * A minimal SSE client for the tests: parses events, keeps the snapshot (put + patches applied with
 * core's applyPatch, checking the protocol's revision rule), reconnects with backoff and
 * `Last-Event-ID`. Records every event, so tests can assert exactly what was sent.
 */
export class SseClient {
  snapshot: Snapshot | undefined;
  readonly events: SseEvent[] = [];
  /** Protocol violations seen (a patch that did not follow the held revision). */
  readonly violations: string[] = [];
  connections = 0;
  /** When the server last ended the stream (Date.now()); undefined while it is open. */
  endedAt: number | undefined;
  #request: http.ClientRequest | undefined;
  #closed = false;
  #attempt = 0;
  #waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  #lastEventId: number | undefined;

  constructor(private readonly options: SseClientOptions) {
    this.#lastEventId = options.lastEventId;
  }

  get revision(): number | undefined {
    return this.snapshot?.revision;
  }

  /** Connects; resolves once the response headers arrived (status 200) or rejects. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (this.options.token) headers['authorization'] = `Bearer ${this.options.token}`;
      const last = this.snapshot?.revision ?? this.#lastEventId;
      if (last !== undefined) headers['last-event-id'] = String(last);
      const request = http.get(this.options.url, { headers, agent: false }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`stream answered ${response.statusCode}`));
          // A refusal (a 503 from a replica restarted while Postgres is down, a 429) is retried like
          // a dropped connection; without this the stream stayed dead and held an old snapshot.
          this.#onEnd();
          return;
        }
        this.connections++;
        this.endedAt = undefined;
        this.#attempt = 0;
        resolve();
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            this.#onBlock(block);
          }
        });
        response.on('close', () => {
          this.endedAt = Date.now();
          this.#notify();
          this.#onEnd();
        });
        response.on('error', () => {});
      });
      request.on('error', (error) => {
        reject(error);
        this.#onEnd();
      });
      this.#request = request;
    });
  }

  /** Resolves when `predicate` holds (checked after every event). */
  waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`timed out waiting for ${what} (revision ${this.revision})`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push({ predicate, resolve: done });
    });
  }

  /** Resolves when the stream has ended (the server closed it). */
  waitForEnd(timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => this.endedAt !== undefined, timeoutMs, 'the end of the stream');
  }

  waitForRevision(revision: number, timeoutMs = 10_000): Promise<void> {
    return this.waitFor(() => (this.revision ?? -1) >= revision, timeoutMs, `revision ${revision}`);
  }

  close(): void {
    this.#closed = true;
    this.#request?.destroy();
  }

  #onBlock(block: string): void {
    const event: SseEvent = { event: 'message', id: undefined, data: '' };
    const data: string[] = [];
    let any = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      any = true;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
      else if (field === 'data') data.push(value);
    }
    if (!any) {
      this.events.push({ event: 'comment', id: undefined, data: block });
      this.#notify();
      return;
    }
    event.data = data.join('\n');
    this.events.push(event);
    if (event.event === 'put') {
      this.snapshot = JSON.parse(event.data) as Snapshot;
    } else if (event.event === 'patch') {
      const patch = JSON.parse(event.data) as SnapshotPatch;
      if (!this.snapshot) this.violations.push(`patch ${patch.revision} before any put`);
      else if (patch.revision !== this.snapshot.revision + 1) {
        this.violations.push(`patch ${patch.revision} on revision ${this.snapshot.revision}`);
      } else this.snapshot = applyPatch(this.snapshot, patch);
      if (event.id !== String(patch.revision)) this.violations.push(`event id ${event.id} for patch ${patch.revision}`);
    }
    this.#notify();
  }

  #notify(): void {
    const ready = this.#waiters.filter((waiter) => waiter.predicate());
    this.#waiters = this.#waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve();
  }

  #onEnd(): void {
    if (this.#closed || !this.options.reconnect) return;
    const delay = Math.min(50 * 2 ** this.#attempt, 1_000) * (0.5 + Math.random() / 2);
    this.#attempt++;
    const retry = setTimeout(() => {
      if (!this.#closed) this.connect().catch(() => {}); // errors end the request: #onEnd retries
    }, delay);
    retry.unref();
  }
}

/** JSON with object keys sorted and flags/segments sorted by key: equal snapshots, equal text. */
export function canonicalSnapshot(snapshot: Snapshot): string {
  const sorted = {
    ...snapshot,
    flags: [...snapshot.flags].sort((a, b) => a.key.localeCompare(b.key)),
    segments: [...snapshot.segments].sort((a, b) => a.key.localeCompare(b.key)),
  };
  return JSON.stringify(sortKeys(sorted));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
