import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { hourOf } from './store.js';

let t: TestApp;
let serverToken: string;
let clientToken: string;
let otherToken: string;

async function api(method: 'GET' | 'POST', url: string, payload?: unknown, token?: string) {
  const response = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: token ? { authorization: `Bearer ${token}` } : t.adminHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: response.body ? response.json() : undefined };
}

async function token(kind: 'server' | 'client', project: string, environment: string): Promise<string> {
  const created = await api('POST', '/tokens', {
    name: `${kind}-${project}-${environment}`,
    kind,
    project,
    environment,
  });
  expect(created.status).toBe(201);
  return created.body.secret as string;
}

async function usageRows() {
  const rows = await t.db.prisma.flagUsage.findMany({
    include: { flag: { select: { key: true } }, environment: { select: { key: true } } },
  });
  return rows
    .map((row) => ({
      environment: row.environment.key,
      flag: row.flag.key,
      variant: row.variant,
      hour: row.hour.toISOString(),
      count: Number(row.count),
    }))
    .sort((a, b) =>
      `${a.environment}${a.flag}${a.variant}${a.hour}`.localeCompare(`${b.environment}${b.flag}${b.variant}${b.hour}`),
    );
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
/** A report window of one minute starting `minutes` past the hour `hoursAgo` hours back. */
function windowAt(hoursAgo: number, minutes = 5) {
  const start = new Date(hourOf(minutesAgo(hoursAgo * 60)).getTime() + minutes * 60_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + 60_000).toISOString() };
}
const COLOR_VARIANTS = [
  { key: 'red', value: 'red' },
  { key: 'blue', value: 'blue' },
];
/** Window of the concurrency test, whose end is `unused`'s lastEvaluatedAt. */
const concurrentWindow = windowAt(3);

beforeAll(async () => {
  t = await createTestApp();
  await api('POST', '/projects', { key: 'shop', name: 'Shop' });
  await api('POST', '/projects', { key: 'blog', name: 'Blog' });
  for (const key of ['production', 'staging']) await api('POST', '/projects/shop/environments', { key, name: key });
  await api('POST', '/projects/blog/environments', { key: 'production', name: 'production' });
  for (const key of ['checkout', 'banner', 'unused', 'retired']) {
    const clientSide = key === 'banner' || key === 'retired';
    expect((await api('POST', '/projects/shop/flags', { key, name: key, type: 'boolean', clientSide })).status).toBe(
      201,
    );
  }
  const colors = { key: 'colors', name: 'colors', type: 'string', clientSide: true, variants: COLOR_VARIANTS };
  expect((await api('POST', '/projects/shop/flags', colors)).status).toBe(201);
  expect((await api('POST', '/projects/shop/flags/retired/archive')).status).toBe(200);
  await api('POST', '/projects/blog/flags', { key: 'checkout', name: 'checkout', type: 'boolean' });
  serverToken = await token('server', 'shop', 'production');
  clientToken = await token('client', 'shop', 'staging');
  otherToken = await token('server', 'blog', 'production');
});
afterAll(async () => t?.close());

