import type { Snapshot } from '../model/flag.js';

/** Keys of the flags and segments whose stored definition differs between two snapshots. */
export interface DefinitionChanges {
  flags: Iterable<string>;
  segments: Iterable<string>;
}

/**
 * Keys (sorted) of the flags whose evaluation may differ between `before` and `after`: flags
 * added, removed or redefined, flags whose rules use a segment that changed, and, transitively,
 * flags whose prerequisites changed. Only `candidates` are compared, so a patch costs a diff of
 * what it touches plus a pass over the flags for dependents; omit them to compare everything.
 */
export function changedFlagKeys(
  before: Snapshot | undefined,
  after: Snapshot,
  candidates?: DefinitionChanges,
): string[] {
  /** Keys (of `candidates`, or of both snapshots) whose definition differs. */
  const changedOf = (kind: 'flags' | 'segments'): Set<string> => {
    const byKey = (snapshot: Snapshot | undefined) => new Map((snapshot?.[kind] ?? []).map((item) => [item.key, item]));
    const old = byKey(before);
    const now = byKey(after);
    // Both come from the same server serializer, so key order is stable and JSON text equality is
    // definition equality.
    return new Set(
      [...(candidates?.[kind] ?? [...old.keys(), ...now.keys()])].filter(
        (key) => old.get(key) !== now.get(key) && JSON.stringify(old.get(key)) !== JSON.stringify(now.get(key)),
      ),
    );
  };
  const changed = changedOf('flags');
  const changedSegments = changedOf('segments');
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
