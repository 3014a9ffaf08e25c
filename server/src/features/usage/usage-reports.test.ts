import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

let t: TestApp;
/** Three consecutive UTC days, ten days back (counts of the history tests; "recent" for the stale report). */
const day = (offset: number) =>
  new Date(Math.floor(Date.now() / 86_400_000 - 10 + offset) * 86_400_000).toISOString().slice(0, 10);
const [DAY1, DAY2, DAY3] = [day(0), day(1), day(2)];
let environments: Record<string, string>;
let flags: Record<string, string>;

async function get(url: string) {
  const response = await t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: t.adminHeaders });
  return { status: response.statusCode, body: response.json() };
}
async function post(url: string, payload?: object) {
  const response = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.adminHeaders, payload });
  expect(response.statusCode, response.body).toBeLessThan(300);
}
async function usage(flag: string, environment: string, hour: string, variant: string, count: number) {
  await t.db.prisma.flagUsage.create({
    data: {
      flagId: flags[flag]!,
      environmentId: environments[environment]!,
      variant,
      hour: new Date(hour),
      count: BigInt(count),
      lastEvaluatedAt: new Date(new Date(hour).getTime() + 30 * 60_000),
    },
  });
}
/** GET, change, PUT with If-Match: one environment's configuration. */
async function putConfig(flag: string, environment: string, change: object) {
  const url = `/api/v1/projects/shop/flags/${flag}/environments/${environment}`;
  const current = await t.app.inject({ method: 'GET', url, headers: t.adminHeaders });
  const { enabled, offVariant, defaultServe, rules, prerequisites } = current.json();
  const response = await t.app.inject({
    method: 'PUT',
    url,
    headers: { ...t.adminHeaders, 'if-match': current.headers.etag as string },
    payload: { enabled, offVariant, defaultServe, rules, prerequisites, ...change },
  });
  expect(response.statusCode, response.body).toBe(200);
}
/** Moves a flag's creation and every configuration's last change `days` days back. */
async function age(flag: string, days: number) {
  await t.db.prisma
    .$executeRaw`UPDATE flags SET created_at = now() - make_interval(days => ${days}) WHERE key = ${flag}`;
  await t.db.prisma
    .$executeRaw`UPDATE flag_configs SET updated_at = now() - make_interval(days => ${days}) WHERE flag_id = ${flags[flag]!}::uuid`;
}

beforeAll(async () => {
  t = await createTestApp();
  await post('/projects', { key: 'shop', name: 'Shop' });
  for (const key of ['production', 'staging']) await post('/projects/shop/environments', { key, name: key });
  const variants = [
    { key: 'red', value: 'red' },
    { key: 'blue', value: 'blue' },
  ];
  for (const key of ['colors', 'fresh', 'dormant', 'forgotten', 'done', 'dead', 'busy']) {
    await post('/projects/shop/flags', { key, name: key, type: 'string', variants });
  }
  environments = Object.fromEntries(
    (await t.db.prisma.environment.findMany()).map((environment) => [environment.key, environment.id]),
  );
  flags = Object.fromEntries((await t.db.prisma.flag.findMany()).map((flag) => [flag.key, flag.id]));
});
afterAll(async () => t?.close());

