import type { Flag, Segment, Snapshot, SnapshotPatch } from '../model/flag.js';
import { compileCondition } from '../operators/compile-condition.js';
import { compileFlag } from './compile-flag.js';
import type { CompiledSnapshotImpl } from './compile-snapshot.js';
import type { CompiledFlag, ContextTest } from './compiled-types.js';
import { listOf } from './list-of.js';

/*
 * Incremental compilation for servers holding large snapshots (sdk-node): a patch recompiles only
 * the flags it replaces and the flags whose rules use a segment it replaces or deletes, so a
 * one-flag patch costs the same at 100 flags as at 10,000. Prerequisites need no recompilation:
 * the evaluator looks a prerequisite up by key in the flag table at evaluation time.
 *
 * The result must equal `compileSnapshot(applyPatch(snapshot, patch))` exactly (a property test
 * checks it). The browser keeps the full recompile (its views are small, and its bundle has no room):
 * nothing in the browser's imports reaches this file.
 */

type Indexed = Map<string, Set<string>>;

const link = (index: Indexed, from: string, to: string) => {
  const set = index.get(from);
  if (set) set.add(to);
  else index.set(from, new Set([to]));
};

const unlink = (index: Indexed, from: string, to: string) => {
  const set = index.get(from);
  if (set?.delete(to) && set.size === 0) index.delete(from);
};

/** What a patch changed, as {@link changedFlagKeys} would report it (see {@link IncrementalCompilation.apply}). */
export interface IncrementalChanges {
  /** Keys (sorted) of the flags whose evaluation may differ: see `changedFlagKeys`. */
  readonly changedFlags: string[];
  /**
   * Keys of the flags whose compiled form was replaced or removed (their `FlagHandle`s and result
   * objects are new); every other flag keeps its compiled form and result objects.
   */
  readonly replacedFlags: string[];
}

/**
 * The mutable, compiled state of one snapshot, updated in place by patches: definitions and
 * compiled forms by key (insertion order = snapshot order, as `applyPatch` keeps it), plus the
 * reverse indexes a patch needs to find what depends on what it touches.
 */
export class IncrementalCompilation {
  /** The snapshot's fields other than flags and segments (revision included). */
  #head: Omit<Snapshot, 'flags' | 'segments'>;
  readonly #flagDefinitions = new Map<string, Flag>();
  readonly #segmentDefinitions = new Map<string, Segment>();
  /** Compiled segments (a segment that cannot be compiled is missing, as in `compileSnapshot`). */
  readonly #segmentTests = new Map<string, readonly ContextTest[]>();
  /** The evaluator's flag table; shared by every view of this compilation. */
  readonly flags = new Map<string, CompiledFlag>();
  /** Segment key → keys of the flags whose rules reference it. */
  readonly #segmentUsers: Indexed = new Map();
  /** Flag key → keys of the flags listing it as a prerequisite. */
  readonly #dependents: Indexed = new Map();

