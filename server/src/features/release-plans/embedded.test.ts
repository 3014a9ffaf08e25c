import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';

/** Embedded mode (PGlite, one connection): a plan's steps and a person's rollback work there too. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-plans-');
}, 180_000);
afterAll(() => embedded?.close());

it('runs a release plan on embedded PGlite', async () => {
  const { app, adminHeaders: headers } = embedded;
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, extra = {}) => {
    const response = await app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...headers, ...extra },
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.json(), etag: response.headers.etag as string };
  };
  await call('POST', '/projects', { key: 'p', name: 'P' });
  await call('POST', '/projects/p/environments', { key: 'prod', name: 'Prod' });
  await call('POST', '/projects/p/flags', { key: 'a', name: 'a', type: 'boolean' });
  const config = '/projects/p/flags/a/environments/prod';
  const current = await call('GET', config);
  const rules = [{ id: 'all', conditions: [], segments: [], serve: { variant: 'on' }, rollout: { percent: 0 } }];
  expect(
    (await call('PUT', config, { ...current.body, enabled: true, rules }, { 'if-match': current.etag })).status,
  ).toBe(200);
  const plans = `${config}/release-plans`;
  const created = await call('POST', plans, {
    steps: [
      { percent: 5, holdMinutes: 1 },
      { percent: 25, holdMinutes: 1 },
    ],
  });
  expect(created.status).toBe(201);
  expect((await call('POST', `${plans}/${created.body.id}/start`, {})).status).toBe(200);
  const t0 = Date.now();
  await app.jobs.tick(new Date(t0 + 1_000));
  expect((await call('GET', config)).body.rules[0].rollout.percent).toBe(5);
  await app.jobs.tick(new Date(t0 + 62_000));
  expect((await call('GET', config)).body.rules[0].rollout.percent).toBe(25);
  const rolledBack = await call('POST', `${plans}/${created.body.id}/rollback`, {});
  expect(rolledBack.body.state).toBe('rolled_back');
  expect((await call('GET', config)).body.rules[0].rollout.percent).toBe(0);
});
