import { GrowthBookClient } from '@growthbook/growthbook';
import { NORDIC, ROLLOUT_PERCENT } from '../scenarios.mjs';
import { packageVersion } from './adapter.mjs';

/**
 * The GrowthBook feature for a scenario: a forced rule for the targeting, a force + coverage
 * rollout rule hashed on `userId`. GrowthBook's hash differs from Unleash's, so individual users
 * land differently; only the shares are comparable.
 * @param {import('../scenarios.mjs').Scenario} scenario
 */
export function growthbookFeature(scenario) {
  const rules = [];
  if (scenario.targeting) rules.push({ condition: { country: { $in: NORDIC }, plan: 'pro' }, force: true });
  if (scenario.rollout) rules.push({ force: true, coverage: ROLLOUT_PERCENT / 100, hashAttribute: 'userId' });
  return { defaultValue: !scenario.rollout, rules };
}

/**
 * GrowthBookClient is GrowthBook's multi-user server-side client: features are loaded once
 * (`initSync`, no network) and each call takes the user's attributes.
 * @param {import('../scenarios.mjs').Scenario} scenario
 * @returns {Promise<import('./adapter.mjs').Adapter>}
 */
export async function create(scenario) {
  const client = new GrowthBookClient({}).initSync({
    payload: { features: { [scenario.flagKey]: growthbookFeature(scenario) } },
  });
  const key = scenario.flagKey;
  return {
    id: 'growthbook',
    label: `@growthbook/growthbook ${packageVersion('@growthbook/growthbook')}`,
    isAsync: false,
    toContext: (c) => ({ attributes: { userId: c.userId, country: c.country, plan: c.plan } }),
    pass(contexts) {
      let on = 0;
      for (let i = 0; i < contexts.length; i++) if (client.isOn(key, contexts[i])) on++;
      return on;
    },
    evaluate: (context) => client.isOn(key, context),
    close: () => client.destroy(),
  };
}