  constructor(snapshot: Snapshot) {
    const { flags, segments, ...head } = snapshot;
    this.#head = head;
    // Keyed first, so later duplicates replace earlier ones exactly as `applyPatch` would.
    for (const segment of listOf(segments)) this.#segmentDefinitions.set(segment.key, segment);
    for (const key of this.#segmentDefinitions.keys()) this.#compileSegment(key);
    for (const flag of listOf(flags)) this.#setFlag(flag);
    for (const key of this.#flagDefinitions.keys()) this.#compileFlag(key);
  }

  get revision(): number {
    return this.#head.revision;
  }

  /** The snapshot as a plain object (built on each call: O(flags)). */
  snapshot(): Snapshot {
    return {
      ...this.#head,
      flags: [...this.#flagDefinitions.values()],
      segments: [...this.#segmentDefinitions.values()],
    } as Snapshot;
  }

  /**
   * Applies `patch` (the caller checked it is the next revision) with the semantics of
   * `applyPatch`: upserts replace in place or append, then deletions win. Costs O(what it touches
   * and what depends on it), not O(snapshot).
   */
  apply(patch: SnapshotPatch): IncrementalChanges {
    this.#head = { ...this.#head, revision: patch.revision };
    // Definitions before the patch, of every key it touches (the first value seen is the old one).
    const oldSegments = new Map<string, Segment | undefined>();
    const oldFlags = new Map<string, Flag | undefined>();
    for (const segment of patch.segments) {
      if (!oldSegments.has(segment.key)) oldSegments.set(segment.key, this.#segmentDefinitions.get(segment.key));
      this.#segmentDefinitions.set(segment.key, segment);
    }
    for (const key of patch.deletedSegments) {
      if (!oldSegments.has(key)) oldSegments.set(key, this.#segmentDefinitions.get(key));
      this.#segmentDefinitions.delete(key);
    }
    for (const flag of patch.flags) {
      if (!oldFlags.has(flag.key)) oldFlags.set(flag.key, this.#flagDefinitions.get(flag.key));
      this.#setFlag(flag);
    }
    for (const key of patch.deletedFlags) {
      if (!oldFlags.has(key)) oldFlags.set(key, this.#flagDefinitions.get(key));
      this.#deleteFlag(key);
    }
    for (const key of oldSegments.keys()) this.#compileSegment(key);
    // Recompile what the patch touched and every user of a touched segment (a flag's rules hold
    // its segments' compiled tests). Touched keys come first, in patch order, so new flags are
    // appended to the table in the order `applyPatch` appends them to the snapshot.
    const recompile = new Set(oldFlags.keys());
    for (const key of oldSegments.keys()) for (const user of this.#segmentUsers.get(key) ?? []) recompile.add(user);
    for (const key of recompile) this.#compileFlag(key);
    return { changedFlags: this.#changedFlags(oldFlags, oldSegments), replacedFlags: [...recompile] };
  }

  /**
   * `changedFlagKeys(before, after, patch)` from the indexes: flags and segments whose definition
   * differs (same JSON-text test), then users of changed segments and, transitively, dependents
   * of changed flags.
   */
  #changedFlags(oldFlags: Map<string, Flag | undefined>, oldSegments: Map<string, Segment | undefined>): string[] {
    const differs = <T>(old: T | undefined, now: T | undefined) =>
      old !== now && JSON.stringify(old) !== JSON.stringify(now);
    const changed = new Set<string>();
    const queue: string[] = [];
    const add = (key: string) => {
      if (!changed.has(key)) {
        changed.add(key);
        queue.push(key);
      }
    };
    for (const [key, old] of oldFlags) if (differs(old, this.#flagDefinitions.get(key))) add(key);
    for (const [key, old] of oldSegments) {
      if (differs(old, this.#segmentDefinitions.get(key)))
        for (const user of this.#segmentUsers.get(key) ?? []) add(user);
    }
    for (let key; (key = queue.pop()) !== undefined;)
      for (const dependent of this.#dependents.get(key) ?? []) add(dependent);
    return [...changed].sort();
  }

  #compileSegment(key: string): void {
    const segment = this.#segmentDefinitions.get(key);
    let tests: readonly ContextTest[] | undefined;
    try {
      tests = segment && listOf(segment.conditions).map(compileCondition);
    } catch {
      // As in compileSnapshot: a segment that cannot be compiled is treated as missing.
    }
    if (tests) this.#segmentTests.set(key, tests);
    else this.#segmentTests.delete(key);
  }

  #compileFlag(key: string): void {
    const flag = this.#flagDefinitions.get(key);
    if (!flag) {
      this.flags.delete(key);
      return;
    }
    try {
      this.flags.set(key, compileFlag(flag, this.#segmentTests));
    } catch {
      // As in compileSnapshot: a stand-in without variants serves the caller's default (GENERAL).
      this.flags.set(key, compileFlag({ key, type: flag.type } as Flag, this.#segmentTests));
    }
  }

  /** Replaces (keeping its position, as `Map.set` does) or appends a definition, and re-indexes it. */
  #setFlag(flag: Flag): void {
    const old = this.#flagDefinitions.get(flag.key);
    if (old) this.#index(old, unlink);
    this.#flagDefinitions.set(flag.key, flag);
    this.#index(flag, link);
  }

  #deleteFlag(key: string): void {
    const old = this.#flagDefinitions.get(key);
    if (old) this.#index(old, unlink);
    this.#flagDefinitions.delete(key);
  }

  /** Adds (or removes) `flag`'s edges in the reverse indexes. Tolerates malformed flags: an extra edge only costs a recompile. */
  #index(flag: Flag, edit: typeof link): void {
    for (const rule of listOf(flag.rules)) {
      for (const segment of listOf(rule?.segments)) edit(this.#segmentUsers, segment, flag.key);
    }
    for (const prerequisite of listOf(flag.prerequisites)) {
      edit(this.#dependents, String(prerequisite?.flagKey), flag.key);
    }
  }
}

/**
 * A compiled snapshot backed by an {@link IncrementalCompilation}. It shares the compilation's
 * flag table, which the next patch updates in place: a view replaced by a patch is retired (its
 * evaluations follow the newer flags, and its `snapshot`, unless read before, too). Always use the
 * store's current `compiled`.
 */
export class IncrementalCompiledSnapshot implements CompiledSnapshotImpl {
  readonly revision: number;
  readonly flags_: ReadonlyMap<string, CompiledFlag>;
  readonly #compilation: IncrementalCompilation;
  #snapshot: Snapshot | undefined;

  constructor(compilation: IncrementalCompilation) {
    this.revision = compilation.revision;
    this.flags_ = compilation.flags;
    this.#compilation = compilation;
  }

  /** Built on first read (O(flags)), so that a patch does not pay for it. */
  get snapshot(): Snapshot {
    return (this.#snapshot ??= this.#compilation.snapshot());
  }

  flagKeys(): string[] {
    return [...this.flags_.keys()];
  }
}
