import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';
import { createReportingFlag, injectApi } from '../../../test/helpers/sdk-report-setup.js';
import { pruneMetricEvents } from './retention.js';

/** The quick start runs on embedded PGlite: the events upsert (unnest of six arrays) and pruning must work there too. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-events-');
}, 180_000);
afterAll(() => embedded?.close());

it('stores tracked events, reads them back and prunes on embedded PGlite', async () => {
  const { app, db, adminHeaders } = embedded;
  const call = injectApi(app, adminHeaders);
  const { sdk, report } = await createReportingFlag(call);
  const events = {
    a: { on: { ms: { count: 2, sum: 30, sumSquares: 500 } }, off: { ms: { count: 1, sum: 5, sumSquares: 25 } } },
  };
  for (let i = 0; i < 2; i++) {
    expect(await call('POST', '/sdk/events', { ...report, events }, sdk)).toEqual({
      status: 202,
      body: { accepted: 2, unknownFlags: [] },
    });
  }
  const read = await call('GET', '/projects/p/flags/a/events?environment=prod&event=ms');
  expect(read.body.variants).toMatchObject({ on: { count: 4, sum: 60, mean: 15 }, off: { count: 2, sum: 10 } });
  expect(await pruneMetricEvents(db.prisma, new Date())).toEqual({ events: 0, names: 0 });
});
