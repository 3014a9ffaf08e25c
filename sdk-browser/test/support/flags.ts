import type { Flag, Snapshot, SnapshotPatch } from '@switchyard/core';

/** A boolean flag, on for everyone unless `enabled: false`. */
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
    clientSide: true,
    ...overrides,
  };
}

/** A string flag serving `pro` to users with plan "pro", `basic` otherwise. */
export function planCopyFlag(key = 'checkout-copy'): Flag {
  return {
    key,
    type: 'string',
    variants: [
      { key: 'basic', value: 'Buy now' },
      { key: 'pro', value: 'Upgrade your cart' },
    ],
    enabled: true,
    offVariant: 'basic',
    defaultServe: { variant: 'basic' },
    rules: [
      {
        id: 'pro-plan',
        conditions: [{ attribute: 'plan', operator: 'in', values: ['pro'] }],
        segments: [],
        serve: { variant: 'pro' },
      },
    ],
    prerequisites: [],
    version: 1,
    clientSide: true,
  };
}

export function numberFlag(key: string, value: number): Flag {
  return {
    key,
    type: 'number',
    variants: [{ key: 'v', value }],
    enabled: true,
    offVariant: 'v',
    defaultServe: { variant: 'v' },
    rules: [],
    prerequisites: [],
    version: 1,
    clientSide: true,
  };
}

export function snapshot(revision: number, flags: Flag[]): Snapshot {
  return { schemaVersion: 1, projectKey: 'shop', environmentKey: 'prod', revision, flags, segments: [] };
}

export function patch(revision: number, flags: Flag[], deletedFlags: string[] = []): SnapshotPatch {
  return { schemaVersion: 1, revision, flags, deletedFlags, segments: [], deletedSegments: [] };
}
