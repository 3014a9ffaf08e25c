import { basicLogger, init } from '@launchdarkly/node-server-sdk';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import { NORDIC, ROLLOUT_PERCENT } from '../scenarios.mjs';
import { packageVersion } from './adapter.mjs';

/**
 * The LaunchDarkly flag (server-side data model) for a scenario. TestData's builder has no
 * percentage rollouts, so the whole flag is given with `usePreconfiguredFlag`. Rollout weights are
 * in thousandths of a percent; the bucket is LaunchDarkly's own (SHA-1 of key.salt.contextKey).
 * @param {import('../scenarios.mjs').Scenario} scenario
 */
export function launchDarklyFlag(scenario) {
  const rolloutWeight = ROLLOUT_PERCENT * 1000;
  const rules = scenario.targeting
    ? [
        {
          id: 'nordic-pro',
          clauses: [
            { contextKind: 'user', attribute: 'country', op: 'in', values: NORDIC, negate: false },
            { contextKind: 'user', attribute: 'plan', op: 'in', values: ['pro'], negate: false },
          ],
          variation: 0,
          trackEvents: false,
        },
      ]
    : [];
  const fallthrough = scenario.rollout
    ? {
        rollout: {
          variations: [
            { variation: 0, weight: rolloutWeight },
            { variation: 1, weight: 100_000 - rolloutWeight },
          ],
          bucketBy: 'key',
        },
      }
    : { variation: 0 };
  return {
    key: scenario.flagKey,
    version: 1,
    on: true,
    variations: [true, false],
    offVariation: 1,
    fallthrough,
    targets: [],
    contextTargets: [],
    rules,
    prerequisites: [],
    salt: scenario.flagKey,
    trackEvents: false,
    trackEventsFallthrough: false,
    clientSide: false,
    deleted: false,
  };
}

/**
 * A LaunchDarkly server SDK client fed by the TestData integration (no streaming connection),
 * with analytics events and diagnostics off. Its evaluation API is async only: `boolVariation`
 * returns a Promise even though the data is in memory, so each call is awaited in the loop, the way
 * an application has to call it.
 * @param {import('../scenarios.mjs').Scenario} scenario
 * @returns {Promise<import('./adapter.mjs').Adapter>}
 */
export async function create(scenario) {
  const td = new TestData();
  await td.usePreconfiguredFlag(launchDarklyFlag(scenario));
  const client = init('sdk-bench-offline', {
    updateProcessor: td.getFactory(),
    sendEvents: false,
    diagnosticOptOut: true,
    logger: basicLogger({ level: 'warn' }),
  });
  await client.waitForInitialization({ timeout: 10 });
  const key = scenario.flagKey;
  return {
    id: 'launchdarkly',
    label: `@launchdarkly/node-server-sdk ${packageVersion('@launchdarkly/node-server-sdk')} (async)`,
    isAsync: true,
    toContext: (c) => ({ kind: 'user', key: c.userId, country: c.country, plan: c.plan }),
    async pass(contexts) {
      let on = 0;
      for (let i = 0; i < contexts.length; i++) if (await client.boolVariation(key, contexts[i], false)) on++;
      return on;
    },
    evaluate: (context) => client.boolVariation(key, context, false),
    close: () => client.close(),
  };
}
