import { SCHEMA_VERSION, type Snapshot, type SnapshotPatch } from '../model/flag.js';

/*
 * Cheap structural checks of payloads received over the network. They are deliberately shallow:
 * the server validates every flag with the zod schemas at write time, and the evaluator never
 * throws on odd data; these only keep garbage (HTML error pages, truncated JSON, another schema
 * version) from replacing a good snapshot. Full validation lives in `@switchyard/core/schema`,
 * which the browser bundle does not carry.
 */

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value == 'object' && value !== null && !Array.isArray(value);

const isListOf = (value: unknown, isItem: (item: unknown) => boolean) => Array.isArray(value) && value.every(isItem);

const isKeyed = (item: unknown) => isRecord(item) && typeof item.key == 'string';

const isString = (item: unknown) => typeof item == 'string';

/** What snapshots and patches share: this schema version, a revision, keyed flags and segments. */
const isVersioned = (value: unknown): value is Fields =>
  isRecord(value) &&
  value.schemaVersion === SCHEMA_VERSION &&
  Number.isSafeInteger(value.revision) &&
  (value.revision as number) >= 0 &&
  isListOf(value.flags, isKeyed) &&
  isListOf(value.segments, isKeyed);

/** True when `value` looks like a {@link Snapshot} of the schema version this code understands. */
export function isSnapshot(value: unknown): value is Snapshot {
  return isVersioned(value) && isString(value.projectKey) && isString(value.environmentKey);
}

/** True when `value` looks like a {@link SnapshotPatch} of the schema version this code understands. */
export function isSnapshotPatch(value: unknown): value is SnapshotPatch {
  return isVersioned(value) && isListOf(value.deletedFlags, isString) && isListOf(value.deletedSegments, isString);
}
