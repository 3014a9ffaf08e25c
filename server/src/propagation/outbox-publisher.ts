import type { ChangeEvent, EnvironmentRevision } from '../changes/index.js';
import { PREPARE, queryRows } from '../db/index.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { ChangeBus } from './bus.js';
import { MAX_MESSAGE_ENTRIES, type ChangeMessage } from './change-message.js';

export interface OutboxPublisherOptions {
  /** Poll for unpublished rows this often (catches rows whose notify was lost, and Redis outages). */
  pollIntervalMs?: number;
  /** Rows per transaction. */
  batchSize?: number;
  /** Published rows are deleted once older than this (resuming replicas read them as change hints). */
  retentionMs?: number;
  /** How often old rows are pruned. */
  pruneIntervalMs?: number;
  onPublished?: (count: number) => void;
  /**
   * The revisions whose messages the bus just accepted (from `announce` or a drain; the same
   * revision may come twice). One replica gets each: the one that published it.
   */
  onDelivered?: (revisions: readonly EnvironmentRevision[]) => void;
  onError?: (error: unknown) => void;
}

/** How long `announce` waits before marking what it published (rows of a burst are marked together). */
const MARK_DELAY_MS = 20;

interface OutboxRow {
  id: bigint;
  environment_id: string;
  revision: number;
  changed: { flags?: string[]; segments?: string[] } | null;
  environment_key: string;
  project_key: string;
}

/**
 * Drains `change_outbox` to the bus, in id order (per environment that is revision order: the
 * environment row lock serializes writers, so a later revision's row is inserted after the earlier
 * one committed). One replica drains at a time (transaction-level advisory lock), so messages of one
 * environment are never published out of order by two replicas racing. A row is marked published
 * only after the bus accepted it; when the bus is down, rows wait and the poll retries them.
 */
export class OutboxPublisher {
  readonly #prisma: PrismaClient;
  readonly #bus: ChangeBus;
  readonly #pollIntervalMs: number;
  readonly #batchSize: number;
  readonly #retentionMs: number;
  readonly #pruneIntervalMs: number;
  readonly #onPublished: (count: number) => void;
  readonly #onDelivered: (revisions: readonly EnvironmentRevision[]) => void;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #pollTimer: NodeJS.Timeout | undefined;
  /** Environment id → keys (keys never change once created). */
  readonly #keys = new Map<string, { projectKey: string; environmentKey: string }>();
  #pruneTimer: NodeJS.Timeout | undefined;
  /** Published by `announce`, not marked yet (see #markPublished). */
  readonly #toMark: EnvironmentRevision[] = [];
  #markTimer: NodeJS.Timeout | undefined;
  #marking: Promise<void> = Promise.resolve();

  constructor(prisma: PrismaClient, bus: ChangeBus, options: OutboxPublisherOptions = {}) {
    this.#prisma = prisma;
    this.#bus = bus;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#batchSize = options.batchSize ?? 200;
    this.#retentionMs = options.retentionMs ?? 60 * 60_000;
    this.#pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
    this.#onPublished = options.onPublished ?? (() => {});
    this.#onDelivered = options.onDelivered ?? (() => {});
    this.#onError = options.onError ?? (() => {});
  }

  /** Starts the poll and prune timers and drains what is already waiting. */
  start(): void {
    this.#pollTimer = setInterval(() => this.wake(), this.#pollIntervalMs);
    this.#pollTimer.unref();
    this.#pruneTimer = setInterval(() => void this.prune().catch(this.#onError), this.#pruneIntervalMs);
    this.#pruneTimer.unref();
    this.wake();
  }

  /** Drains soon; calls made while a drain runs are coalesced into one more drain. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /**
   * The fast path for a change this replica just committed: publishes it right away (no outbox
   * transaction, no advisory lock) and marks its rows published (batched: see #markPublished). Messages of one environment
   * published this way by two replicas may cross on the wire; receivers reload from Postgres on
   * any newer revision, so order does not matter to them. When this fails, the drain does it.
   */
  async announce(event: ChangeEvent): Promise<void> {
    if (this.#stopped) return;
    try {
      const messages: ChangeMessage[] = [];
      const delivered: EnvironmentRevision[] = [];
      // The entries of one small change ride along: other replicas apply them without a query.
      const { entries } = event;
      const carried =
        entries && event.revisions.length === 1 && entries.flags.length + entries.segments.length <= MAX_MESSAGE_ENTRIES
          ? entries
          : undefined;
      for (const { environmentId, revision } of event.revisions) {
        const keys = await this.#keysOf(environmentId);
        if (!keys) continue;
        const changed = { flags: event.flags, segments: event.segments };
        messages.push(carried ? { ...keys, revision, changed, entries: carried } : { ...keys, revision, changed });
        delivered.push({ environmentId, revision });
      }
      // Committed here, and applied by this replica's own listeners (the snapshot feeds) already.
      await this.#bus.publish(messages, { appliedHere: true });
      this.#onPublished(messages.length);
      if (delivered.length > 0) this.#onDelivered(delivered);
    } catch (error) {
      this.#onError(error);
      this.wake();
      return;
    }
    // Marked a little later, many at once: one UPDATE per burst of changes instead of one per change.
    this.#toMark.push(...event.revisions);
    if (this.#markTimer) return;
    this.#markTimer = setTimeout(() => {
      this.#markTimer = undefined;
      void this.#markPublished();
    }, MARK_DELAY_MS);
    this.#markTimer.unref();
  }