describe('GET /projects/:project/flags/:flag/usage: counts over time', () => {
  beforeAll(async () => {
    await usage('colors', 'production', `${DAY1}T10:00:00Z`, 'red', 5);
    await usage('colors', 'production', `${DAY1}T10:00:00Z`, 'blue', 2);
    await usage('colors', 'production', `${DAY1}T12:00:00Z`, 'red', 1);
    await usage('colors', 'staging', `${DAY1}T12:00:00Z`, 'red', 10);
    await usage('colors', 'production', `${DAY2}T00:00:00Z`, '', 3);
  });

  it('counts per variant per hour in one environment, every bucket listed', async () => {
    const range = `from=${DAY1}T10:00:00Z&to=${DAY1}T13:00:00Z`;
    const { status, body } = await get(`/projects/shop/flags/colors/usage?environment=production&bucket=hour&${range}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      flag: 'colors',
      environment: 'production',
      bucket: 'hour',
      from: `${DAY1}T10:00:00.000Z`,
      to: `${DAY1}T13:00:00.000Z`,
      lastEvaluatedAt: `${DAY2}T00:30:00.000Z`,
      buckets: [
        { start: `${DAY1}T10:00:00.000Z`, total: 7, variants: { red: 5, blue: 2 } },
        { start: `${DAY1}T11:00:00.000Z`, total: 0, variants: {} },
        { start: `${DAY1}T12:00:00.000Z`, total: 1, variants: { red: 1 } },
      ],
    });
  });

  it('sums days over every environment when none is given', async () => {
    const { body } = await get(
      `/projects/shop/flags/colors/usage?bucket=day&from=${DAY1}T05:00:00Z&to=${DAY3}T00:00:00Z`,
    );
    expect(body.environment).toBeNull();
    expect(body.from).toBe(`${DAY1}T00:00:00.000Z`);
    expect(body.buckets).toEqual([
      { start: `${DAY1}T00:00:00.000Z`, total: 18, variants: { red: 16, blue: 2 } },
      { start: `${DAY2}T00:00:00.000Z`, total: 3, variants: { '': 3 } },
    ]);
  });

  it('defaults to the last 30 days, and a never-evaluated flag has lastEvaluatedAt null', async () => {
    const { status, body } = await get('/projects/shop/flags/fresh/usage');
    expect(status).toBe(200);
    expect(body.buckets).toHaveLength(30);
    expect(body.lastEvaluatedAt).toBeNull();
  });

  it.each([
    ['an unknown flag', '/projects/shop/flags/nope/usage', 404],
    ['an unknown environment', '/projects/shop/flags/colors/usage?environment=nope', 404],
    ['an unknown project', '/projects/nope/flags/colors/usage', 404],
    ['a bad bucket', '/projects/shop/flags/colors/usage?bucket=week', 400],
    ['a malformed date', '/projects/shop/flags/colors/usage?from=yesterday', 400],
    ['from after to', `/projects/shop/flags/colors/usage?from=${DAY2}T00:00:00Z&to=${DAY1}T00:00:00Z`, 400],
    // Year 0 reached PostgreSQL, which cannot hold it: a 500.
    ['a year-0 to', '/projects/shop/flags/colors/usage?to=0000-01-02T00:00:00Z', 400],
    ['a year-0 range', '/projects/shop/flags/colors/usage?from=0000-01-01T00:00:00Z&to=0000-01-02T00:00:00Z', 400],
    [
      'too many hours',
      '/projects/shop/flags/colors/usage?bucket=hour&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
      400,
    ],
    [
      'too many days',
      '/projects/shop/flags/colors/usage?bucket=day&from=2020-01-01T00:00:00Z&to=2026-03-01T00:00:00Z',
      400,
    ],
  ])('%s → %s in the error shape', async (_name, url, status) => {
    const response = await get(url);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });
});

describe('GET /projects/:project/usage/stale: cleanup candidates', () => {
  beforeAll(async () => {
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    // fresh: created now, never evaluated: not a candidate yet.
    // dormant: old, never evaluated.
    // forgotten: last evaluated 40 days ago, with a rule in production.
    // done: rolled out to blue everywhere 40 days ago, still evaluated.
    // dead: killed everywhere 40 days ago, still evaluated.
    // busy: evaluated, rules in production.
    const rule = {
      id: 'vip',
      conditions: [{ attribute: 'plan', operator: 'in', values: ['vip'] }],
      segments: [],
      serve: { variant: 'red' },
    };
    for (const key of ['forgotten', 'busy']) await putConfig(key, 'production', { enabled: true, rules: [rule] });
    for (const environment of ['production', 'staging']) {
      await putConfig('done', environment, { enabled: true, defaultServe: { variant: 'blue' } });
      await post(`/projects/shop/flags/dead/environments/${environment}/kill`, { reason: 'broken' });
    }
    for (const key of ['dormant', 'forgotten', 'done', 'dead', 'busy']) await age(key, 40);
    await usage('forgotten', 'production', old, 'red', 1);
    for (const key of ['done', 'dead', 'busy']) await usage(key, 'staging', recent, 'red', 1);
  });

  it('lists each candidate with its reasons; fresh and busy flags are not', async () => {
    const { status, body } = await get('/projects/shop/usage/stale?days=30');
    expect(status).toBe(200);
    expect(body.days).toBe(30);
    const reasons = Object.fromEntries(
      body.flags.map((flag: { key: string; reasons: string[] }) => [flag.key, flag.reasons]),
    );
    expect(reasons).toEqual({
      dormant: ['never-evaluated', 'fully-rolled-out'],
      forgotten: ['not-evaluated-recently'],
      done: ['fully-rolled-out'],
      dead: ['killed-everywhere'],
    });
    const done = body.flags.find((flag: { key: string }) => flag.key === 'done');
    expect(done.environments).toEqual([
      { environment: 'production', state: 'rolled-out', variant: 'blue', since: expect.any(String) },
      { environment: 'staging', state: 'rolled-out', variant: 'blue', since: expect.any(String) },
    ]);
  });

  it('with a longer threshold the same flags are not stale yet', async () => {
    const { body } = await get('/projects/shop/usage/stale?days=60');
    expect(body.flags).toEqual([]);
    expect(body.examined).toBe(7);
  });

  it.each([
    ['days=0', '/projects/shop/usage/stale?days=0', 400],
    ['days=abc', '/projects/shop/usage/stale?days=abc', 400],
    ['an unknown project', '/projects/nope/usage/stale', 404],
  ])('%s → %s', async (_name, url, status) => {
    expect((await get(url)).status).toBe(status);
  });
});
