/**
 * The evaluator's hot path against its floor: a bare "murmur3 + compare" loop over the same units.
 * Target (core-api): isEnabled for a 25% rollout within 1.5x of the bare loop.
 * Run: npx vitest bench --project core --run
 */
import murmurhash3 from 'murmurhash-js/murmurhash3_gc.js';
import { bench, describe } from 'vitest';
import { compileSnapshot, evaluate, isEnabled, type EvaluationContext } from '../src/index.js';
import { booleanFlag, ruleWith, snapshotOf } from './fixtures.js';

const UNITS = 10_000;
const userIds = Array.from({ length: UNITS }, (_, i) => `user-${i * 7919}`);
const contexts: EvaluationContext[] = userIds.map((userId) => ({ userId }));
const compiled = compileSnapshot(
  snapshotOf([booleanFlag({ key: 'new-checkout', rules: [ruleWith([], { rollout: { percentage: 2500 } })] })]),
);

let sink = 0;

describe('25% rollout, 10,000 units per iteration', () => {
  bench('bare murmur3 + compare', () => {
    for (let i = 0; i < UNITS; i++) {
      const h = murmurhash3(`new-checkout:${userIds[i]!}`, 0);
      if ((h % 100) * 100 + (Math.floor(h / 100) % 100) < 2500) sink++;
    }
  });

  bench('isEnabled', () => {
    for (let i = 0; i < UNITS; i++) if (isEnabled(compiled, 'new-checkout', contexts[i]!)) sink++;
  });

  bench('evaluate', () => {
    for (let i = 0; i < UNITS; i++) if (evaluate(compiled, 'new-checkout', contexts[i]!, false).value === true) sink++;
  });
});

export { sink };
