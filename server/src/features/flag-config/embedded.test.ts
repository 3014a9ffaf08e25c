import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';

/** The quick start runs on embedded PGlite: the row locks and raw SQL of these features must work there too. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-flags-');
}, 180_000);
afterAll(() => embedded?.close());

it('runs the flag lifecycle on embedded PGlite', async () => {
  const { app, adminHeaders: headers } = embedded;
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, extra = {}) => {
    const response = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...headers, ...extra },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.json(), etag: response.headers.etag };
  };
  expect((await call('POST', '/projects', { key: 'p', name: 'P' })).status).toBe(201);
  expect((await call('POST', '/projects/p/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);
  for (const key of ['a', 'b'])
    expect((await call('POST', '/projects/p/flags', { key, name: key, type: 'boolean' })).status).toBe(201);
  const url = '/projects/p/flags/a/environments/prod';
  const current = await call('GET', url);
  const put = await call(
    'PUT',
    url,
    { ...current.body, enabled: true, prerequisites: [{ flagKey: 'b', variants: ['on'] }] },
    { 'if-match': current.etag },
  );
  expect(put.status).toBe(200);
  const parent = await call('GET', '/projects/p/flags/b/environments/prod');
  const cycle = await call(
    'PUT',
    '/projects/p/flags/b/environments/prod',
    { ...parent.body, prerequisites: [{ flagKey: 'a', variants: ['on'] }] },
    { 'if-match': parent.etag },
  );
  expect(cycle.status).toBe(400);
  expect((await call('POST', '/projects/p/flags/a/kill', { reason: 'test' })).body.items[0]).toMatchObject({
    enabled: false,
    killed: true,
  });
  expect((await call('POST', `${url}/restore`)).body).toMatchObject({ enabled: true, killed: false });
  expect((await call('POST', '/projects/p/flags/b/archive')).status).toBe(409);
});
