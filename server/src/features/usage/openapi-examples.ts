/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

const { flag } = exampleStory;

/** Evaluations of the story's flag per variant: one SDK's minute, and two of the hours it adds up to. */
const counts = (on: number, off: number) => ({ on, off }) as const;

export const metricsReportRequest = {
  start: '2026-12-03T15:58:30.000Z',
  end: exampleStory.recently,
  flags: { [flag]: counts(118, 121), 'old-banner': { '': 3 } },
} as const;

export const metricsReportResponse = { accepted: 2, unknownFlags: ['old-banner'] } as const;

const hour = (start: string, on: number, off: number) =>
  ({ start, total: on + off, variants: counts(on, off) }) as const;

export const usageHistoryResponse = {
  flag,
  environment: exampleStory.environment,
  bucket: 'hour',
  from: '2026-12-03T14:00:00.000Z',
  to: '2026-12-03T16:00:00.000Z',
  lastEvaluatedAt: exampleStory.recently,
  buckets: [hour('2026-12-03T14:00:00.000Z', 6980, 7104), hour('2026-12-03T15:00:00.000Z', 7212, 7033)],
} as const;

export const staleFlagsResponse = {
  days: 30,
  asOf: exampleStory.recently,
  examined: 42,
  flags: [
    {
      key: 'holiday-banner-2025',
      name: 'Holiday banner 2025',
      createdAt: '2025-11-20T10:00:00.000Z',
      lastEvaluatedAt: '2026-01-06T23:59:10.000Z',
      reasons: ['not-evaluated-recently', 'fully-rolled-out'],
      environments: [
        {
          environment: exampleStory.environment,
          state: 'rolled-out',
          variant: 'on',
          since: '2025-12-01T08:00:00.000Z',
        },
      ],
    },
  ],
} as const;
