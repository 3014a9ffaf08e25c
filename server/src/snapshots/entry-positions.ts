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
  lineage.set(result, lineageStep(items, replacements));
  return result;
}

/**
 * How a list made by `replacedInPlace` descends from its source: its own id, the source's step (so
 * a chain of revisions can be walked back) and the keys replaced. Steps hold ids and keys, never
 * the lists themselves, so an old revision's 10,000 entries are collected as soon as no feed holds
 * it; the chain is cut after `MAX_LINEAGE` steps, so memory stays bounded on a feed that only ever
 * replaces in place.
 */
interface LineageStep {
  readonly id: number;
  readonly parent: LineageStep | undefined;
  readonly depth: number;
  readonly replaced: readonly string[];
}

const MAX_LINEAGE = 64;
const lineage = new WeakMap<readonly Keyed[], LineageStep>();
let nextListId = 1;

/** The step of `items` (a root step for a list no `replacedInPlace` made). */
function stepOf(items: readonly Keyed[]): LineageStep {
  let step = lineage.get(items);
  if (!step) {
    step = { id: nextListId++, parent: undefined, depth: 0, replaced: [] };
    lineage.set(items, step);
  }
  return step;
}

function lineageStep(source: readonly Keyed[], replacements: Iterable<Keyed>): LineageStep {
  const parent = stepOf(source);
  const replaced = [...replacements].map((entry) => entry.key);
  const depth = parent.depth + 1;
  // Past the limit the new list starts a chain of its own: the ancestors become unreachable.
  if (depth > MAX_LINEAGE) return { id: nextListId++, parent: undefined, depth: 0, replaced };
  return { id: nextListId++, parent, depth, replaced };
}

/**
 * The keys whose entries may differ between `before` and `after`, when `after` was made from
 * `before` by `replacedInPlace` steps (directly or over several revisions): O(changes), no walk
 * over the unchanged entries. Undefined when the lineage does not connect them (a list rebuilt
 * whole, or too many steps apart); the caller then compares the lists.
 */
export function replacedKeysSince(before: readonly Keyed[], after: readonly Keyed[]): string[] | undefined {
  if (before === after) return [];
  const from = lineage.get(before);
  if (!from) return undefined;
  const keys = new Set<string>();
  for (let step = lineage.get(after); step; step = step.parent) {
    if (step.id === from.id) return [...keys];
    for (const key of step.replaced) keys.add(key);
  }
  return undefined;
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
