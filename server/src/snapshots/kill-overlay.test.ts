import type { Flag, Snapshot } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import type { PendingKill } from '../propagation/pending-kill.js';
import { applyPendingKills } from './kill-overlay.js';
import { onFlag } from '../../../core/test/fixtures.js';

const flag = (key: string, version: number, enabled = true): Flag => onFlag(key, { enabled, version });
const snapshot = (revision: number, flags: Flag[]): Snapshot => ({
  schemaVersion: 1,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision,
  flags,
  segments: [],
});
let next = 0;
const kill = (flagKey: string, flagVersion: number, environmentKey = 'prod'): PendingKill => ({
  id: `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`,
  projectKey: 'shop',
  environmentKey,
  flagKey,
  reason: 'incident',
  actor: 'ops',
  acceptedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, next)).toISOString(),
  flagVersion,
});

describe('applyPendingKills', () => {
  it('turns the flag off and moves its version and the revision on by one per kill, as recording will', () => {
    const base = snapshot(10, [flag('a', 3), flag('b', 7)]);
    const first = kill('a', 3);
    const second = kill('a', 4); // accepted while the first was served: the version it saw was 4
    const other = kill('b', 7);
    expect(applyPendingKills(base, [first, second, other])).toEqual(
      snapshot(13, [flag('a', 5, false), flag('b', 8, false)]),
    );
    // The first one recorded (the database's snapshot moved on by it): the same result.
    const recorded = snapshot(11, [flag('a', 4, false), flag('b', 7)]);
    expect(applyPendingKills(recorded, [first, second, other])).toEqual(
      snapshot(13, [flag('a', 5, false), flag('b', 8, false)]),
    );
  });

  it('changes nothing for kills already reflected, of other environments, or of flags not in the snapshot', () => {
    const base = snapshot(10, [flag('a', 5)]);
    expect(applyPendingKills(base, [kill('a', 4), kill('a', 5, 'dev'), kill('missing', 1)])).toBeUndefined();
    expect(applyPendingKills(base, [])).toBeUndefined();
  });
});
