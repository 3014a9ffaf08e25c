import { SCHEMA_VERSION } from '@switchyard/core';

/*
 * Names the flag server uses in Redis (server/src/propagation/change-message.ts; the protocol is in
 * spec/sdk-protocol.md). Duplicated on purpose: the SDK must not depend on the server package.
 */

/** Channel on which every committed change of one environment is announced. */
export function changesChannel(projectKey: string, environmentKey: string): string {
  return `switchyard:changes:${projectKey}:${environmentKey}`;
}

/**
 * Hash holding one environment's server-view snapshot: `revision`, `head` (the other top-level
 * fields), `flags`/`segments` (JSON arrays of the keys in order) and one field per entry,
 * `f:<key>`/`s:<key>` (its JSON). Read with one HGETALL, which Redis runs atomically against the
 * servers' single-script writes, so the revision and the entries are always one snapshot.
 */
export function snapshotKey(projectKey: string, environmentKey: string): string {
  return `switchyard:snapshot-v2:${projectKey}:${environmentKey}`;
}

/**
 * The snapshot (unvalidated: the client checks it) in the fields of an HGETALL of `snapshotKey`;
 * null when the hash is missing, undefined when it is not a whole snapshot.
 */
export function snapshotFromHash(fields: Record<string, string>): unknown {
  const { revision, head, flags, segments } = fields;
  if (revision === undefined && head === undefined) return null;
  if (revision === undefined || head === undefined || flags === undefined || segments === undefined) return undefined;
  try {
    const entries = (prefix: string, order: string): string | undefined => {
      const parts: string[] = [];
      for (const key of JSON.parse(order) as string[]) {
        const entry = fields[prefix + key];
        if (entry === undefined) return undefined;
        parts.push(entry);
      }
      return `[${parts.join(',')}]`;
    };
    const flagJson = entries('f:', flags);
    const segmentJson = entries('s:', segments);
    if (flagJson === undefined || segmentJson === undefined) return undefined;
    const top = JSON.parse(head) as Record<string, unknown>;
    return {
      schemaVersion: top.schemaVersion,
      projectKey: top.projectKey,
      environmentKey: top.environmentKey,
      revision: Number(revision),
      flags: JSON.parse(flagJson) as unknown,
      segments: JSON.parse(segmentJson) as unknown,
    };
  } catch {
    return undefined;
  }
}

/** The revision announced by a change message, or undefined when the text is not one. */
export function announcedRevision(text: string): number | undefined {
  try {
    const message = JSON.parse(text) as { revision?: unknown };
    return typeof message.revision === 'number' && Number.isSafeInteger(message.revision)
      ? message.revision
      : undefined;
  } catch {
    return undefined;
  }
}

/** What a change message announces: the revision and the keys whose entries changed. */
export interface AnnouncedChange {
  revision: number;
  flags: string[];
  segments: string[];
}

/** The change a message announces, or undefined when the text is not a change message. */
export function announcedChange(text: string): AnnouncedChange | undefined {
  const revision = announcedRevision(text);
  if (revision === undefined) return undefined;
  const { changed } = JSON.parse(text) as { changed?: { flags?: unknown; segments?: unknown } };
  const keys = (value: unknown) => (Array.isArray(value) ? value.filter((key) => typeof key === 'string') : []);
  return { revision, flags: keys(changed?.flags), segments: keys(changed?.segments) };
}

/**
 * The fields to HMGET for `change` (the revision first, then its entries), and the patch they
 * make; undefined when the values do not make one (the hash is at another revision, or an entry is
 * missing: deleted, or not written yet), so the whole hash must be read.
 */
export function changedFields(change: AnnouncedChange): {
  fields: string[];
  patch(values: (string | null)[]): unknown;
} {
  const fields = ['revision', ...change.flags.map((key) => `f:${key}`), ...change.segments.map((key) => `s:${key}`)];
  return {
    fields,
    patch(values) {
      if (Number(values[0]) !== change.revision || values.some((value) => value === null)) return undefined;
      try {
        const entries = values.slice(1).map((value) => JSON.parse(value!) as unknown);
        return {
          schemaVersion: SCHEMA_VERSION,
          revision: change.revision,
          flags: entries.slice(0, change.flags.length),
          deletedFlags: [],
          segments: entries.slice(change.flags.length),
          deletedSegments: [],
        };
      } catch {
        return undefined;
      }
    },
  };
}
