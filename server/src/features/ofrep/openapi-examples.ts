/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

/** An OpenFeature evaluation context: the user, on the beta plan. */
export const evaluationRequest = { context: { targetingKey: 'user-4711', plan: 'beta', country: 'DE' } } as const;

/** The story's flag for that user: the beta rule matched and its rollout took them in. */
export const evaluationResponse = {
  key: exampleStory.flag,
  value: true,
  reason: 'TARGETING_MATCH',
  variant: 'on',
  metadata: { ruleId: 'beta-users' },
} as const;

export const bulkEvaluationResponse = {
  flags: [
    evaluationResponse,
    { key: 'dark-mode', value: 'system', reason: 'STATIC', variant: 'follow-system' },
    { key: 'search-ranking', errorCode: 'GENERAL', errorDetails: 'rule "boost" has an invalid regex' },
  ],
} as const;
