import type { Flag, Segment, Snapshot } from '../model/flag.js';

/** Keys of the flags and segments whose stored definition differs between two snapshots. */
export interface DefinitionChanges {
  flags: Iterable<string>;
  segments: Iterable<string>;
}

function sameDefinition(a: Flag | Segment | undefined, b: Flag | Segment | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  // Both come from the same server serializer, so key order is stable and JSON text equality is
  // definition equality.
  return JSON.stringify(a) === JSON.stringify(b);
}

function byKey<T extends { key: string }>(items: readonly T[] | undefined): Map<string, T> {
  return new Map((items ?? []).map((item) => [item.key, item]));
}

/**
 * Keys (sorted) of the flags whose evaluation may differ between `before` and `after`: flags
 * added, removed or redefined, flags whose rules use a segment that changed, and, transitively,
 * flags whose prerequisites changed. Only `candidates` are compared, so a patch costs a diff of
 * what it touches plus one pass over the flags for dependents; omit them to compare everything.
 */
export function changedFlagKeys(
  before: Snapshot | undefined,
  after: Snapshot,
  candidates?: DefinitionChanges,
): string[] {
  const oldFlags = byKey(before?.flags);
  const newFlags = byKey(after.flags);
  const oldSegments = byKey(before?.segments);
  const newSegments = byKey(after.segments);
  const flagKeys = candidates?.flags ?? new Set([...oldFlags.keys(), ...newFlags.keys()]);
  const segmentKeys = candidates?.segments ?? new Set([...oldSegments.keys(), ...newSegments.keys()]);

  const changed = new Set<string>();
  for (const key of flagKeys) {
    if (!sameDefinition(oldFlags.get(key), newFlags.get(key))) changed.add(key);
  }
  const changedSegments = new Set<string>();
  for (const key of segmentKeys) {
    if (!sameDefinition(oldSegments.get(key), newSegments.get(key))) changedSegments.add(key);
  }
  if (changedSegments.size > 0) {
    for (const flag of after.flags) {
      if (flag.rules.some((rule) => rule.segments.some((segment) => changedSegments.has(segment)))) {
        changed.add(flag.key);
      }
    }
  }
  // Dependents of changed prerequisites, to a fixpoint (chains are short; cycles stop on their own).
  let grew = changed.size > 0;
  while (grew) {
    grew = false;
    for (const flag of after.flags) {
      if (!changed.has(flag.key) && flag.prerequisites.some((p) => changed.has(p.flagKey))) {
        changed.add(flag.key);
        grew = true;
      }
    }
  }
  return [...changed].sort();
}
