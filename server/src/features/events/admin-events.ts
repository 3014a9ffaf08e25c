import type { ServerResponse } from 'node:http';
import type { ChangeEvent } from '../../changes/index.js';
import type { DbClient } from '../flags/store.js';

/** One event of the admin stream: what changed in one environment, by keys. */
export interface AdminChangeEvent {
  project: string;
  environment: string;
  /** The environment's revision after the change. */
  revision: number;
  /** Keys of the flags and segments whose configuration changed. */
  flags: string[];
  segments: string[];
}

interface Subscriber {
  response: ServerResponse;
  /** The API token the stream was opened with. */
  tokenId: string;
  /** Project id to filter on; undefined = every project. */
  projectId: string | undefined;
  /** Checked before each write: false ends the stream (e.g. its token was revoked). */
  stillAllowed: () => boolean;
}

/**
 * The admin event stream's fan-out: committed changes (from the change notifier, after commit)
 * become `change` events, one per environment, with project and environment keys, sent to every
 * open console stream that watches that project. Keys are read once per change, not per stream.
 */
export class AdminEventStreams {
  readonly #subscribers = new Set<Subscriber>();

  constructor(private readonly db: DbClient) {}

  get size(): number {
    return this.#subscribers.size;
  }

  /** Adds an open response; it leaves when the client goes away. */
  add(subscriber: Subscriber): void {
    this.#subscribers.add(subscriber);
    subscriber.response.on('close', () => this.#subscribers.delete(subscriber));
  }

  /** Sends `event` (from the notifier) to the streams that watch its projects. */
  async publish(event: ChangeEvent): Promise<void> {
    if (this.#subscribers.size === 0) return;
    const environments = await this.db.environment.findMany({
      where: { id: { in: event.environmentIds } },
      select: { id: true, key: true, projectId: true, project: { select: { key: true } } },
    });
    const revisions = new Map(event.revisions.map((r) => [r.environmentId, r.revision]));
    for (const environment of environments) {
      const payload: AdminChangeEvent = {
        project: environment.project.key,
        environment: environment.key,
        revision: revisions.get(environment.id) ?? 0,
        flags: event.flags,
        segments: event.segments,
      };
      const frame = `event: change\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const subscriber of this.#subscribers) {
        if (subscriber.projectId !== undefined && subscriber.projectId !== environment.projectId) continue;
        this.#write(subscriber, frame);
      }
    }
  }

  /**
   * A comment every stream gets (keeps proxies from closing idle streams), after ending the streams
   * whose token is now revoked or gone (read from the database: an announcement can be lost).
   */
  async ping(): Promise<void> {
    const tokenIds = [...new Set([...this.#subscribers].map((subscriber) => subscriber.tokenId))];
    if (tokenIds.length === 0) return;
    const active = await this.db.apiToken.findMany({
      where: { id: { in: tokenIds }, revokedAt: null },
      select: { id: true },
    });
    const alive = new Set(active.map((token) => token.id));
    for (const subscriber of this.#subscribers) {
      if (alive.has(subscriber.tokenId)) this.#write(subscriber, ': ping\n\n');
      else this.#end(subscriber);
    }
  }

  closeAll(): void {
    for (const subscriber of this.#subscribers) subscriber.response.end();
    this.#subscribers.clear();
  }

  #write(subscriber: Subscriber, frame: string): void {
    if (subscriber.stillAllowed()) subscriber.response.write(frame);
    else this.#end(subscriber);
  }

  #end(subscriber: Subscriber): void {
    this.#subscribers.delete(subscriber);
    subscriber.response.end();
  }
}
