import type { Flag, Segment, Snapshot } from '../../src/index.js';
import { onFlag, patchOf, snapshotOf } from '../fixtures.js';

/** A boolean flag serving `on` to everyone (or `off` when disabled). */
export const booleanFlag = onFlag;

export const patch = patchOf;

export function snapshot(revision: number, flags: Flag[], segments: Segment[] = []): Snapshot {
  return snapshotOf(flags, segments, revision, { projectKey: 'shop', environmentKey: 'prod' });
}
