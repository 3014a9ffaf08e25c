import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';
import { createReportingFlag, injectApi } from '../../../test/helpers/sdk-report-setup.js';

/** The quick start runs on embedded PGlite: the metrics upsert (unnest of arrays) must work there too. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-usage-');
}, 180_000);
afterAll(() => embedded?.close());

it('stores usage reports and shows lastEvaluatedAt on embedded PGlite', async () => {
  const { app, db, adminHeaders } = embedded;
  const call = injectApi(app, adminHeaders);
  const { sdk, end, report } = await createReportingFlag(call);
  for (let i = 0; i < 2; i++) {
    const posted = await call('POST', '/sdk/metrics', { ...report, flags: { a: { on: 2, off: 1 } } }, sdk);
    expect(posted).toEqual({ status: 202, body: { accepted: 2, unknownFlags: [] } });
  }
  const rows = await db.prisma.flagUsage.findMany({ orderBy: { variant: 'asc' } });
  expect(rows.map((row) => [row.variant, Number(row.count)])).toEqual([
    ['off', 2],
    ['on', 4],
  ]);
  expect((await call('GET', '/projects/p/flags/a')).body.lastEvaluatedAt).toBe(end.toISOString());
});