describe('POST /sdk/metrics', () => {
  it('adds reports into per environment/flag/variant/hour rows and ignores unknown flags', async () => {
    const start = minutesAgo(2);
    const end = minutesAgo(1);
    const report = { start: start.toISOString(), end: end.toISOString(), flags: { checkout: { on: 3, off: 1 } } };
    const first = await api('POST', '/sdk/metrics', report, serverToken);
    expect(first).toEqual({ status: 202, body: { accepted: 2, unknownFlags: [] } });
    const second = await api(
      'POST',
      '/sdk/metrics',
      { ...report, flags: { checkout: { on: 2, '': 5 }, banner: { off: 0 }, ghost: { on: 1 } } },
      serverToken,
    );
    expect(second).toEqual({ status: 202, body: { accepted: 2, unknownFlags: ['ghost'] } });
    // A client token counts client-side flags in its own environment; a token of another project
    // touches its own flags.
    const client = await api(
      'POST',
      '/sdk/metrics',
      { ...report, flags: { checkout: { on: 7 }, banner: { on: 7 } } },
      clientToken,
    );
    expect(client).toEqual({ status: 202, body: { accepted: 1, unknownFlags: ['checkout'] } });
    await api('POST', '/sdk/metrics', { ...report, flags: { checkout: { on: 100 } } }, otherToken);

    const hour = hourOf(start).toISOString();
    const shopRows = (await usageRows()).filter((row) => row.count !== 100);
    expect(shopRows).toEqual([
      { environment: 'production', flag: 'checkout', variant: '', hour, count: 5 },
      { environment: 'production', flag: 'checkout', variant: 'off', hour, count: 1 },
      { environment: 'production', flag: 'checkout', variant: 'on', hour, count: 5 },
      { environment: 'staging', flag: 'banner', variant: 'on', hour, count: 7 },
    ]);
  });

  it('loses no count under concurrent reports of the same rows', async () => {
    const report = concurrentWindow;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        api(
          'POST',
          '/sdk/metrics',
          { ...report, flags: { banner: { on: 2, off: 1 }, unused: { on: 1 } } },
          serverToken,
        ),
      ),
    );
    expect(results.every((result) => result.status === 202)).toBe(true);
    const hour = hourOf(new Date(report.start)).toISOString();
    const rows = (await usageRows()).filter((row) => row.hour === hour);
    expect(rows.map((row) => [row.flag, row.variant, row.count])).toEqual([
      ['banner', 'off', 20],
      ['banner', 'on', 40],
      ['unused', 'on', 20],
    ]);
  });

  it('answers bad reports with a 400 naming the problem, and refuses admin and missing tokens', async () => {
    const now = new Date().toISOString();
    const cases: [unknown, RegExp][] = [
      [{ start: now, end: now, flags: { a: { on: -1 } } }, /flags/],
      [{ start: now, end: now, flags: { a: { on: 1.5 } } }, /flags/],
      [{ start: 'yesterday', end: now, flags: {} }, /start/],
      [{ start: now, end: minutesAgo(10).toISOString(), flags: {} }, /end/],
      [{ start: now, end: new Date(Date.now() + 3_600_000).toISOString(), flags: {} }, /future/],
      [{ start: now, end: now }, /flags/],
    ];
    for (const [body, message] of cases) {
      const response = await api('POST', '/sdk/metrics', body, serverToken);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(JSON.stringify(response.body)).toMatch(message);
    }
    expect((await api('POST', '/sdk/metrics', { start: now, end: now, flags: {} })).status).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sdk/metrics',
      payload: { start: now, end: now, flags: {} },
    });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('lastEvaluatedAt in the flags API', () => {
  it('shows the latest report end per flag in GET and in the list, null when never evaluated', async () => {
    const end = minutesAgo(0.5);
    await api(
      'POST',
      '/sdk/metrics',
      { start: minutesAgo(1).toISOString(), end: end.toISOString(), flags: { checkout: { on: 1 } } },
      serverToken,
    );
    const detail = await api('GET', '/projects/shop/flags/checkout');
    expect(detail.body.lastEvaluatedAt).toBe(end.toISOString());
    const list = await api('GET', '/projects/shop/flags');
    const byKey = Object.fromEntries(
      (list.body.items as { key: string; lastEvaluatedAt: string | null }[]).map((item) => [
        item.key,
        item.lastEvaluatedAt,
      ]),
    );
    expect(byKey.checkout).toBe(end.toISOString());
    // unused's only report ended 3 hours ago (concurrency test): older than checkout's.
    expect(byKey.unused).toBe(concurrentWindow.end);
    const blog = await api('GET', '/projects/blog/flags/checkout');
    expect(blog.body.lastEvaluatedAt).not.toBeNull();
    await api('POST', '/projects/shop/flags', { key: 'fresh', name: 'fresh', type: 'boolean' });
    expect((await api('GET', '/projects/shop/flags/fresh')).body.lastEvaluatedAt).toBeNull();
  });
});
