import { SCHEMA_VERSION, type Snapshot, type SnapshotPatch } from '../model/flag.js';

/*
 * Cheap structural checks of payloads received over the network. They are deliberately shallow:
 * the server validates every flag with the zod schemas at write time, and the evaluator never
 * throws on odd data; these only keep garbage (HTML error pages, truncated JSON, another schema
 * version) from replacing a good snapshot. Full validation lives in `@switchyard/core/schema`,
 * which the browser bundle does not carry.
 */

type Fields = Record<string, unknown>;

const isListOf = (value: unknown, isItem: (item: unknown) => boolean) => Array.isArray(value) && value.every(isItem);

// JSON cannot give a primitive or an array a `key` or `schemaVersion` property: reading one off
// anything that is not `null` or `undefined` is a safe object test here.
const isKeyed = (item: unknown) => typeof (item as Fields | undefined)?.key == 'string';

const isString = (item: unknown) => typeof item == 'string';

/** What snapshots and patches share: this schema version, a revision, keyed flags and segments. */
const isVersioned = (fields: Fields | undefined) =>
  fields?.schemaVersion === SCHEMA_VERSION &&
  Number.isSafeInteger(fields.revision) &&
  (fields.revision as number) >= 0 &&
  isListOf(fields.flags, isKeyed) &&
  isListOf(fields.segments, isKeyed);

/** True when `value` looks like a {@link Snapshot} of the schema version this code understands. */
export function isSnapshot(value: unknown): value is Snapshot {
  // (The casts repeated rather than a local: a local costs the browser bundle bytes.)
  return (
    isVersioned(value as Fields) && isString((value as Fields).projectKey) && isString((value as Fields).environmentKey)
  );
}

/** True when `value` looks like a {@link SnapshotPatch} of the schema version this code understands. */
export function isSnapshotPatch(value: unknown): value is SnapshotPatch {
  return (
    isVersioned(value as Fields) &&
    isListOf((value as Fields).deletedFlags, isString) &&
    isListOf((value as Fields).deletedSegments, isString)
  );
}
