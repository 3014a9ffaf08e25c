import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledSnapshotImpl } from '../../src/compile/compile-snapshot.js';
import type { CompiledFlag } from '../../src/compile/compiled-types.js';
import {
  applyPatch,
  compileSnapshot,
  evaluate,
  findFlag,
  type Condition,
  type EvaluationContext,
  type Flag,
  type Rule,
  type Segment,
  type Serve,
  type Snapshot,
  type SnapshotPatch,
} from '../../src/index.js';
import { changedFlagKeys } from '../../src/sync/index.js';
import { createIncrementalSnapshotStore } from '../../src/sync/incremental-store.js';
import { booleanFlag } from '../fixtures.js';
import { patch, snapshot } from './fixtures.js';

const SEED = 20261203;
const FLAG_KEYS = ['a', 'b', 'c', 'd', 'e'];
const SEGMENT_KEYS = ['s1', 's2', 's3'];
/** Flag keys patches use, and one that is only ever a (missing) prerequisite. */
const ALL_KEYS = [...FLAG_KEYS, 'x'];

const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    attribute: fc.constantFrom('country', 'plan'),
    operator: fc.constantFrom('in' as const, 'not_in' as const),
    values: fc.subarray(['NO', 'SE', 'US', 'free', 'pro']),
  }),
  // A pattern that does not compile: the segment (or flag) falls back as in compileSnapshot.
  fc.constant<Condition>({ attribute: 'plan', operator: 'regex', values: ['('] }),
  fc.record({ attribute: fc.constant('age'), operator: fc.constant('num_gte' as const), values: fc.tuple(fc.nat(90)) }),
);

const serve: fc.Arbitrary<Serve> = fc.oneof(
  fc.record({ variant: fc.constantFrom('on', 'off', 'missing') }),
  fc.integer({ min: 0, max: 10000 }).map((weight) => ({
    split: [
      { variant: 'on', weight },
      { variant: 'off', weight: 10000 - weight },
    ],
  })),
);

const rule: fc.Arbitrary<Rule> = fc.record(
  {
    id: fc.constantFrom('r1', 'r2'),
    conditions: fc.array(condition, { maxLength: 2 }),
    segments: fc.subarray(SEGMENT_KEYS.concat('s-none')),
    rollout: fc.record({ percentage: fc.integer({ min: 0, max: 10000 }) }),
    serve,
  },
  { requiredKeys: ['id', 'conditions', 'segments', 'serve'] },
);

const flag: fc.Arbitrary<Flag> = fc
  .record({
    key: fc.constantFrom(...FLAG_KEYS),
    enabled: fc.boolean(),
    offVariant: fc.constantFrom('off', 'missing'),
    defaultServe: serve,
    rules: fc.array(rule, { maxLength: 2 }),
    prerequisites: fc.array(
      fc.record({ flagKey: fc.constantFrom(...FLAG_KEYS, 'x'), variants: fc.subarray(['on', 'off']) }),
      { maxLength: 2 },
    ),
    version: fc.nat(3),
  })
  .map((fields) => booleanFlag(fields));

const segment: fc.Arbitrary<Segment> = fc.record({
  key: fc.constantFrom(...SEGMENT_KEYS),
  conditions: fc.array(condition, { maxLength: 2 }),
});

type Changes = Omit<SnapshotPatch, 'schemaVersion' | 'revision'>;
const changes: fc.Arbitrary<Changes> = fc.record({
  flags: fc.array(flag, { maxLength: 3 }),
  deletedFlags: fc.subarray(FLAG_KEYS.concat('x')),
  segments: fc.array(segment, { maxLength: 2 }),
  deletedSegments: fc.subarray(SEGMENT_KEYS, { maxLength: 1 }),
});

const context: fc.Arbitrary<EvaluationContext> = fc.record(
  {
    userId: fc.string({ maxLength: 6 }),
    country: fc.constantFrom('NO', 'SE', 'US'),
    plan: fc.constantFrom('free', 'pro'),
    age: fc.nat(99),
  },
  { requiredKeys: [] },
);

/** A compiled flag with its condition closures replaced by their count: what can be compared. */
function shapeOf(flag: CompiledFlag | undefined) {
  return (
    flag && {
      ...flag,
      rules_: flag.rules_.map((rule) => ({ ...rule, tests_: rule.tests_.length })),
      prerequisites_: flag.prerequisites_.map((prerequisite) => ({
        ...prerequisite,
        variants_: [...prerequisite.variants_],
      })),
    }
  );
}

