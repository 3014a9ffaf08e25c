import murmurhash from 'murmurhash-js';
import { NORDIC, ROLLOUT_PERCENT } from '../scenarios.mjs';
import { packageVersion } from './adapter.mjs';

/**
 * The floor: the least work any evaluator must do for the scenario, hand-written for it. S2 is one
 * murmur3 of `${flagKey}:${userId}` and a compare (the same bucket as Switchyard and Unleash for
 * whole percentages); S3 adds the rule's two attribute tests in front.
 * @param {import('../scenarios.mjs').Scenario} scenario
 * @returns {Promise<import('./adapter.mjs').Adapter>}
 */
export async function create(scenario) {
  const prefix = `${scenario.flagKey}:`;
  const nordic = new Set(NORDIC);
  const inRollout = (userId) => murmurhash.murmur3(prefix + userId, 0) % 100 < ROLLOUT_PERCENT;
  /** @type {(c: import('../scenarios.mjs').BenchContext) => boolean} */
  let evaluate;
  if (!scenario.rollout) evaluate = () => true;
  else if (!scenario.targeting) evaluate = (c) => inRollout(c.userId);
  else evaluate = (c) => (c.plan === 'pro' && nordic.has(c.country)) || inRollout(c.userId);
  return {
    id: 'floor',
    label: `floor (murmurhash-js ${packageVersion('murmurhash-js')} + compare)`,
    isAsync: false,
    toContext: (c) => ({ userId: c.userId, country: c.country, plan: c.plan }),
    pass(contexts) {
      let on = 0;
      for (let i = 0; i < contexts.length; i++) if (evaluate(contexts[i])) on++;
      return on;
    },
    evaluate,
    close() {},
  };
}
