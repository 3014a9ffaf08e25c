import { FlagdCore } from '@openfeature/flagd-core';
import { NORDIC, ROLLOUT_PERCENT } from '../scenarios.mjs';
import { packageVersion } from './adapter.mjs';

/**
 * The flagd flag definition for a scenario. `fractional` without an explicit bucketing expression
 * hashes `flagKey + targetingKey` (murmur3), so the context carries the userId as targetingKey.
 * @param {import('../scenarios.mjs').Scenario} scenario
 */
export function flagdFlag(scenario) {
  const flag = {
    state: 'ENABLED',
    variants: { on: true, off: false },
    defaultVariant: scenario.rollout ? 'off' : 'on',
  };
  if (!scenario.rollout) return flag;
  const rollout = {
    fractional: [
      ['on', ROLLOUT_PERCENT],
      ['off', 100 - ROLLOUT_PERCENT],
    ],
  };
  flag.targeting = scenario.targeting
    ? {
        if: [{ and: [{ in: [{ var: 'country' }, NORDIC] }, { '==': [{ var: 'plan' }, 'pro'] }] }, 'on', rollout],
      }
    : rollout;
  return flag;
}

/** Fails loudly instead of letting a misconfigured flag quietly return defaults. */
const strictLogger = {
  error: (...args) => {
    throw new Error(`flagd-core error: ${args.join(' ')}`);
  },
  warn: (...args) => {
    throw new Error(`flagd-core warning: ${args.join(' ')}`);
  },
  info: () => {},
  debug: () => {},
};

/**
 * FlagdCore is flagd's in-process evaluation engine (what the flagd provider uses in "in-process"
 * mode): the flag JSON is set directly, nothing is fetched.
 * @param {import('../scenarios.mjs').Scenario} scenario
 * @returns {Promise<import('./adapter.mjs').Adapter>}
 */
export async function create(scenario) {
  const core = new FlagdCore(undefined, strictLogger);
  core.setConfigurations(JSON.stringify({ flags: { [scenario.flagKey]: flagdFlag(scenario) } }));
  const key = scenario.flagKey;
  return {
    id: 'flagd',
    label: `@openfeature/flagd-core ${packageVersion('@openfeature/flagd-core')}`,
    isAsync: false,
    toContext: (c) => ({ targetingKey: c.userId, country: c.country, plan: c.plan }),
    pass(contexts) {
      let on = 0;
      for (let i = 0; i < contexts.length; i++) if (core.resolveBooleanEvaluation(key, false, contexts[i]).value) on++;
      return on;
    },
    evaluate: (context) => core.resolveBooleanEvaluation(key, false, context).value,
    close() {},
  };
}
