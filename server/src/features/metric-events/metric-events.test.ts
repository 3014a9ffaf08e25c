import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { MAX_EVENT_NAMES_PER_FLAG, MAX_EVENT_SQUARES } from './schemas.js';
import { pruneMetricEvents, EVENTS_RETENTION_MS } from './retention.js';
import { addEvents, minuteOf } from './store.js';

let t: TestApp;
let serverToken: string;
let clientToken: string;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const post = (body: unknown, token: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/sdk/events', headers: bearer(token), payload: body as object });

async function token(kind: 'server' | 'client', environment: string): Promise<string> {
  const created = await t.api('POST', '/tokens', {
    name: `${kind}-${environment}`,
    kind,
    project: 'shop',
    environment,
  });
  expect(created.status).toBe(201);
  return created.body.secret as string;
}

async function eventRows() {
  const rows = await t.db.prisma.metricEvent.findMany({
    include: { flag: { select: { key: true } }, environment: { select: { key: true } } },
  });
  return rows
    .map((row) => ({
      environment: row.environment.key,
      flag: row.flag.key,
      variant: row.variant,
      event: row.event,
      count: Number(row.count),
      sum: row.sum,
      sumSquares: row.sumSquares,
    }))
    .sort((a, b) =>
      `${a.environment} ${a.flag} ${a.variant} ${a.event}`.localeCompare(
        `${b.environment} ${b.flag} ${b.variant} ${b.event}`,
      ),
    );
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const window = () => ({ start: minutesAgo(2).toISOString(), end: minutesAgo(1).toISOString() });

beforeAll(async () => {
  t = await createTestApp();
  await t.api('POST', '/projects', { key: 'shop', name: 'Shop' });
  for (const key of ['production', 'staging']) await t.api('POST', '/projects/shop/environments', { key, name: key });
  for (const [key, clientSide] of [
    ['checkout', false],
    ['banner', true],
  ] as const) {
    expect((await t.api('POST', '/projects/shop/flags', { key, name: key, type: 'boolean', clientSide })).status).toBe(
      201,
    );
  }
  serverToken = await token('server', 'production');
  clientToken = await token('client', 'staging');
});
afterAll(async () => t?.close());

describe('POST /sdk/events', () => {
  it('adds reports into per environment/flag/variant/event rows; unknown variants go to ""', async () => {
    const report = {
      ...window(),
      events: {
        checkout: {
          on: { purchase: { count: 2, sum: 30, sumSquares: 500 }, error: { count: 1, sum: 1, sumSquares: 1 } },
          off: { purchase: { count: 1, sum: 10, sumSquares: 100 } },
          retired: { purchase: { count: 1, sum: 5, sumSquares: 25 } },
        },
        ghost: { on: { purchase: { count: 1, sum: 1, sumSquares: 1 } } },
      },
    };
    const first = await post(report, serverToken);
    expect({ status: first.statusCode, body: first.json() }).toEqual({
      status: 202,
      body: { accepted: 4, unknownFlags: ['ghost'] },
    });
    expect((await post(report, serverToken)).statusCode).toBe(202);
    expect(await eventRows()).toEqual([
      {
        environment: 'production',
        flag: 'checkout',
        variant: '',
        event: 'purchase',
        count: 2,
        sum: 10,
        sumSquares: 50,
      },
      {
        environment: 'production',
        flag: 'checkout',
        variant: 'off',
        event: 'purchase',
        count: 2,
        sum: 20,
        sumSquares: 200,
      },
      { environment: 'production', flag: 'checkout', variant: 'on', event: 'error', count: 2, sum: 2, sumSquares: 2 },
      {
        environment: 'production',
        flag: 'checkout',
        variant: 'on',
        event: 'purchase',
        count: 4,
        sum: 60,
        sumSquares: 1000,
      },
    ]);
  });

  it('loses no event under concurrent reports of the same rows', async () => {
    const report = { start: minutesAgo(30).toISOString(), end: minutesAgo(29).toISOString() };
    const events = {
      checkout: {
        on: { concurrent: { count: 2, sum: 3, sumSquares: 5 } },
        off: { concurrent: { count: 1, sum: 1, sumSquares: 1 } },
      },
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => post({ ...report, events }, serverToken)));
    expect(results.map((result) => result.statusCode)).toEqual(Array(20).fill(202));
    const rows = (await eventRows()).filter((row) => row.event === 'concurrent');
    expect(rows.map(({ variant, count, sum, sumSquares }) => ({ variant, count, sum, sumSquares }))).toEqual([
      { variant: 'off', count: 20, sum: 20, sumSquares: 20 },
      { variant: 'on', count: 40, sum: 60, sumSquares: 100 },
    ]);
  });

  it('counts only client-side flags for a client key (a server-only flag is reported as unknown)', async () => {
    const before = await eventRows();
    const response = await post(
      {
        ...window(),
        events: {
          checkout: { on: { purchase: { count: 1, sum: 1, sumSquares: 1 } } },
          banner: { on: { click: { count: 3, sum: 3, sumSquares: 3 } } },
        },
      },
      clientToken,
    );
    expect(response.json()).toEqual({ accepted: 1, unknownFlags: ['checkout'] });
    const added = (await eventRows()).filter(
      (row) => !before.some((old) => JSON.stringify(old) === JSON.stringify(row)),
    );
    expect(added).toEqual([
      { environment: 'staging', flag: 'banner', variant: 'on', event: 'click', count: 3, sum: 3, sumSquares: 3 },
    ]);
  });

  it('answers bad reports with a 400 naming the problem and writes nothing', async () => {
    const before = await eventRows();
    const ok = { count: 1, sum: 1, sumSquares: 1 };
    const { start, end } = window();
    const cases: [unknown, RegExp][] = [
      [{ start, end, events: { checkout: { on: { 'bad name': ok } } } }, /events/],
      [{ start, end, events: { checkout: { on: { ['x'.repeat(101)]: ok } } } }, /events/],
      [{ start, end, events: { checkout: { on: { '': ok } } } }, /events/],
      [{ start, end, events: { checkout: { on: { purchase: { ...ok, count: 0 } } } } }, /count/],
      [{ start, end, events: { checkout: { on: { purchase: { ...ok, count: 1.5 } } } } }, /count/],
      [{ start, end, events: { checkout: { on: { purchase: { ...ok, sum: 1e19 } } } } }, /sum/],
      [{ start, end, events: { checkout: { on: { purchase: { ...ok, sumSquares: -1 } } } } }, /sumSquares/],
      [{ start, end, events: { checkout: { on: { purchase: { count: 2, sum: 10, sumSquares: 1 } } } } }, /sumSquares/],
      [{ start, end, events: { checkout: { on: { purchase: { count: 1, sum: 1 } } } } }, /sumSquares/],
      [{ start, end, events: { checkout: { on: { purchase: { ...ok, extra: 1 } } } } }, /extra|Unrecognized/],
      [{ start: 'yesterday', end, events: {} }, /start/],
      [{ start: end, end: start, events: {} }, /end/],
      [{ start, end: new Date(Date.now() + 3_600_000).toISOString(), events: {} }, /future/],
      [{ start, end }, /events/],
    ];
    for (const [body, message] of cases) {
      const response = await post(body, serverToken);
      expect({ body, status: response.statusCode }).toEqual({ body, status: 400 });
      expect(response.body).toMatch(message);
    }
    // A body whose numbers are not JSON numbers (1e999 parses as Infinity) is refused too.
    const infinite = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sdk/events',
      headers: { ...bearer(serverToken), 'content-type': 'application/json' },
      payload: `{"start":"${start}","end":"${end}","events":{"checkout":{"on":{"x":{"count":1,"sum":1e999,"sumSquares":1}}}}}`,
    });
    expect(infinite.statusCode).toBe(400);
    expect(await eventRows()).toEqual(before);
    expect(await t.db.prisma.metricEventName.count({ where: { event: { in: ['x', 'bad name'] } } })).toBe(0);
    // Admin tokens are not SDK keys; no key at all is a 401.
    expect((await t.api('POST', '/sdk/events', { start, end, events: {} })).status).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sdk/events',
      payload: { start, end, events: {} },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('never overflows the stored sums: extreme square sums are refused, the largest allowed ones add up', async () => {
    // A client key is public: reports of the largest double once made the second report of the
    // minute (and every later one of that row) fail with a 500, dropping legitimate events.
    const extreme = (sumSquares: number, variant = 'on') => ({
      ...window(),
      events: { banner: { [variant]: { overflow: { count: 1, sum: 1, sumSquares } } } },
    });
    const refused = await post(extreme(Number.MAX_VALUE), clientToken);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().details.issues[0].path).toMatch(/sumSquares$/);
    // Unknown variants go to one "" row: their sums add up in the same report too.
    for (const variant of ['on', 'on', 'x1', 'x2']) {
      const largest = await post(
        {
          ...window(),
          events: {
            banner: {
              [variant]: { overflow: { count: 1, sum: 1, sumSquares: MAX_EVENT_SQUARES } },
              x3: { overflow: { count: 1, sum: 1, sumSquares: MAX_EVENT_SQUARES } },
            },
          },
        },
        clientToken,
      );
      expect(largest.statusCode, largest.body).toBe(202);
    }
    const history = await t.api('GET', '/projects/shop/flags/banner/events?event=overflow');
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(history.body.variants.on.count).toBe(2);
    expect(Number.isFinite(history.body.variants[''].stddev)).toBe(true);
    // The name cap test below counts banner's names in staging.
    await t.db.prisma.metricEventName.deleteMany({ where: { event: 'overflow' } });
  });

  it('records a new event name only with its events: a failed write stores neither', async () => {
    // The events' insert fails (a serialization failure raised by a trigger, as Postgres would in
    // a conflict) after the report's new name was written: before, the name stayed on its own.
    await t.db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION refuse_doomed_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event = 'doomed' THEN RAISE EXCEPTION 'test conflict' USING ERRCODE = '40001'; END IF;
        RETURN NEW;
      END $$`);
    await t.db.prisma.$executeRawUnsafe(
      'CREATE TRIGGER refuse_doomed_event BEFORE INSERT ON metric_events FOR EACH ROW EXECUTE FUNCTION refuse_doomed_event()',
    );
    try {
      const response = await post(
        { ...window(), events: { checkout: { on: { doomed: { count: 1, sum: 1, sumSquares: 1 } } } } },
        serverToken,
      );
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect(await t.db.prisma.metricEventName.count({ where: { event: 'doomed' } })).toBe(0);
      expect(await t.db.prisma.metricEvent.count({ where: { event: 'doomed' } })).toBe(0);
    } finally {
      await t.db.prisma.$executeRawUnsafe('DROP TRIGGER refuse_doomed_event ON metric_events');
      await t.db.prisma.$executeRawUnsafe('DROP FUNCTION refuse_doomed_event()');
    }
  });

  it(`keeps at most ${MAX_EVENT_NAMES_PER_FLAG} event names per flag and environment`, async () => {
    const names = Array.from({ length: MAX_EVENT_NAMES_PER_FLAG + 20 }, (_, i) => `made-up-${i}`);
    const chunk = (from: number, to: number) =>
      Object.fromEntries(names.slice(from, to).map((name) => [name, { count: 1, sum: 1, sumSquares: 1 }]));
    await post({ ...window(), events: { banner: { off: chunk(0, 60) } } }, clientToken);
    const second = await post({ ...window(), events: { banner: { off: chunk(60, names.length) } } }, clientToken);
    // banner already has "click" in staging (client-key test): 99 more names fit.
    expect(second.json().accepted).toBe(MAX_EVENT_NAMES_PER_FLAG - 1 - 60);
    const stored = await t.db.prisma.metricEventName.count({ where: { environment: { key: 'staging' } } });
    expect(stored).toBe(MAX_EVENT_NAMES_PER_FLAG);
    // A known name still counts.
    expect((await post({ ...window(), events: { banner: { off: chunk(0, 1) } } }, clientToken)).json().accepted).toBe(
      1,
    );
  });
});

describe('GET /projects/:project/flags/:flag/events', () => {
  it('gives per-variant totals with mean and stddev, and a time series', async () => {
    const response = await t.api(
      'GET',
      '/projects/shop/flags/checkout/events?environment=production&event=purchase&bucket=minute',
    );
    expect(response.status).toBe(200);
    expect(response.body.variants).toEqual({
      '': { count: 2, sum: 10, mean: 5, stddev: 0 },
      off: { count: 2, sum: 20, mean: 10, stddev: 0 },
      on: { count: 4, sum: 60, mean: 15, stddev: expect.closeTo(Math.sqrt((1000 - 4 * 225) / 3), 9) },
    });
    expect(response.body.series).toEqual([
      {
        start: minuteOf(new Date(response.body.series[0].start)).toISOString(),
        variants: { '': { count: 2, sum: 10 }, off: { count: 2, sum: 20 }, on: { count: 4, sum: 60 } },
      },
    ]);
    expect(response.body).toMatchObject({
      environment: 'production',
      event: 'purchase',
      events: ['concurrent', 'error', 'purchase'],
    });
    // Without an environment: summed over all; without an event: only the names tracked.
    const names = await t.api('GET', '/projects/shop/flags/banner/events');
    expect(names.status).toBe(200);
    expect(names.body).toMatchObject({ environment: null, event: null, variants: {}, series: [] });
    expect(names.body.events).toContain('click');
    const all = await t.api('GET', '/projects/shop/flags/banner/events?event=click');
    expect(all.body.variants).toEqual({ on: { count: 3, sum: 3, mean: 1, stddev: 0 } });
    const bad = await t.api(
      'GET',
      '/projects/shop/flags/checkout/events?environment=production&event=purchase&since=2020-01-01T00:00:00Z',
    );
    expect(bad.status).toBe(400);
    expect((await t.api('GET', '/projects/shop/flags/checkout/events?environment=nope&event=purchase')).status).toBe(
      404,
    );
    expect((await t.api('GET', '/projects/shop/flags/checkout/events?environment=production&event=a%20b')).status).toBe(
      400,
    );
  });
});

describe('retention', () => {
  it('deletes events older than 30 days and the names left without events; keeps the rest', async () => {
    const checkout = await t.db.prisma.flag.findFirstOrThrow({ where: { key: 'checkout' } });
    const environment = await t.db.prisma.environment.findFirstOrThrow({ where: { key: 'production' } });
    const old = new Date(Date.now() - EVENTS_RETENTION_MS - 3_600_000);
    await addEvents(t.db.prisma, environment.id, minuteOf(old), [
      { flagId: checkout.id, variant: 'on', event: 'ancient', count: 1, sum: 1, sumSquares: 1 },
    ]);
    await t.db.prisma.metricEventName.create({
      data: { environmentId: environment.id, flagId: checkout.id, event: 'ancient', createdAt: old },
    });
    const before = await t.db.prisma.metricEvent.count();
    const pruned = await pruneMetricEvents(t.db.prisma, new Date());
    expect(pruned).toEqual({ events: 1, names: 1 });
    expect(await t.db.prisma.metricEvent.count()).toBe(before - 1);
    expect(await t.db.prisma.metricEventName.count({ where: { event: 'ancient' } })).toBe(0);
    expect(await t.db.prisma.metricEventName.count({ where: { event: 'purchase' } })).toBe(1);
  });
});
