import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileSnapshot,
  evaluate,
  isEnabled,
  type Condition,
  type EvaluationContext,
  type Flag,
  type FlagType,
  type Operator,
  type Rule,
  type Serve,
  type Snapshot,
} from '../src/index.js';
import { OPERATORS, snapshotSchema } from '../src/schema/index.js';
import { booleanFlag, ruleWith, snapshotOf } from './fixtures.js';

// Fixed seeds: the statistical properties are checked on the same samples every run, so they
// cannot flake, yet any change to hashing or bucketing that breaks them fails the test.
const SEED = 20240601;

describe('rollouts', () => {
  it('are monotone: raising the percentage never removes a unit', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.integer({ min: 0, max: 10000 }),
        fc.integer({ min: 0, max: 10000 }),
        (salt, unit, p, q) => {
          const [low, high] = p <= q ? [p, q] : [q, p];
          const at = (percentage: number) =>
            compileSnapshot(snapshotOf([booleanFlag({ salt, rules: [ruleWith([], { rollout: { percentage } })] })]));
          if (isEnabled(at(low), 'flag', { userId: unit })) {
            expect(isEnabled(at(high), 'flag', { userId: unit })).toBe(true);
          }
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  }, 60_000);

  it('include close to the configured share of units', () => {
    const compiled = compileSnapshot(
      snapshotOf([booleanFlag({ rules: [ruleWith([], { rollout: { percentage: 2500 } })] })]),
    );
    let included = 0;
    for (let i = 0; i < 100_000; i++) if (isEnabled(compiled, 'flag', { userId: `user-${i}` })) included++;
    expect(Math.abs(included / 1000 - 25)).toBeLessThan(0.5);
  }, 60_000);
});

/** Random split weights (multiples of 500 basis points) summing to 10000, at most `maxShares` of them. */
const splitWeightsOf = (maxShares: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: 19 }), { maxLength: maxShares - 1 }).map((cuts) => {
    const points = [0, ...cuts.map((cut) => cut * 500).sort((a, b) => a - b), 10000];
    return points.slice(1).map((point, i) => point - points[i]!);
  });
const splitWeights = splitWeightsOf(5);

describe('splits', () => {
  it('put 100,000 units within ±0.5 percentage points of each weight', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), splitWeights, (salt, weights) => {
        const variants = weights.map((_, i) => ({ key: `v${i}`, value: `v${i}` }));
        const flag: Flag = {
          ...booleanFlag({ salt }),
          type: 'string',
          variants,
          offVariant: 'v0',
          defaultServe: { split: weights.map((weight, i) => ({ variant: `v${i}`, weight })) },
        };
        const compiled = compileSnapshot(snapshotOf([flag]));
        const counts = new Array<number>(weights.length).fill(0);
        for (let i = 0; i < 100_000; i++) {
          const result = evaluate(compiled, 'flag', { userId: `user-${i}` }, null);
          counts[Number(result.variant!.slice(1))]!++;
        }
        weights.forEach((weight, i) => {
          expect(Math.abs(counts[i]! / 1000 - weight / 100)).toBeLessThanOrEqual(0.5);
        });
      }),
      { seed: SEED, numRuns: 8 },
    );
  }, 60_000);
});

// ---- Arbitrary valid snapshots -------------------------------------------------------------

const ATTRIBUTES = ['userId', 'sessionId', 'country', 'age', 'version', 'ip', 'tags', 'created', 'constructor'];
const FLAG_KEYS = ['f0', 'f1', 'f2', 'f3'];
const SEGMENT_KEYS = ['s0', 's1'];
const VARIANT_KEYS = ['a', 'b', 'c'];

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

