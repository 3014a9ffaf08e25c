import type { Snapshot } from '@switchyard/core';
import type { PendingKill } from '../propagation/pending-kill.js';

/**
 * `snapshot` with the pending kills of its environment applied exactly as recording them will
 * change it (see features/flag-config/deferred-kills.ts): in recording order, each turns its flag
 * off and bumps the flag's version and the revision by one. So every replica serves the same
 * revision with the same contents, and once the kills are recorded the database's snapshot at that
 * revision is the one SDKs already hold. A kill whose flag is missing, or whose flag is already past
 * the version it was accepted at (recorded, or overtaken by a later write), changes nothing.
 * Undefined when no kill applies.
 */
export function applyPendingKills(snapshot: Snapshot, kills: readonly PendingKill[]): Snapshot | undefined {
  let flags = snapshot.flags;
  let revision = snapshot.revision;
  for (const kill of kills) {
    if (kill.projectKey !== snapshot.projectKey || kill.environmentKey !== snapshot.environmentKey) continue;
    const index = flags.findIndex((flag) => flag.key === kill.flagKey);
    const flag = flags[index];
    if (!flag || flag.version > kill.flagVersion) continue;
    flags = [...flags];
    flags[index] = { ...flag, enabled: false, version: flag.version + 1 };
    revision++;
  }
  return revision === snapshot.revision ? undefined : { ...snapshot, revision, flags };
}
