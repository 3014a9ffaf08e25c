import type { ServerResponse } from 'node:http';
import type { SnapshotPatch } from '@switchyard/core';
import type { ServerMetrics } from '../propagation/metrics.js';
import type { FeedState } from './feed-state.js';
import { SseConnection, sseEvent, type StreamView } from './sse-connection.js';

/** The patch of one revision, and its frame per view. */
class FeedEvent {
  readonly #patches: Record<StreamView, SnapshotPatch>;
  readonly #frames: Partial<Record<StreamView, Buffer>> = {};

  /**
   * `base`: the revision the run of patches this one came in started from. Its client frame is
   * right only for a stream at that revision or later in the run (see `clientPatches`).
   */
  constructor(
    readonly revision: number,
    readonly base: number,
    server: SnapshotPatch,
    client: SnapshotPatch,
  ) {
    this.#patches = { server, client };
  }

  /**
   * Encoded once, on first use: every stream writes the same bytes (no UTF-8 encode per stream),
   * and a replica with no stream of that view never encodes it.
   */
  frame(view: StreamView): Buffer {
    return (this.#frames[view] ??= Buffer.from(sseEvent('patch', this.revision, JSON.stringify(this.#patches[view]))));
  }
}

export interface FeedStreamsOptions {
  /** Patches kept for resuming streams. */
  ringSize: number;
  maxBufferedBytes: number;
  metrics: ServerMetrics;
  /**
   * Streams written per turn of the event loop when sending to all of them (default
   * `FANOUT_SLICE`): a fan-out to more yields between slices so other requests are not held up.
   */
  fanoutSlice?: number;
}

/**
 * ~500 writes take 2–4 ms of CPU here: what another request (the kill switch, a health probe) may
 * wait behind a fan-out, instead of the 50–100 ms of a whole 10,000-stream fan-out in one go.
 */
export const FANOUT_SLICE = 500;

/** A run of patches as published: from `base` to `state`. */
interface PatchRun {
  base: number;
  events: FeedEvent[];
  state: FeedState;
}

/** One piece of work for every stream open when it starts: a run of patches, or `apply` (a put, a heartbeat). */
interface FanoutJob {
  readonly run?: PatchRun;
  readonly apply?: (connection: SseConnection) => void;
  /** The streams it is for; filled when the job starts. */
  targets: SseConnection[] | undefined;
  next: number;
}

/**
 * The SSE streams of one environment on one replica and the last `ringSize` patches they may
 * resume from. The feed tells it what to send; this decides, per stream, between patches and a
 * whole snapshot. Sending to every stream (patches, a put, a heartbeat) is a queued job written
 * in slices of `fanoutSlice` streams, one turn of the event loop each: 10,000 socket writes take
 * 70–150 ms of CPU here, which a kill switch or a health probe would otherwise wait behind.
 */
export class FeedStreams {
  readonly #options: FeedStreamsOptions;
  readonly #connections = new Set<SseConnection>();
  #ring: FeedEvent[] = [];
  /** The streams were last sent an overlaid snapshot (so a change must send them a put, not patches). */
  #overlaid = false;
  /**
   * Fan-outs not finished yet, oldest first. They run one after the other, so every stream gets
   * its events in revision order even when a change comes while the previous one is still being
   * written (a stream the first has not reached yet would otherwise get the second first).
   */
  readonly #jobs: FanoutJob[] = [];
  #scheduled = false;

  constructor(options: FeedStreamsOptions) {
    this.#options = options;
  }

  get connections(): ReadonlySet<SseConnection> {
    return this.#connections;
  }

  /**
   * Opens a stream on `response`: a `put` of `served` when pending kills apply, else the patches
   * after `lastEventId` when the ring still has them (nothing when it is current), else a `put`.
   */
  open(
    response: ServerResponse,
    view: StreamView,
    lastEventId: number | undefined,
    tokenId: string,
    at: { state: FeedState; served: FeedState | undefined; labels: Record<'project' | 'environment', string> },
  ): SseConnection {
    const labels = { ...at.labels, kind: view };
    const metrics = this.#options.metrics;
    const connection = new SseConnection(response, view, -1, {
      tokenId,
      maxBufferedBytes: this.#options.maxBufferedBytes,
      onClose: () => {
        this.#connections.delete(connection);
        metrics.streams.dec(labels);
      },
    });
    this.#connections.add(connection);
    metrics.streams.inc(labels);
    const { state, served } = at;
    if (served) {
      connection.sendSnapshot(served.revision, served.put(view));
    } else if (lastEventId !== undefined && this.#canResume(lastEventId, state, view)) {
      connection.revision = lastEventId;
      for (const event of this.#ring) {
        if (event.revision > lastEventId && !connection.send(event.revision, event.frame(view))) break;
      }
    } else {
      connection.sendSnapshot(state.revision, state.put(view));
    }
    return connection;
  }

