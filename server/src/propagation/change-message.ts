import type { Flag, Segment } from '@switchyard/core';
import { parseJsonObject } from './json-object.js';

/**
 * The message announcing a committed change of one environment's snapshot, as published on
 * `switchyard:changes:<projectKey>:<environmentKey>` (see spec/sdk-protocol.md). Receivers treat it
 * as a hint: they read the snapshot itself from Postgres (or the snapshot cache).
 */
export interface ChangeMessage {
  projectKey: string;
  environmentKey: string;
  /** The environment's revision after the change. */
  revision: number;
  /** Keys whose snapshot entry changed. */
  changed: { flags: string[]; segments: string[] };
  /**
   * The new entries of the changed keys (a key without one left the snapshot), when the publisher
   * committed the change itself and it is small (a toggle): a replica at the revision before
   * applies them without reading Postgres. Absent otherwise; SDKs ignore it.
   */
  entries?: { flags: Flag[]; segments: Segment[] };
}

/** At most this many entries ride along in a message (see `ChangeMessage.entries`). */
export const MAX_MESSAGE_ENTRIES = 16;

export const CHANGES_CHANNEL_PREFIX = 'switchyard:changes:';

/** The pub/sub channel of one environment. */
export function changesChannel(projectKey: string, environmentKey: string): string {
  return `${CHANGES_CHANNEL_PREFIX}${projectKey}:${environmentKey}`;
}

/** Parses a message received from the bus; null when it is not a change message. */
export function parseChangeMessage(text: string): ChangeMessage | null {
  const value = parseJsonObject(text);
  if (value === null) return null;
  // The announcement of a pending kill, for direct-Redis SDKs only: replicas learn pending kills
  // from their own channel, and must not take its revision for a committed one.
  if ((value as { pendingKill?: unknown }).pendingKill === true) return null;
  const message = value as Partial<ChangeMessage>;
  if (
    typeof message.projectKey !== 'string' ||
    typeof message.environmentKey !== 'string' ||
    typeof message.revision !== 'number' ||
    !Number.isInteger(message.revision)
  ) {
    return null;
  }
  const changed = (message.changed ?? {}) as Partial<ChangeMessage['changed']>;
  const parsed: ChangeMessage = {
    projectKey: message.projectKey,
    environmentKey: message.environmentKey,
    revision: message.revision,
    changed: {
      flags: Array.isArray(changed.flags) ? changed.flags.map(String) : [],
      segments: Array.isArray(changed.segments) ? changed.segments.map(String) : [],
    },
  };
  const entries = message.entries as { flags?: unknown; segments?: unknown } | undefined;
  if (entries && keyedList(entries.flags) && keyedList(entries.segments)) {
    parsed.entries = { flags: entries.flags as Flag[], segments: entries.segments as Segment[] };
  }
  return parsed;
}

/** An array of objects with a string `key` (entries written by a server; anything else is ignored). */
function keyedList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) => typeof entry === 'object' && entry !== null && typeof (entry as { key?: unknown }).key === 'string',
    )
  );
}
