import type { Condition } from '@switchyard/core';
import type { SegmentResponse } from './schemas.js';
import type { SegmentRow } from './store.js';

/** What the API (and the audit log) shows of a segment: no internal ids. */
export function segmentView(row: SegmentRow): SegmentResponse {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    conditions: row.conditions as unknown as Condition[],
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
