/** A snapshot entry: a flag or a segment. */
interface Keyed {
  key: string;
}

/**
 * Key → position of the entries of a snapshot list. Built once per list; a list made from another
 * by replacing entries in place (`replacedInPlace`) shares its positions, so a change to one flag
 * costs no walk over the other 9,999 to find it in the next revision.
 */
const positions = new WeakMap<readonly Keyed[], ReadonlyMap<string, number>>();

/** Position of each key in `items` (entries are unique by key). */
export function positionsOf(items: readonly Keyed[]): ReadonlyMap<string, number> {
  let map = positions.get(items);
  if (!map) {
    map = new Map(items.map((item, index) => [item.key, index]));
    positions.set(items, map);
  }
  return map;
}

/** The entry of `items` with this key, if any. */
export function entryOf<T extends Keyed>(items: readonly T[], key: string): T | undefined {
  const index = positionsOf(items).get(key);
  return index === undefined ? undefined : items[index];
}

/**
 * `items` with each entry of `replacements` put in the place of the entry with its key; null when a
 * key is not in `items` (an entry the list does not have yet has no known place). The result shares
 * the positions of `items`.
 */
export function replacedInPlace<T extends Keyed>(items: readonly T[], replacements: Iterable<T>): T[] | null {
  const at = positionsOf(items);
  const result = items.slice();
  for (const entry of replacements) {
    const index = at.get(entry.key);
    if (index === undefined) return null;
    result[index] = entry;
  }
  positions.set(result, at);
  return result;
}

/** Snapshot entries are never mutated, so each one's JSON is made once and shared by every revision. */
const jsonCache = new WeakMap<object, string>();

/** `JSON.stringify(entry)`, cached per object. */
export function entryJson(entry: object): string {
  let json = jsonCache.get(entry);
  if (json === undefined) {
    json = JSON.stringify(entry);
    jsonCache.set(entry, json);
  }
  return json;
}
