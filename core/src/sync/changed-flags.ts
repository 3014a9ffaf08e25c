import type { Snapshot, SnapshotPatch } from '../model/flag.js';

/** What a patch touched: the only definitions that can differ between the snapshots around it. */
export type DefinitionChanges = Pick<SnapshotPatch, 'flags' | 'segments' | 'deletedFlags' | 'deletedSegments'>;

/**
 * Keys (sorted) of the flags whose evaluation may differ between `before` and `after`: flags
 * added, removed or redefined, flags whose rules use a segment that changed, and, transitively,
 * flags whose prerequisites changed. Given the `patch` that led from `before` to `after`, only what
 * it touches is compared, so a patch costs a diff of what it touches plus a pass over the flags
 * for dependents; omit it to compare everything.
 */
export function changedFlagKeys(before: Snapshot | undefined, after: Snapshot, patch?: DefinitionChanges): string[] {
  /** Keys (of what `patch` touched, or of both snapshots) whose definition differs. */
  const changedOf = (kind: 'flags' | 'segments', deleted: 'deletedFlags' | 'deletedSegments'): Set<string> => {
    const byKey = (snapshot: Snapshot | undefined) => new Map((snapshot?.[kind] ?? []).map((item) => [item.key, item]));
    const old = byKey(before);
    const now = byKey(after);
    // Both come from the same server serializer, so key order is stable and JSON text equality is
    // definition equality.
    return new Set(
      (patch ? [...patch[kind].map((item) => item.key), ...patch[deleted]] : [...old.keys(), ...now.keys()]).filter(
        (key) => old.get(key) !== now.get(key) && JSON.stringify(old.get(key)) !== JSON.stringify(now.get(key)),
      ),
    );
  };
  const changed = changedOf('flags', 'deletedFlags');
  const changedSegments = changedOf('segments', 'deletedSegments');
  // Users of changed segments and dependents of changed flags, to a fixpoint (chains are short;
  // cycles stop on their own).
  for (let grew = changed.size + changedSegments.size > 0; grew;) {
    grew = false;
    for (const flag of after.flags) {
      if (
        !changed.has(flag.key) &&
        (flag.prerequisites?.some((prerequisite) => changed.has(prerequisite.flagKey)) ||
          flag.rules?.some((rule) => rule.segments?.some((segment) => changedSegments.has(segment))))
      ) {
        changed.add(flag.key);
        grew = true;
      }
    }
  }
  return [...changed].sort();
}
