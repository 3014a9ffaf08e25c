import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';

/** The quick start runs on embedded PGlite: the metrics upsert (unnest of arrays) must work there too. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-usage-');
}, 180_000);
afterAll(() => embedded?.close());

it('stores usage reports and shows lastEvaluatedAt on embedded PGlite', async () => {
  const { app, db, adminHeaders: headers } = embedded;
  const call = async (method: 'GET' | 'POST', url: string, payload?: object, auth = headers) => {
    const response = await app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() };
  };
  await call('POST', '/projects', { key: 'p', name: 'P' });
  await call('POST', '/projects/p/environments', { key: 'prod', name: 'Prod' });
  await call('POST', '/projects/p/flags', { key: 'a', name: 'a', type: 'boolean' });
  const token = await call('POST', '/tokens', { name: 'sdk', kind: 'server', project: 'p', environment: 'prod' });
  const sdk = { authorization: `Bearer ${token.body.secret}` };
  const end = new Date(Date.now() - 1_000);
  const report = { start: new Date(end.getTime() - 60_000).toISOString(), end: end.toISOString() };
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
