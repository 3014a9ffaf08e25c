/** What a source of snapshots (HTTP, Redis) reports to the client. */
export interface SourceHooks {
  /** An authoritative whole snapshot (server `put`, fetched snapshot, Redis key). */
  put(snapshot: unknown, options: { allowOlder: boolean }): 'applied' | 'stale' | 'gap' | 'invalid';
  /** A patch from the stream. */
  patch(patch: unknown): 'applied' | 'stale' | 'gap' | 'invalid';
  /** The revision the client holds from the server, or undefined (nothing, or only bootstrap / cache). */
  confirmedRevision(): number | undefined;
  /** The server (or Redis) answered: the client is in contact, whether or not anything changed. */
  contact(): void;
  /**
   * Something failed; the client keeps serving what it has. `conclusive` is false when a retry
   * that may succeed follows at once (a stream failure is followed by a snapshot fetch).
   */
  failed(error: Error, conclusive: boolean): void;
  /** The server refused the key (401/403): the source has stopped; the client fails for good. */
  fatal(error: Error): void;
}

/** A running source of snapshots. */
export interface Source {
  start(): void;
  /** Stops all I/O and timers. */
  close(): Promise<void>;
}
