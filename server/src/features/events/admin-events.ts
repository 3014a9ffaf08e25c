import type { ServerResponse } from 'node:http';
import { can } from '../../auth/authorize.js';
import type { Principal, Rights } from '../../auth/principal.js';
import type { ChangeEvent } from '../../changes/index.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ChangeMessage } from '../../propagation/change-message.js';
import { DeliveredChanges } from './delivered-changes.js';
import { currentRights, type StreamHolder } from './stream-holder.js';

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

/** Unsent bytes a stream may hold before it is ended as a slow consumer (as SDK streams). */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Sent when changes may have been missed (the bus came back from an outage): refetch everything. */
export const RESYNC_FRAME = 'event: resync\ndata: {}\n\n';

export interface AdminSubscriber {
  response: ServerResponse;
  /** Who opened the stream; its rights are replaced by the current ones at every check. */
  principal: Principal;
  holder: StreamHolder;
  /** Project id to filter on; undefined = every project the principal may read. */
  projectId: string | undefined;
}

export interface AdminEventStreamsOptions {
  prisma: PrismaClient;
  sessionIdleTimeoutMs: number;
  /** False for a principal revoked since its request was authenticated (announced revocations). */
  stillAllowed: (holder: StreamHolder) => boolean;
  now?: () => number;
  /** Where failed re-checks go (the stream is kept, as it was). */
  onError?: (error: unknown) => void;
}

/** The keys of an environment and its project's id. */
interface EnvironmentKeys {
  project: string;
  environment: string;
  projectId: string;
}

/**
 * The admin event stream's fan-out on one replica: every committed change of any replica becomes a
 * `change` event per environment, with project and environment keys, sent once to every open
 * stream whose principal may read that project (and that watches it). Changes come by two paths,
 * deduplicated (`DeliveredChanges`): this replica's own commits, right after commit (so they show
 * even while Redis is down), and the bus (every replica's messages; this one's own announcements
 * may be dropped by the bus, its drain's come back).
 */
export class AdminEventStreams {
  readonly #subscribers = new Set<AdminSubscriber>();
  readonly #delivered = new DeliveredChanges();
  readonly #options: AdminEventStreamsOptions;
  readonly #now: () => number;
  /** Environment id → keys and project id (keys never change; emptied when environments are deleted). */
  readonly #environments = new Map<string, EnvironmentKeys>();
  /** Project key → id (emptied when environments, so possibly projects, are deleted). */
  readonly #projects = new Map<string, string>();