function valuesFor(operator: Operator): fc.Arbitrary<Condition['values']> {
  switch (operator) {
    case 'in':
    case 'not_in':
      return fc.array(fc.oneof(fc.string(), finite, fc.boolean(), fc.constantFrom('US', 'FR')), { maxLength: 4 });
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 });
    case 'regex':
      return fc.array(fc.constantFrom('^a', 'b+', '[0-9]{2}', '(x|y)z', 'é', '\\d+$'), { maxLength: 3 });
    case 'date_before':
    case 'date_after':
      return fc.array(
        fc.oneof(fc.constantFrom('2024-01-01', '2024-02-29T12:00:00.5+05:30', '1999-12-31T23:59Z'), finite),
        {
          maxLength: 3,
        },
      );
    case 'semver_eq':
    case 'semver_gt':
    case 'semver_gte':
    case 'semver_lt':
    case 'semver_lte':
      return fc.array(fc.constantFrom('1.0.0', '1.0.0-rc.1', '2.10.3+b', '0.0.1-alpha.beta'), { maxLength: 3 });
    case 'cidr':
      return fc.array(
        fc.constantFrom('10.0.0.0/8', '0.0.0.0/0', '::/0', '2001:db8::/32', '::ffff:1.2.3.4', '1.2.3.4'),
        {
          maxLength: 3,
        },
      );
    case 'exists':
      return fc.constant([]);
    default:
      return fc.array(finite, { maxLength: 3 });
  }
}

const conditionArb: fc.Arbitrary<Condition> = fc.constantFrom(...OPERATORS).chain((operator) =>
  fc.record(
    {
      attribute: fc.constantFrom(...ATTRIBUTES),
      operator: fc.constant(operator),
      values: valuesFor(operator),
      negate: fc.boolean(),
      caseInsensitive: fc.boolean(),
    },
    { requiredKeys: ['attribute', 'operator', 'values'] },
  ),
);

function serveArb(variants: string[]): fc.Arbitrary<Serve> {
  const split = splitWeightsOf(variants.length).chain((weights) =>
    fc
      .shuffledSubarray(variants, { minLength: weights.length, maxLength: weights.length })
      .map((picked) => picked.map((variant, i) => ({ variant, weight: weights[i]! }))),
  );
  return fc.oneof(
    fc.constantFrom(...variants).map((variant) => ({ variant })),
    fc.record({ split, stickiness: fc.constantFrom('orgId', 'sessionId', 'age') }, { requiredKeys: ['split'] }),
  );
}

function valueArb(type: FlagType): fc.Arbitrary<Flag['variants'][number]['value']> {
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'string':
      return fc.string();
    case 'number':
      return finite;
    default:
      return fc.jsonValue() as fc.Arbitrary<Flag['variants'][number]['value']>;
  }
}

function flagArb(key: string): fc.Arbitrary<Flag> {
  return fc
    .record({
      type: fc.constantFrom<FlagType>('boolean', 'string', 'number', 'json'),
      variantKeys: fc.shuffledSubarray(VARIANT_KEYS, { minLength: 1 }),
    })
    .chain(({ type, variantKeys }) => {
      const rule = (id: string): fc.Arbitrary<Rule> =>
        fc.record(
          {
            id: fc.constant(id),
            conditions: fc.array(conditionArb, { maxLength: 3 }),
            segments: fc.subarray(SEGMENT_KEYS),
            rollout: fc.record(
              { percentage: fc.integer({ min: 0, max: 10000 }), stickiness: fc.constantFrom('orgId', 'country') },
              { requiredKeys: ['percentage'] },
            ),
            serve: serveArb(variantKeys),
          },
          { requiredKeys: ['id', 'conditions', 'segments', 'serve'] },
        );
      return fc.record(
        {
          key: fc.constant(key),
          type: fc.constant(type),
          variants: fc.tuple(...variantKeys.map((variant) => valueArb(type).map((value) => ({ key: variant, value })))),
          enabled: fc.boolean(),
          offVariant: fc.constantFrom(...variantKeys),
          defaultServe: serveArb(variantKeys),
          rules: fc
            .integer({ min: 0, max: 3 })
            .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => rule(`r${i}`)))),
          prerequisites: fc.array(
            fc.record({ flagKey: fc.constantFrom(...FLAG_KEYS, 'missing'), variants: fc.subarray(VARIANT_KEYS) }),
            { maxLength: 2 },
          ),
          salt: fc.string(),
          version: fc.nat(),
          clientSide: fc.boolean(),
        },
        {
          requiredKeys: [
            'key',
            'type',
            'variants',
            'enabled',
            'offVariant',
            'defaultServe',
            'rules',
            'prerequisites',
            'version',
          ],
        },
      );
    });
}

