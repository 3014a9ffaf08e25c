import type { Condition, Flag, Rule, Segment, Snapshot } from '../src/index.js';

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

/** A rule serving `on` with the given conditions. */
export function ruleWith(conditions: Condition[], overrides: Partial<Rule> = {}): Rule {
  return { id: 'r1', conditions, segments: [], serve: { variant: 'on' }, ...overrides };
}

/** A snapshot of these flags and segments. */
export function snapshotOf(flags: Flag[], segments: Segment[] = [], revision = 1): Snapshot {
  return { schemaVersion: 1, projectKey: 'p', environmentKey: 'e', revision, flags, segments };
}