  /**
   * The run of patches from `base` to `state` (server view, and the client view of each): kept for
   * resuming and sent to every stream; a stream behind `base` gets `state` whole. With `served`
   * (pending kills apply), or when the streams hold an overlaid snapshot, every stream gets the
   * served snapshot whole instead.
   */
  publish(
    base: number,
    patches: readonly SnapshotPatch[],
    forClients: readonly SnapshotPatch[],
    state: FeedState,
    served: FeedState | undefined,
  ): void {
    const events = patches.map((patch, index) => new FeedEvent(patch.revision, base, patch, forClients[index]!));
    this.#ring.push(...events);
    const { ringSize } = this.#options;
    if (this.#ring.length > ringSize) this.#ring.splice(0, this.#ring.length - ringSize);
    if (served || this.#overlaid) {
      this.sendWhole(served ?? state, served !== undefined);
      return;
    }
    this.#enqueue({ run: { base, events, state }, targets: undefined, next: 0 });
  }

  /** Fan-outs queued or in progress (tests and metrics). */
  get pendingFanouts(): number {
    return this.#jobs.length;
  }

  /**
   * Runs a job on every stream open now, after the fan-outs before it: the first slice at once
   * (so a feed with few streams sends synchronously, as before), the rest a slice per turn of the
   * event loop. A stream closed meanwhile is skipped; one opened meanwhile is not included (it got
   * a put or the ring's patches when it opened, so it is at least as new).
   */
  #enqueue(job: FanoutJob): void {
    this.#jobs.push(job);
    if (this.#jobs.length === 1) this.#runSlice();
  }

  #runSlice(): void {
    let budget = this.#options.fanoutSlice ?? FANOUT_SLICE;
    while (budget > 0 && this.#jobs.length > 0) {
      const job = this.#jobs[0]!;
      const targets = (job.targets ??= [...this.#connections]);
      const end = Math.min(targets.length, job.next + budget);
      const sender = job.run ? this.#patchSender() : undefined;
      const apply = sender?.apply ?? job.apply!;
      for (let i = job.next; i < end; i++) {
        const connection = targets[i]!;
        if (!connection.closed) apply(connection);
      }
      if (sender && sender.tally.writes > 0) {
        // Once per slice, not per stream: a labelled counter's inc costs more than the write's JS.
        this.#options.metrics.streamPatchWrites.inc(sender.tally.writes);
        this.#options.metrics.streamPatches.inc(sender.tally.patches);
      }
      budget -= end - job.next;
      job.next = end;
      if (end === targets.length) this.#jobs.shift();
    }
    if (this.#jobs.length > 0 && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        this.#runSlice();
      });
    }
  }

  /**
   * Sends the first job's run of patches to a stream, together with those of the runs queued right
   * behind it: a stream the fan-out reaches late (changes came faster than it wrote) gets every
   * patch it lacks in ONE write, one packet instead of one per change, and the later jobs then
   * find it current. Only patch runs that follow on each other are joined (a put or a heartbeat
   * in between keeps its place), so each stream still gets every revision, in order.
   */
  #patchSender(): { apply: (connection: SseConnection) => void; tally: { writes: number; patches: number } } {
    const runs = [this.#jobs[0]!.run!];
    for (let i = 1; i < this.#jobs.length; i++) {
      const next = this.#jobs[i]!.run;
      const last = runs[runs.length - 1]!;
      if (!next || next.base !== last.state.revision || next.events[0]!.revision !== last.state.revision + 1) break;
      runs.push(next);
    }
    const events = runs.length === 1 ? runs[0]!.events : runs.flatMap((run) => run.events);
    const first = events[0]!.revision;
    const newest = runs[runs.length - 1]!.state;
    const last = events[events.length - 1]!.revision;
    /** The frames from a revision on, joined once per view and starting revision (not per stream). */
    const joined = new Map<string, Buffer>();
    const tally = { writes: 0, patches: 0 };
    const apply = (connection: SseConnection) => {
      const from = connection.revision;
      // Already has it: opened (put or resume) or sent a whole snapshot after this was queued.
      if (from >= last) return;
      const view = connection.view;
      if (from < first - 1) {
        connection.sendSnapshot(newest.revision, newest.put(view));
        return;
      }
      const start = from - first + 1;
      tally.writes++;
      tally.patches += events.length - start;
      if (start === events.length - 1) {
        // The usual case (one toggle): the event's shared frame as it is.
        connection.send(last, events[start]!.frame(view));
        return;
      }
      const key = `${view} ${from}`;
      let bytes = joined.get(key);
      if (!bytes) {
        bytes = Buffer.concat(events.slice(start).map((event) => event.frame(view)));
        joined.set(key, bytes);
      }
      connection.send(last, bytes);
    };
    return { apply, tally };
  }

  /** Forgets the patches kept for resuming (the state was replaced, not patched). */
  clearRing(): void {
    this.#ring = [];
  }

  /** Sends every stream `served` whole; `overlaid` when it has pending kills applied. */
  sendWhole(served: FeedState, overlaid: boolean): void {
    const apply = (connection: SseConnection) =>
      void connection.sendSnapshot(served.revision, served.put(connection.view));
    this.#enqueue({ apply, targets: undefined, next: 0 });
    this.#overlaid = overlaid;
  }

  /** Writes `frame` (a heartbeat) to every stream. */
  broadcast(frame: string): void {
    this.#enqueue({ apply: (connection) => void connection.write(frame), targets: undefined, next: 0 });
  }

  /** Ends every stream. */
  closeAll(): void {
    for (const connection of [...this.#connections]) connection.close('server');
  }

  /** Ends the streams opened with one of `tokenIds`; returns how many. */
  closeTokens(tokenIds: ReadonlySet<string>): number {
    let closed = 0;
    for (const connection of [...this.#connections]) {
      if (!tokenIds.has(connection.tokenId)) continue;
      connection.close('server');
      closed++;
    }
    return closed;
  }

  #canResume(lastEventId: number, state: FeedState, view: StreamView): boolean {
    if (lastEventId === state.revision) return true;
    if (lastEventId > state.revision) return false;
    const oldest = this.#ring[0];
    if (oldest === undefined || oldest.revision > lastEventId + 1) return false;
    if (view === 'server') return true;
    // A client view inside a run of patches this replica built at once (another replica's state)
    // is unknown here: the run's client patches may miss a deletion it needs, so it gets a put.
    const next = this.#ring.find((event) => event.revision === lastEventId + 1);
    return next !== undefined && next.base === lastEventId;
  }
}
