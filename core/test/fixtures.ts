// The flag and snapshot builders of every package's tests (sdk-node and sdk-browser import this file
// by relative path), so a model change is made once.
import type { Condition, Flag, Rule, Segment, Snapshot, SnapshotPatch } from '../src/index.js';

/** A boolean flag with variants on/off, serving off by default; override any field. */
export function booleanFlag(overrides: Partial<Flag> = {}): Flag {
  return {
    key: 'flag',
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [],
    prerequisites: [],
    version: 1,
    ...overrides,
  };
}

/** A boolean flag `key` serving `on` to everyone (or `off` when disabled); override any field. */
export function onFlag(key: string, overrides: Partial<Flag> = {}): Flag {
  return booleanFlag({ key, defaultServe: { variant: 'on' }, ...overrides });
}

/** A rule serving `on` with the given conditions. */
export function ruleWith(conditions: Condition[], overrides: Partial<Rule> = {}): Rule {
  return { id: 'r1', conditions, segments: [], serve: { variant: 'on' }, ...overrides };
}

/** Project and environment a snapshot belongs to. */
export interface SnapshotScope {
  projectKey: string;
  environmentKey: string;
}

/** A snapshot of these flags and segments (of project `p`, environment `e` unless `scope` says otherwise). */
export function snapshotOf(
  flags: Flag[],
  segments: Segment[] = [],
  revision = 1,
  scope: SnapshotScope = { projectKey: 'p', environmentKey: 'e' },
): Snapshot {
  return { schemaVersion: 1, ...scope, revision, flags, segments };
}

/** A patch to `revision` carrying these changes (none by default). */
export function patchOf(
  revision: number,
  changes: Partial<Omit<SnapshotPatch, 'schemaVersion' | 'revision'>> = {},
): SnapshotPatch {
  return { schemaVersion: 1, revision, flags: [], deletedFlags: [], segments: [], deletedSegments: [], ...changes };
}
