/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */
import { exampleStory } from '../../http/openapi-examples.js';

const { flag } = exampleStory;

/** One variant's sums of a 0/1 event: `errors` of `count` requests (sum of squares = sum for 0/1). */
const rate = (count: number, errors: number) => ({ count, sum: errors, sumSquares: errors }) as const;

export const eventsReportRequest = {
  start: '2026-12-03T15:58:30.000Z',
  end: exampleStory.recently,
  events: {
    [flag]: { on: { 'checkout.error': rate(118, 3) }, off: { 'checkout.error': rate(121, 2) } },
    'old-banner': { '': { 'banner.click': rate(4, 4) } },
  },
} as const;

export const eventsReportResponse = { accepted: 2, unknownFlags: ['old-banner'] } as const;

const totals = (count: number, sum: number) =>
  ({
    count,
    sum,
    mean: sum / count,
    stddev: Math.sqrt(((sum / count) * (1 - sum / count) * count) / (count - 1)),
  }) as const;

export const eventsHistoryResponse = {
  flag,
  environment: exampleStory.environment,
  event: 'checkout.error',
  events: ['checkout.error', 'checkout.completed'],
  since: '2026-12-03T14:00:00.000Z',
  to: exampleStory.recently,
  bucket: 'hour',
  variants: { on: totals(7212, 173), off: totals(7033, 148) },
  series: [
    { start: '2026-12-03T14:00:00.000Z', variants: { on: { count: 3520, sum: 85 }, off: { count: 3431, sum: 71 } } },
    { start: '2026-12-03T15:00:00.000Z', variants: { on: { count: 3692, sum: 88 }, off: { count: 3602, sum: 77 } } },
  ],
} as const;
