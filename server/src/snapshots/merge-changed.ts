import type { Snapshot } from '@switchyard/core';
import { replacedInPlace } from './entry-positions.js';
import type { BuiltSnapshot, ChangedEntries } from './snapshot-builder.js';

/**
 * `base` with the entries of `changed` applied, as `buildSnapshot` would give it at
 * `changed.revision`; null when that cannot be told from the changed entries alone, so the caller
 * reloads everything: a revision without a hint (pruned) or with an empty one (a write path that
 * named no keys), the revision going back, renamed keys, or an entry that is new to the snapshot
 * (its place in the key order is Postgres's collation, which only the full read applies).
 * The result is `exact`: only the hinted keys can differ from `base`.
 */
export function mergeChanged(base: Snapshot, changed: ChangedEntries): BuiltSnapshot | null {
  if (changed.revision < base.revision) return null;
  if (changed.projectKey !== base.projectKey || changed.environmentKey !== base.environmentKey) return null;
  const byRevision = new Map(changed.hints.map((hint) => [hint.revision, hint]));
  for (let revision = base.revision + 1; revision <= changed.revision; revision++) {
    const hint = byRevision.get(revision);
    if (!hint || (hint.flags.length === 0 && hint.segments.length === 0)) return null;
  }
  const flags = replaceEntries(
    base.flags,
    changed.hints.flatMap((hint) => hint.flags),
    changed.flags,
  );
  const segments = replaceEntries(
    base.segments,
    changed.hints.flatMap((hint) => hint.segments),
    changed.segments,
  );
  if (!flags || !segments) return null;
  return {
    environmentId: changed.environmentId,
    snapshot: { ...base, revision: changed.revision, flags, segments },
    hints: changed.hints,
    exact: true,
  };
}

/** `items` with every `keys` entry replaced by its `current` value or dropped; null if one is new. */
function replaceEntries<T extends { key: string }>(
  items: readonly T[],
  keys: readonly string[],
  current: readonly T[],
): T[] | null {
  if (keys.length === 0) return items as T[];
  const named = new Set(keys);
  // The usual change edits entries that stay (every named key has a current entry, and it is in
  // `items`): replace them in place, with no walk over the rest.
  if (current.length === named.size && current.every((item) => named.has(item.key))) {
    const inPlace = replacedInPlace(items, current);
    if (inPlace) return inPlace;
  }
  const next = new Map(current.map((item) => [item.key, item]));
  const result: T[] = [];
  for (const item of items) {
    if (!named.has(item.key)) {
      result.push(item);
      continue;
    }
    const replacement = next.get(item.key);
    next.delete(item.key);
    if (replacement) result.push(replacement);
  }
  return next.size === 0 ? result : null;
}