  /**
   * Marks the rows `announce` published. Until then the drain would publish them again (harmless:
   * receivers reload on a newer revision only), so the drain runs this first. When it fails, the
   * rows stay unpublished and the drain publishes them again.
   */
  #markPublished(): Promise<void> {
    // One marking at a time: a drain waiting for this one must not see its rows still unmarked.
    this.#marking = this.#marking.then(() => this.#markNow());
    return this.#marking;
  }

  async #markNow(): Promise<void> {
    const rows = this.#toMark.splice(0);
    if (rows.length === 0) return;
    try {
      // After (nearly) every change: the prepared statement, straight to node-postgres (see queryRows).
      await queryRows(
        this.#prisma,
        Prisma.sql`${Prisma.raw(PREPARE)} UPDATE change_outbox o SET published_at = now()
        FROM unnest(${rows.map((row) => row.environmentId)}::uuid[], ${rows.map((row) => row.revision)}::int[])
          AS marked(environment_id, revision)
        WHERE o.environment_id = marked.environment_id AND o.revision = marked.revision
          AND o.published_at IS NULL`,
      );
    } catch (error) {
      this.#onError(error);
      this.wake();
    }
  }

  async #keysOf(environmentId: string): Promise<{ projectKey: string; environmentKey: string } | undefined> {
    let keys = this.#keys.get(environmentId);
    if (!keys) {
      const row = await this.#prisma.environment.findUnique({
        where: { id: environmentId },
        select: { key: true, project: { select: { key: true } } },
      });
      if (!row) return undefined;
      keys = { projectKey: row.project.key, environmentKey: row.key };
      if (this.#keys.size > 10_000) this.#keys.clear();
      this.#keys.set(environmentId, keys);
    }
    return keys;
  }

  /** Drains until nothing is left (or the bus fails); resolves when done. For tests and shutdown. */
  async drain(): Promise<void> {
    this.wake();
    while (this.#running) await this.#running;
  }

  /** Deletes published rows older than the retention. */
  async prune(): Promise<number> {
    const cutoff = new Date(Date.now() - this.#retentionMs);
    return this.#prisma
      .$executeRaw`DELETE FROM change_outbox WHERE published_at IS NOT NULL AND published_at < ${cutoff}`;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#pollTimer);
    clearInterval(this.#pruneTimer);
    clearTimeout(this.#markTimer);
    this.#markTimer = undefined;
    await this.#running;
    await this.#markPublished();
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      await this.#markPublished();
      try {
        let more = true;
        while (more && !this.#stopped) more = await this.#drainBatch();
      } catch (error) {
        this.#onError(error);
        return; // The poll timer retries.
      }
    } while (this.#again && !this.#stopped);
  }

  /** Publishes one batch; true when a full batch went out (more may wait). */
  async #drainBatch(): Promise<boolean> {
    // Every second on every replica, and almost always with nothing to publish (announce did it):
    // one cheap statement instead of a four-statement transaction. A row committed after it is
    // left for the next drain, as one committed after the transaction's SELECT would be.
    const [waiting] = await queryRows<{ pending: boolean }>(
      this.#prisma,
      Prisma.sql`${Prisma.raw(PREPARE)} SELECT EXISTS (SELECT 1 FROM change_outbox WHERE published_at IS NULL) AS pending`,
    );
    if (waiting?.pending !== true) return false;
    const { published, pending, delivered } = await this.#prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('switchyard:change_outbox'))::text AS locked`;
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT o.id, o.environment_id::text AS environment_id, o.revision, o.changed, e.key AS environment_key, p.key AS project_key
          FROM change_outbox o
          JOIN environments e ON e.id = o.environment_id
          JOIN projects p ON p.id = e.project_id
          WHERE o.published_at IS NULL
          ORDER BY o.id
          LIMIT ${this.#batchSize}`;
        if (rows.length === 0) return { published: 0, pending: 0, delivered: [] };
        await this.#bus.publish(rows.map(toMessage));
        const ids = rows.map((row) => row.id.toString());
        await tx.$executeRaw`UPDATE change_outbox SET published_at = now() WHERE id = ANY(${ids}::bigint[])`;
        return {
          published: rows.length,
          pending: rows.length === this.#batchSize ? 1 : 0,
          delivered: rows.map((row) => ({ environmentId: row.environment_id, revision: row.revision })),
        };
      },
      { timeout: 15_000, maxWait: 15_000 },
    );
    if (published > 0) this.#onPublished(published);
    if (delivered.length > 0) this.#onDelivered(delivered);
    return pending > 0;
  }
}

function toMessage(row: OutboxRow): ChangeMessage {
  return {
    projectKey: row.project_key,
    environmentKey: row.environment_key,
    revision: row.revision,
    changed: { flags: row.changed?.flags ?? [], segments: row.changed?.segments ?? [] },
  };
}