const snapshotArb: fc.Arbitrary<Snapshot> = fc.record({
  schemaVersion: fc.constant(1 as const),
  projectKey: fc.constant('p'),
  environmentKey: fc.constant('e'),
  revision: fc.nat(),
  flags: fc.tuple(...FLAG_KEYS.map(flagArb)),
  segments: fc.tuple(
    ...SEGMENT_KEYS.map((key) =>
      fc.record({ key: fc.constant(key), conditions: fc.array(conditionArb, { maxLength: 2 }) }),
    ),
  ),
});

const contextArb: fc.Arbitrary<EvaluationContext> = fc.dictionary(
  fc.constantFrom(...ATTRIBUTES, 'orgId', '__proto__'),
  fc.oneof(
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.constantFrom('US', '10.1.2.3', '::1', '1.0.0', '2.10.3', '2024-01-01T00:00Z', '', null as never, undefined),
  ),
);

describe('evaluation of arbitrary valid snapshots', () => {
  it('never throws, never fails internally, and serves only defined variants', () => {
    fc.assert(
      fc.property(snapshotArb, fc.array(contextArb, { minLength: 1, maxLength: 5 }), (snapshot, contexts) => {
        expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
        const compiled = compileSnapshot(snapshot);
        for (const context of contexts) {
          for (const flag of snapshot.flags) {
            const result = evaluate(compiled, flag.key, context, 'DEFAULT');
            expect(Object.isFrozen(result)).toBe(true);
            expect(result.errorMessage ?? '').not.toMatch(/^evaluation failed/);
            if (result.variant !== undefined) {
              expect(flag.variants.some((variant) => variant.key === result.variant)).toBe(true);
            } else {
              expect(result.value).toBe('DEFAULT');
            }
            expect(typeof isEnabled(compiled, flag.key, context)).toBe('boolean');
          }
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  }, 60_000);

  it('never throws for arbitrary values in place of a context', () => {
    const compiled = compileSnapshot(
      snapshotOf([booleanFlag({ rules: [ruleWith([], { rollout: { percentage: 5000 } })] })]),
    );
    fc.assert(
      fc.property(fc.anything(), (context) => {
        expect(() => evaluate(compiled, 'flag', context as EvaluationContext, null)).not.toThrow();
        expect(() => isEnabled(compiled, 'flag', context as EvaluationContext)).not.toThrow();
      }),
      { seed: SEED },
    );
  }, 60_000);

  it('never throws for snapshots with arbitrary parts replaced by junk (compile or evaluate)', () => {
    const junk = fc.oneof(fc.anything(), fc.constantFrom(null, undefined, 42, 'x', [], {}, [null], { split: 5 }));
    /** Replaces each node of `value` with junk when the matching coin says so. */
    const corrupt = (value: unknown, coins: boolean[], replacements: unknown[], counter: { i: number }): unknown => {
      const i = counter.i++;
      if (coins[i % coins.length] && i % 3 === 0) return replacements[i % replacements.length];
      if (Array.isArray(value)) return value.map((item) => corrupt(item, coins, replacements, counter));
      if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, corrupt(v, coins, replacements, counter)]));
      }
      return value;
    };
    fc.assert(
      fc.property(
        snapshotArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.array(junk, { minLength: 1, maxLength: 10 }),
        contextArb,
        (snapshot, coins, replacements, context) => {
          const broken = corrupt(snapshot, coins, replacements, { i: 0 }) as Snapshot;
          const compiled = compileSnapshot(broken);
          for (const key of [...FLAG_KEYS, 'missing']) {
            const result = evaluate(compiled, key, context, 'DEFAULT');
            expect(Object.isFrozen(result)).toBe(true);
            expect(typeof isEnabled(compiled, key, context)).toBe('boolean');
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