describe('createIncrementalSnapshotStore', () => {
  it('after any sequence of patches, evaluates, lists and reports changes exactly as a full recompile', () => {
    fc.assert(
      fc.property(
        fc.array(flag, { maxLength: 5 }),
        fc.array(segment, { maxLength: 3 }),
        fc.array(changes, { minLength: 1, maxLength: 6 }),
        fc.array(context, { minLength: 1, maxLength: 4 }),
        (flags, segments, patches, contexts) => {
          let reference: Snapshot = snapshot(1, flags, segments);
          const store = createIncrementalSnapshotStore(reference);
          patches.forEach((fields, index) => {
            const next = patch(reference.revision + 1, fields);
            const before = reference;
            const handlesBefore = new Map(ALL_KEYS.map((key) => [key, findFlag(store.compiled!, key)]));
            reference = applyPatch(reference, next);
            expect(store.applyPatch(next)).toBe('applied');
            // What the usage counter relies on: a flag not reported as replaced keeps its handle.
            const replaced = new Set(store.replacedFlagKeys());
            for (const key of ALL_KEYS) {
              if (!replaced.has(key)) expect(findFlag(store.compiled!, key)).toBe(handlesBefore.get(key));
            }
            const full = compileSnapshot(reference) as CompiledSnapshotImpl;
            const incremental = store.compiled as CompiledSnapshotImpl;
            expect(incremental.revision, `patch ${index}`).toBe(full.revision);
            expect(incremental.flagKeys()).toEqual(full.flagKeys());
            expect(incremental.snapshot).toEqual(reference);
            expect(store.changedFlagKeys()).toEqual(changedFlagKeys(before, reference, next));
            for (const key of ALL_KEYS) {
              expect(shapeOf(incremental.flags_.get(key))).toEqual(shapeOf(full.flags_.get(key)));
              for (const evaluationContext of contexts) {
                expect(evaluate(incremental, key, evaluationContext, null)).toEqual(
                  evaluate(full, key, evaluationContext, null),
                );
              }
            }
          });
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('recompiles only what a patch touches and the users of the segments it touches', () => {
    const segmentUser = booleanFlag({
      key: 'uses-beta',
      rules: [{ id: 'r', conditions: [], segments: ['beta'], serve: { variant: 'on' } }],
    });
    const store = createIncrementalSnapshotStore(
      snapshot(
        1,
        [booleanFlag({ key: 'a' }), booleanFlag({ key: 'b' }), segmentUser],
        [{ key: 'beta', conditions: [] }],
      ),
    );
    const handles = (keys: string[]) => keys.map((key) => findFlag(store.compiled!, key));
    const [a, b, user] = handles(['a', 'b', 'uses-beta']);
    store.applyPatch(patch(2, { flags: [booleanFlag({ key: 'a', enabled: false })] }));
    const [a2, b2, user2] = handles(['a', 'b', 'uses-beta']);
    expect(a2).not.toBe(a);
    expect(b2).toBe(b);
    expect(user2).toBe(user);
    expect(store.replacedFlagKeys()).toEqual(['a']);
    store.applyPatch(
      patch(3, { segments: [{ key: 'beta', conditions: [{ attribute: 'plan', operator: 'in', values: ['pro'] }] }] }),
    );
    const [a3, b3, user3] = handles(['a', 'b', 'uses-beta']);
    expect([a3, b3]).toEqual([a2, b2]);
    expect(user3).not.toBe(user2);
    expect(store.replacedFlagKeys()).toEqual(['uses-beta']);
    expect(evaluate(store.compiled!, 'uses-beta', { plan: 'free' }, null).reason).toBe('DEFAULT');
    expect(store.changedFlagKeys()).toEqual(['uses-beta']);
  });

  it('reports dependents of a changed flag through prerequisites, transitively, and deleted flags', () => {
    const child = booleanFlag({ key: 'child', prerequisites: [{ flagKey: 'parent', variants: ['off'] }] });
    const grandchild = booleanFlag({ key: 'grandchild', prerequisites: [{ flagKey: 'child', variants: ['off'] }] });
    const store = createIncrementalSnapshotStore(snapshot(1, [booleanFlag({ key: 'parent' }), child, grandchild]));
    store.applyPatch(patch(2, { flags: [booleanFlag({ key: 'parent', defaultServe: { variant: 'on' } })] }));
    expect(store.changedFlagKeys()).toEqual(['child', 'grandchild', 'parent']);
    expect(evaluate(store.compiled!, 'child', {}, null).reason).toBe('PREREQUISITE_FAILED');
    store.applyPatch(patch(3, { deletedFlags: ['grandchild', 'unknown'] }));
    expect(store.changedFlagKeys()).toEqual(['grandchild']);
    // A patch that changes nothing reports nothing.
    store.applyPatch(patch(4, { flags: [child] }));
    expect(store.changedFlagKeys()).toEqual([]);
  });

  it('reports no change for the first snapshot, and compares whole snapshots on a put', () => {
    const store = createIncrementalSnapshotStore();
    expect(store.changedFlagKeys()).toEqual([]);
    store.applyPut(snapshot(1, [booleanFlag({ key: 'a' })]));
    expect(store.changedFlagKeys()).toEqual([]);
    store.applyPatch(patch(2, { flags: [booleanFlag({ key: 'b' })] }));
    store.applyPut(snapshot(5, [booleanFlag({ key: 'b' }), booleanFlag({ key: 'c' })]));
    expect(store.changedFlagKeys()).toEqual(['a', 'c']);
    expect(store.replacedFlagKeys()).toBeUndefined();
  });
});
