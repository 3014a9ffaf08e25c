import { gzipSync } from 'node:zlib';
import type { Snapshot } from '@switchyard/core';
import { sseEvent, type StreamView } from './sse-connection.js';

/**
 * One environment's current snapshot on this replica, in both views, with ready-to-send encodings.
 * Each encoding is made on first use and kept for the revision: a revision nobody fetches whole
 * (a burst of writes, streams that only need patches) costs no serialization of the snapshot.
 */
export interface FeedState {
  revision: number;
  snapshot: Snapshot;
  client: Snapshot;
  /** Snapshot JSON of a view (the shared cache stores the server one). */
  json(view: StreamView): string;
  /** The /sdk/snapshot body of a view, encoded once (no 80 KB UTF-8 encode per request). */
  body(view: StreamView): Buffer;
  /** The gzip of `body(view)`. */
  gzip(view: StreamView): Buffer;
  /** The `put` frame of a view. */
  put(view: StreamView): string;
}

/** `make(view)` run at most once per view. */
function perView<T>(make: (view: StreamView) => T): (view: StreamView) => T {
  const made: Partial<Record<StreamView, T>> = {};
  return (view) => (made[view] ??= make(view));
}

/** A snapshot at one revision, in both views, with each encoding made on first use. */
export function feedState(snapshot: Snapshot, client: Snapshot, serverJson?: string): FeedState {
  const json = perView((view) =>
    view === 'server' ? (serverJson ?? JSON.stringify(snapshot)) : JSON.stringify(client),
  );
  const body = perView((view) => Buffer.from(json(view)));
  return {
    revision: snapshot.revision,
    snapshot,
    client,
    json,
    body,
    gzip: perView((view) => gzipSync(body(view))),
    put: perView((view) => sseEvent('put', snapshot.revision, json(view))),
  };
}
