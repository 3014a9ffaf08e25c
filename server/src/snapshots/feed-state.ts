import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Snapshot } from '@switchyard/core';
import { snapshotJson } from './snapshot-json.js';
import type { StreamView } from './sse-connection.js';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Content codings the snapshot endpoint serves besides identity. */
export type SnapshotEncoding = 'gzip' | 'br';

/** What made an encoding, for counting (`switchyard_snapshot_encodings_total`). */
export type EncodingKind = 'json' | SnapshotEncoding;

/**
 * One environment's current snapshot on this replica, in both views, with ready-to-send encodings.
 * Each encoding is made on first use and kept for the revision: a revision nobody fetches whole
 * (a burst of writes, streams that only need patches) costs no serialization of the snapshot, and
 * every later request or stream of that revision reuses the same bytes.
 */
export interface FeedState {
  revision: number;
  snapshot: Snapshot;
  client: Snapshot;
  /** Snapshot JSON of a view (the shared cache stores the server one). */
  json(view: StreamView): string;
  /** The /sdk/snapshot body of a view, encoded once (no 6 MB UTF-8 encode per request). */
  body(view: StreamView): Buffer;
  /** `body(view)` compressed with `encoding`, once per revision (off the event loop, in zlib's threads). */
  encoded(view: StreamView, encoding: SnapshotEncoding): Promise<Buffer>;
  /** The `put` frame of a view, as bytes: every stream that opens at this revision writes the same buffer. */
  put(view: StreamView): Buffer;
}

/** `make(view)` run at most once per view. */
function perView<T>(make: (view: StreamView) => T): (view: StreamView) => T {
  const made: Partial<Record<StreamView, T>> = {};
  return (view) => (made[view] ??= make(view));
}

/** Brotli's default quality (11) takes seconds on a 6 MB snapshot; 5 is close in size at gzip's speed. */
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };

/**
 * A snapshot at one revision, in both views, with each encoding made on first use. `onEncode` is
 * told each time an encoding is actually made (not when a cached one is reused).
 */
export function feedState(
  snapshot: Snapshot,
  client: Snapshot,
  serverJson?: string,
  onEncode: (kind: EncodingKind) => void = () => {},
): FeedState {
  const json = perView((view) => {
    if (view === 'server' && serverJson !== undefined) return serverJson;
    onEncode('json');
    return snapshotJson(view === 'server' ? snapshot : client);
  });
  const body = perView((view) => Buffer.from(json(view)));
  const compressed: Partial<Record<`${StreamView}:${SnapshotEncoding}`, Promise<Buffer>>> = {};
  return {
    revision: snapshot.revision,
    snapshot,
    client,
    json,
    body,
    encoded(view, encoding) {
      const slot = `${view}:${encoding}` as const;
      let made = compressed[slot];
      if (!made) {
        onEncode(encoding);
        made = encoding === 'gzip' ? gzipAsync(body(view)) : brotliAsync(body(view), BROTLI_OPTIONS);
        // A failure is not kept: the next request tries again.
        made.catch(() => delete compressed[slot]);
        compressed[slot] = made;
      }
      return made;
    },
    put: perView((view) =>
      Buffer.concat([Buffer.from(`event: put\nid: ${snapshot.revision}\ndata: `), body(view), Buffer.from('\n\n')]),
    ),
  };
}
