import { compileSnapshot, isEnabled } from '@switchyard/core';
import { NORDIC } from '../scenarios.mjs';
import { packageVersion } from './adapter.mjs';

/**
 * The Switchyard flag for a scenario, as the server would put it in a snapshot.
 * @param {import('../scenarios.mjs').Scenario} scenario
 */
export function switchyardFlag(scenario) {
  const rules = [];
  if (scenario.targeting) {
    rules.push({
      id: 'nordic-pro',
      conditions: [
        { attribute: 'country', operator: 'in', values: NORDIC },
        { attribute: 'plan', operator: 'in', values: ['pro'] },
      ],
      segments: [],
      serve: { variant: 'on' },
    });
  }
  if (scenario.rollout) {
    rules.push({
      id: 'rollout-25',
      conditions: [],
      segments: [],
      rollout: { percentage: 2500, stickiness: 'userId' },
      serve: { variant: 'on' },
    });
  }
  return {
    key: scenario.flagKey,
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: scenario.rollout ? 'off' : 'on' },
    rules,
    prerequisites: [],
    version: 1,
  };
}

/**
 * @param {import('../scenarios.mjs').Scenario} scenario
 * @returns {Promise<import('./adapter.mjs').Adapter>}
 */
export async function create(scenario) {
  const compiled = compileSnapshot({
    schemaVersion: 1,
    projectKey: 'bench',
    environmentKey: 'bench',
    revision: 1,
    flags: [switchyardFlag(scenario)],
    segments: [],
  });
  const key = scenario.flagKey;
  return {
    id: 'switchyard',
    label: `Switchyard core ${packageVersion('@switchyard/core')}`,
    isAsync: false,
    toContext: (c) => ({ userId: c.userId, country: c.country, plan: c.plan }),
    pass(contexts) {
      let on = 0;
      for (let i = 0; i < contexts.length; i++) if (isEnabled(compiled, key, contexts[i])) on++;
      return on;
    },
    evaluate: (context) => isEnabled(compiled, key, context),
    close() {},
  };
}
