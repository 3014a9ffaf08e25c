import type { Flag, Segment, Snapshot, SnapshotPatch } from '../../src/index.js';

/** A boolean flag serving `on` to everyone (or `off` when disabled). */
export function booleanFlag(key: string, overrides: Partial<Flag> = {}): Flag {
  return {
    key,
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'on' },
    rules: [],
    prerequisites: [],
    version: 1,
    ...overrides,
  };
}

export function snapshot(revision: number, flags: Flag[], segments: Segment[] = []): Snapshot {
  return { schemaVersion: 1, projectKey: 'shop', environmentKey: 'prod', revision, flags, segments };
}

export function patch(revision: number, changes: Partial<Omit<SnapshotPatch, 'revision'>> = {}): SnapshotPatch {
  return { schemaVersion: 1, revision, flags: [], deletedFlags: [], segments: [], deletedSegments: [], ...changes };
}
