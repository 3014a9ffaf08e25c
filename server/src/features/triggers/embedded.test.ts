import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../../test/helpers/embedded.js';
import { alertmanagerPayload } from '../../../test/helpers/alertmanager-payload.js';

/** The quick start runs on embedded PGlite without Redis: triggers work there, limits in memory. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-triggers-');
}, 180_000);
afterAll(() => embedded?.close());

it('creates a trigger and kills and restores through it on embedded PGlite', async () => {
  const { app, adminHeaders: headers } = embedded;
  const call = async (url: string, payload?: object, auth = true) => {
    const response = await app.inject({
      method: 'POST',
      url: url.startsWith('/api/') ? url : `/api/v1${url}`,
      headers: auth ? headers : {},
      ...(payload ? { payload } : {}),
    });
    return { status: response.statusCode, body: response.json() };
  };
  expect((await call('/projects', { key: 'p', name: 'P' })).status).toBe(201);
  expect((await call('/projects/p/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);
  expect((await call('/projects/p/flags', { key: 'a', name: 'a', type: 'boolean' })).status).toBe(201);
  expect((await call('/projects/p/flags/a/environments/prod/on', {})).status).toBe(200);
  const trigger = await call('/projects/p/triggers', {
    name: 'am',
    flag: 'a',
    environment: 'prod',
    restoreOnResolve: true,
  });
  expect(trigger.status).toBe(201);
  const path = trigger.body.path as string;
  expect((await call(path, alertmanagerPayload('firing'), false)).body.outcome).toBe('killed');
  expect((await call(path, alertmanagerPayload('firing'), false)).body.outcome).toBe('already_killed');
  expect((await call(path, alertmanagerPayload('resolved'), false)).body.outcome).toBe('restored');
  const config = await app.inject({ method: 'GET', url: '/api/v1/projects/p/flags/a/environments/prod', headers });
  expect(config.json()).toMatchObject({ enabled: true, killed: false });
});
