import type { Flag, Segment } from '@switchyard/core';
import type { RecordedSummary } from './record-change.js';

/** What changed, announced after the change's transaction committed. */
export interface ChangeEvent {
  /** Environments whose snapshot changed. */
  environmentIds: string[];
  /** The new revision of each of those environments. */
  revisions: EnvironmentRevision[];
  /** Keys of flags whose snapshot entry changed (in any of the environments). */
  flags: string[];
  /** Keys of segments whose snapshot entry changed. */
  segments: string[];
  /**
   * The new snapshot entries of `flags` and `segments` (a key without an entry left the snapshot),
   * when the writer has them. Only for an event of ONE change (each environment moved by exactly
   * one revision): a snapshot cache at the revision before can apply them without a database read.
   */
  entries?: ChangeEntries;
}

/** Snapshot entries as of a change (see `ChangeEvent.entries`). */
export interface ChangeEntries {
  flags: Flag[];
  segments: Segment[];
}

export interface EnvironmentRevision {
  environmentId: string;
  revision: number;
}

export type ChangeListener = (event: ChangeEvent) => void | Promise<void>;

/** Called after commit with every change a transaction recorded (in the order recorded). */
export type RecordedListener = (changes: readonly RecordedSummary[]) => void | Promise<void>;

/**
 * Tells interested parties (SSE streams, the Redis publisher, caches) that committed changes
 * affected some environments. In-process only: cross-instance delivery reads the outbox.
 * A failing listener never breaks the write that triggered it, nor the other listeners.
 */
export class ChangeNotifier {
  readonly #listeners = new Set<ChangeListener>();
  readonly #recordedListeners = new Set<RecordedListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Calls every listener with `event`. Call it after commit, never inside a transaction. */
  notify(event: ChangeEvent): void {
    if (event.environmentIds.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        const result = listener(event);
        if (result instanceof Promise) result.catch(this.onListenerError);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Subscribes `listener`; returns the function that unsubscribes it. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Announces committed changes, every one of them (also those no SDK sees: tokens, webhooks), e.g.
   * for a live audit stream or to wake the job runner. Call it after commit. In-process only:
   * durable reactions read `event_outbox`, which the change's own transaction wrote.
   */
  recorded(changes: readonly RecordedSummary[]): void {
    if (changes.length === 0) return;
    for (const listener of this.#recordedListeners) {
      try {
        const result = listener(changes);
        if (result instanceof Promise) result.catch(this.onListenerError);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  /** Subscribes `listener` to `recorded`; returns the function that unsubscribes it. */
  onRecorded(listener: RecordedListener): () => void {
    this.#recordedListeners.add(listener);
    return () => this.#recordedListeners.delete(listener);
  }
}
