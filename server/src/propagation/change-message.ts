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
}

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
  return {
    projectKey: message.projectKey,
    environmentKey: message.environmentKey,
    revision: message.revision,
    changed: {
      flags: Array.isArray(changed.flags) ? changed.flags.map(String) : [],
      segments: Array.isArray(changed.segments) ? changed.segments.map(String) : [],
    },
  };
}
