import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';
import { pruneMetricEvents } from './retention.js';

/** The quick start runs on embedded PGlite: the events upsert (unnest of six arrays) and pruning must work there too. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-events-');
}, 180_000);
afterAll(() => embedded?.close());

it('stores tracked events, reads them back and prunes on embedded PGlite', async () => {
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
