import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

/**
 * The console's list needs every flag's state per environment in one response (not one request
 * per flag), and its incident search finds flags in every project in one request.
 */
let t: TestApp;
const api = (...args: Parameters<TestApp['api']>) => t.api(...args);

interface Status {
  environment: string;
  enabled: boolean;
  killed: boolean;
  version: number;
  rules: number;
  rolloutPercents: number[];
}

beforeAll(async () => {
  t = await createTestApp();
  for (const project of ['shop', 'search']) {
    expect((await api('POST', '/projects', { key: project, name: project })).status).toBe(201);
    for (const key of ['production', 'staging']) {
      expect((await api('POST', `/projects/${project}/environments`, { key, name: key })).status).toBe(201);
    }
  }
  for (const key of ['checkout', 'banner', 'old-banner']) {
    expect((await api('POST', '/projects/shop/flags', { key, name: key, type: 'boolean' })).status).toBe(201);
  }
  expect(
    (await api('POST', '/projects/search/flags', { key: 'checkout-ranking', name: 'R', type: 'boolean' })).status,
  ).toBe(201);
  await api('POST', '/projects/shop/flags/old-banner/archive');
  await api('POST', '/projects/shop/flags/banner/environments/staging/kill', { reason: 'broken' });
  // checkout: on in production with a 12.5 % rollout rule and a plain rule.
  const path = '/projects/shop/flags/checkout/environments/production';
  const current = await api('GET', path);
  const put = await api(
    'PUT',
    path,
    {
      enabled: true,
      offVariant: 'off',
      defaultServe: { variant: 'off' },
      rules: [
        { id: 'beta', conditions: [], segments: [], serve: { variant: 'on' } },
        { id: 'gradual', conditions: [], segments: [], rollout: { percent: 12.5 }, serve: { variant: 'on' } },
      ],
    },
    { 'if-match': current.headers.etag as string },
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
});
afterAll(async () => t?.close());

describe('GET /projects/:project/flags?include=environments', () => {
  it("gives each flag's state in every environment, with rule counts and rollouts in percent", async () => {
    const response = await api('GET', '/projects/shop/flags?include=environments');
    expect(response.status).toBe(200);
    const items = response.body.items as { key: string; environments: Status[] }[];
    expect(items.map((item) => item.key)).toEqual(['banner', 'checkout']);
    expect(items[0]!.environments).toEqual([
      { environment: 'production', enabled: false, killed: false, version: 1, rules: 0, rolloutPercents: [] },
      { environment: 'staging', enabled: false, killed: true, version: 2, rules: 0, rolloutPercents: [] },
    ]);
    expect(items[1]!.environments[0]).toEqual({
      environment: 'production',
      enabled: true,
      killed: false,
      version: 2,
      rules: 2,
      rolloutPercents: [12.5],
    });
    // The same states as the single-flag read.
    const detail = await api('GET', '/projects/shop/flags/banner');
    expect(
      items[0]!.environments.map(({ environment, enabled, killed, version }) => ({
        environment,
        enabled,
        version,
        killed,
      })),
    ).toEqual(detail.body.environments);
  });

  it('leaves the states out unless asked, and works with the other filters and pages up to 1000', async () => {
    const plain = await api('GET', '/projects/shop/flags');
    expect(plain.body.items[0]).not.toHaveProperty('environments');
    const archived = await api('GET', '/projects/shop/flags?archived=true&include=environments&limit=1000');
    expect(archived.status).toBe(200);
    expect(
      archived.body.items.map((item: { key: string; environments: Status[] }) => [item.key, item.environments.length]),
    ).toEqual([['old-banner', 2]]);
    expect((await api('GET', '/projects/shop/flags?limit=1001')).status).toBe(400);
    expect((await api('GET', '/projects/shop/flags?include=rules')).status).toBe(400);
  });
});

describe('GET /flags (search across projects)', () => {
  it('finds live flags in every project by key, name or description, with their states', async () => {
    const response = await api('GET', '/flags?q=CHECKOUT');
    expect(response.status).toBe(200);
    const items = response.body.items as { project: string; key: string; environments: Status[] }[];
    expect(items.map((item) => [item.project, item.key])).toEqual([
      ['search', 'checkout-ranking'],
      ['shop', 'checkout'],
    ]);
    expect(items[1]!.environments.map((env) => env.rolloutPercents)).toEqual([[12.5], []]);
    // Archived flags are not incident material.
    expect((await api('GET', '/flags?q=old-banner')).body.items).toEqual([]);
    expect((await api('GET', '/flags?q=e&limit=1')).body.items).toHaveLength(1);
  });

  it('answers 400 without a query or with a bad limit, and 401 without a token', async () => {
    for (const query of ['', '?q=', '?q=a&limit=0', '?q=a&limit=201']) {
      expect((await api('GET', `/flags${query}`)).status, query).toBe(400);
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/flags?q=a' })).statusCode).toBe(401);
  });
});