  constructor(options: AdminEventStreamsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /** Adds an open response; it leaves when the client goes away. */
  add(subscriber: AdminSubscriber): void {
    this.#subscribers.add(subscriber);
    subscriber.response.on('close', () => this.#subscribers.delete(subscriber));
  }

  /**
   * A change this replica committed (from the change notifier, after commit). Remembered even
   * without streams (its keys are cached per environment), so the bus's copy of it, which may come
   * after a stream opened, is not sent as new.
   */
  async publishLocal(event: ChangeEvent): Promise<void> {
    const missing = event.environmentIds.filter((id) => !this.#environments.has(id));
    if (missing.length > 0) {
      const rows = await this.#options.prisma.environment.findMany({
        where: { id: { in: missing } },
        select: { id: true, key: true, projectId: true, project: { select: { key: true } } },
      });
      if (this.#environments.size > 10_000) this.#environments.clear();
      for (const row of rows) {
        this.#environments.set(row.id, { project: row.project.key, environment: row.key, projectId: row.projectId });
      }
    }
    for (const { environmentId, revision } of event.revisions) {
      const keys = this.#environments.get(environmentId);
      if (!keys) continue; // deleted meanwhile
      const { project, environment, projectId } = keys;
      const change = { project, environment, revision, flags: event.flags, segments: event.segments };
      if (this.#delivered.first(change)) this.#send(change, projectId);
    }
  }

  /** A change message from the bus (any replica's, possibly this one's: see the class). */
  async publishMessage(message: ChangeMessage): Promise<void> {
    const change: AdminChangeEvent = {
      project: message.projectKey,
      environment: message.environmentKey,
      revision: message.revision,
      flags: message.changed.flags,
      segments: message.changed.segments,
    };
    if (!this.#delivered.first(change) || this.#subscribers.size === 0) return;
    let projectId = this.#projects.get(message.projectKey);
    if (projectId === undefined) {
      const row = await this.#options.prisma.project.findUnique({
        where: { key: message.projectKey },
        select: { id: true },
      });
      if (!row) return; // deleted meanwhile
      if (this.#projects.size > 10_000) this.#projects.clear();
      projectId = row.id;
      this.#projects.set(message.projectKey, projectId);
    }
    this.#send(change, projectId);
  }

  /** Tells every stream to refetch: changes may have been missed (the bus was away). */
  resync(): void {
    for (const subscriber of this.#subscribers) this.#write(subscriber, RESYNC_FRAME);
  }

  /**
   * Ends the streams of revoked API tokens; deleted environments (and projects) drop the cached
   * keys and ids and the delivered revisions, so one recreated under the same keys starts afresh.
   */
  closeRevoked(revoked: { tokenIds: readonly string[]; environmentIds: readonly string[] }): void {
    if (revoked.environmentIds.length > 0) {
      this.#environments.clear();
      this.#projects.clear();
      this.#delivered.forget();
    }
    const tokenIds = new Set(revoked.tokenIds);
    for (const subscriber of this.#subscribers) {
      if (subscriber.holder.kind === 'token' && tokenIds.has(subscriber.holder.id)) this.#end(subscriber);
    }
  }

  /**
   * Re-reads every stream's credential and rights from Postgres (ends the streams whose credential
   * stopped working, narrows or widens the others to their current rights), then sends every stream
   * a comment (which also keeps proxies from closing idle streams).
   */
  async ping(): Promise<void> {
    const byHolder = new Map<string, AdminSubscriber[]>();
    for (const subscriber of this.#subscribers) {
      const key = `${subscriber.holder.kind}:${subscriber.holder.id}`;
      byHolder.set(key, [...(byHolder.get(key) ?? []), subscriber]);
    }
    const now = this.#now();
    await Promise.all(
      [...byHolder.values()].map(async (subscribers) => {
        let rights;
        try {
          rights = await currentRights(this.#options.prisma, subscribers[0]!.holder, {
            now,
            sessionIdleTimeoutMs: this.#options.sessionIdleTimeoutMs,
          });
        } catch (error) {
          // Postgres unreachable: nobody can revoke anything meanwhile; the streams keep their rights.
          this.#options.onError?.(error);
          return;
        }
        for (const subscriber of subscribers) {
          if (rights === null) this.#end(subscriber);
          else this.#refresh(subscriber, rights);
        }
      }),
    );
    for (const subscriber of this.#subscribers) this.#write(subscriber, ': ping\n\n');
  }

  closeAll(): void {
    for (const subscriber of this.#subscribers) subscriber.response.end();
    this.#subscribers.clear();
  }

  /** Sends a change (seen for the first time) to the streams that watch its project and may read it. */
  #send(event: AdminChangeEvent, projectId: string): void {
    const frame = `event: change\ndata: ${JSON.stringify(event)}\n\n`;
    for (const subscriber of this.#subscribers) {
      if (subscriber.projectId !== undefined && subscriber.projectId !== projectId) continue;
      if (!can(subscriber.principal, 'project.read', { projectId })) continue;
      this.#write(subscriber, frame);
    }
  }

  #refresh(subscriber: AdminSubscriber, rights: Rights): void {
    subscriber.principal = { ...subscriber.principal, instanceRole: rights.instanceRole, grants: rights.grants };
  }

  #write(subscriber: AdminSubscriber, frame: string): void {
    // A client that does not read (or reads too slowly) is dropped rather than buffered without
    // bound; the console reconnects and refetches.
    const tooSlow = subscriber.response.writableLength > MAX_BUFFERED_BYTES;
    if (this.#options.stillAllowed(subscriber.holder) && !tooSlow) subscriber.response.write(frame);
    else this.#end(subscriber);
  }

  #end(subscriber: AdminSubscriber): void {
    this.#subscribers.delete(subscriber);
    subscriber.response.end();
  }
}
