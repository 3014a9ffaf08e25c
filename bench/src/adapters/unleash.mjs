import { once } from 'node:events';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import { NORDIC, ROLLOUT_PERCENT } from '../scenarios.mjs';
import { packageVersion } from './adapter.mjs';

/**
 * The Unleash toggle for a scenario: flexibleRollout with stickiness userId and groupId = flag key
 * (the combination whose bucket Switchyard reproduces), behind a constrained default strategy for S3.
 * @param {import('../scenarios.mjs').Scenario} scenario
 */
export function unleashToggle(scenario) {
  const strategies = [];
  if (scenario.targeting) {
    strategies.push({
      name: 'default',
      parameters: {},
      constraints: [
        { contextName: 'country', operator: 'IN', values: NORDIC },
        { contextName: 'plan', operator: 'IN', values: ['pro'] },
      ],
    });
  }
  if (scenario.rollout) {
    strategies.push({
      name: 'flexibleRollout',
      parameters: { rollout: String(ROLLOUT_PERCENT), stickiness: 'userId', groupId: scenario.flagKey },
      constraints: [],
    });
  } else {
    strategies.push({ name: 'default', parameters: {}, constraints: [] });
  }
  return { name: scenario.flagKey, enabled: true, type: 'release', project: 'default', strategies, variants: [] };
}

/**
 * An Unleash client that never touches the network: bootstrapped toggles, no polling
 * (refreshInterval 0 skips every fetch), no metrics, in-memory storage instead of a backup file.
 * @param {import('../scenarios.mjs').Scenario[]} scenarios
 */
export async function startOfflineUnleash(scenarios) {
  const unleash = new Unleash({
    appName: 'switchyard-bench',
    url: 'http://127.0.0.1:9/api/', // never contacted: refreshInterval 0 and disableMetrics
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: scenarios.map(unleashToggle) },
  });
  unleash.on('error', (error) => {
    throw error;
  });
  if (!unleash.isSynchronized()) await once(unleash, 'synchronized');
  return unleash;
}

/**
 * @param {import('../scenarios.mjs').Scenario} scenario
 * @returns {Promise<import('./adapter.mjs').Adapter>}
 */
export async function create(scenario) {
  const unleash = await startOfflineUnleash([scenario]);
  const key = scenario.flagKey;
  return {
    id: 'unleash',
    label: `unleash-client ${packageVersion('unleash-client')}`,
    isAsync: false,
    toContext: (c) => ({ userId: c.userId, properties: { country: c.country, plan: c.plan } }),
    pass(contexts) {
      let on = 0;
      for (let i = 0; i < contexts.length; i++) if (unleash.isEnabled(key, contexts[i])) on++;
      return on;
    },
    evaluate: (context) => unleash.isEnabled(key, context),
    close: () => unleash.destroy(),
  };
}
