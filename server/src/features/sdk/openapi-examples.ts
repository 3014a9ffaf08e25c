/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleBooleanVariants, exampleStory } from '../../http/openapi-examples.js';

/**
 * The story's production environment as SDKs get it (core's Snapshot: rollouts in basis points):
 * the flag on for half of the beta plan.
 */
export const snapshotResponse = {
  schemaVersion: 1,
  projectKey: exampleStory.project,
  environmentKey: exampleStory.environment,
  revision: 42,
  flags: [
    {
      key: exampleStory.flag,
      type: 'boolean',
      variants: exampleBooleanVariants,
      enabled: true,
      offVariant: 'off',
      defaultServe: { variant: 'off' },
      rules: [
        {
          id: 'beta-users',
          conditions: [{ attribute: 'plan', operator: 'in', values: ['beta'] }],
          segments: [],
          rollout: { percentage: 5000 },
          serve: { variant: 'on' },
        },
      ],
      prerequisites: [],
      version: 5,
    },
  ],
  segments: [],
} as const;

/** The start of a stream: the whole snapshot as `put`, its revision as the event id. */
export const streamExample = `event: put\nid: ${snapshotResponse.revision}\ndata: ${JSON.stringify(snapshotResponse)}\n\n`;
