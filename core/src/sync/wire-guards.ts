import { SCHEMA_VERSION, type Snapshot, type SnapshotPatch } from '../model/flag.js';

/*
 * Cheap structural checks of payloads received over the network. They are deliberately shallow:
 * the server validates every flag with the zod schemas at write time, and the evaluator never
 * throws on odd data; these only keep garbage (HTML error pages, truncated JSON, another schema
 * version) from replacing a good snapshot. Full validation lives in `@switchyard/core/schema`,
 * which the browser bundle does not carry.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRevision(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function areKeyed(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => isRecord(item) && typeof item.key === 'string');
}

function areStrings(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** True when `value` looks like a {@link Snapshot} of the schema version this code understands. */
export function isSnapshot(value: unknown): value is Snapshot {
  return (
    isRecord(value) &&
    value.schemaVersion === SCHEMA_VERSION &&
    isRevision(value.revision) &&
    typeof value.projectKey === 'string' &&
    typeof value.environmentKey === 'string' &&
    areKeyed(value.flags) &&
    areKeyed(value.segments)
  );
}

/** True when `value` looks like a {@link SnapshotPatch} of the schema version this code understands. */
export function isSnapshotPatch(value: unknown): value is SnapshotPatch {
  return (
    isRecord(value) &&
    value.schemaVersion === SCHEMA_VERSION &&
    isRevision(value.revision) &&
    areKeyed(value.flags) &&
    areKeyed(value.segments) &&
    areStrings(value.deletedFlags) &&
    areStrings(value.deletedSegments)
  );
}
