import type { Flag, Snapshot, SnapshotPatch } from '@switchyard/core';
import { onFlag, patchOf, snapshotOf } from '../../../core/test/fixtures.js';

/** A client-side boolean flag, on for everyone unless `enabled: false`. */
export function booleanFlag(key: string, overrides: Partial<Flag> = {}): Flag {
  return onFlag(key, { clientSide: true, ...overrides });
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
  return snapshotOf(flags, [], revision, { projectKey: 'shop', environmentKey: 'prod' });
}

export function patch(revision: number, flags: Flag[], deletedFlags: string[] = []): SnapshotPatch {
  return patchOf(revision, { flags, deletedFlags });
}
