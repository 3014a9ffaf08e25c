import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { MAX_REPORT_COUNT, MAX_REPORT_FLAGS, MAX_REPORT_VARIANTS } from './schemas.js';
import { MAX_REPORT_AGE_MS } from './service.js';
import { hourOf } from './store.js';

/**
 * What POST /sdk/metrics will store whatever a reporter sends: client keys are public, so reports
 * must not grow the table beyond the project's flags and variants, nor tell a client token which
 * server-only flags exist, nor fail (5xx) on extreme values.
 */
let t: TestApp;
let serverToken: string;
let clientToken: string;

const BIGINT_MAX = 9223372036854775807n;

async function report(flags: unknown, token: string, window: { start: string; end: string } = recentWindow()) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sdk/metrics',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ ...window, flags }),
  });
  return { status: response.statusCode, body: response.json() };
}

function recentWindow() {
  const end = new Date(Date.now() - 1_000);
  return { start: new Date(end.getTime() - 60_000).toISOString(), end: end.toISOString() };
}

/** The stored rows of one environment and flag: `{ variant: count }` summed over hours. */
async function countsOf(environment: string, flag: string): Promise<Record<string, number>> {
  const rows = await t.db.prisma.flagUsage.findMany({
    where: { environment: { key: environment }, flag: { key: flag } },
  });
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.variant] = (counts[row.variant] ?? 0) + Number(row.count);
  return counts;
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = async (url: string, payload?: object) => {
    const response = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.adminHeaders, payload });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };
  await admin('/projects', { key: 'shop', name: 'Shop' });
  for (const key of ['production', 'web']) await admin('/projects/shop/environments', { key, name: key });
  const colors = [
    { key: 'red', value: 'red' },
    { key: 'blue', value: 'blue' },
  ];
  await admin('/projects/shop/flags', { key: 'colors', name: 'c', type: 'string', variants: colors, clientSide: true });
  await admin('/projects/shop/flags', { key: 'public', name: 'p', type: 'boolean', clientSide: true });
  await admin('/projects/shop/flags', { key: 'internal', name: 'i', type: 'boolean' });
  await admin('/projects/shop/flags', { key: 'retired', name: 'r', type: 'boolean', clientSide: true });
  await admin('/projects/shop/flags/retired/archive');
  const create = (kind: string, environment: string) =>
    admin('/tokens', { name: kind, kind, project: 'shop', environment }) as Promise<{ secret: string }>;
  serverToken = (await create('server', 'production')).secret;
  clientToken = (await create('client', 'web')).secret;
});
afterAll(async () => t?.close());

describe('variants the flag does not define', () => {
  it('are counted in the flag\'s "" bucket, so made-up variants never become rows', async () => {
    const window = recentWindow(); // one hour for every report here
    const made = { red: 1, green: 2, '': 3, blue: 0, RED: 4, ['x'.repeat(200)]: 5 };
    expect(await report({ colors: made }, serverToken, window)).toEqual({
      status: 202,
      body: { accepted: 2, unknownFlags: [] },
    });
    expect(await countsOf('production', 'colors')).toEqual({ '': 14, red: 1 });

    // However many distinct strings a (public) client key sends, the flag keeps at most its
    // variants plus "" per hour.
    for (let batch = 0; batch < 5; batch++) {
      const variants = Object.fromEntries(
        Array.from({ length: MAX_REPORT_VARIANTS }, (_, i) => [`v-${batch}-${i}`, 1]),
      );
      expect((await report({ colors: variants }, clientToken, window)).status).toBe(202);
    }
    expect(await countsOf('web', 'colors')).toEqual({ '': 5 * MAX_REPORT_VARIANTS });
    expect(await t.db.prisma.flagUsage.count({ where: { flag: { key: 'colors' } } })).toBe(3);
  });
});

describe('client tokens', () => {
  it('only count client-side flags of their environment, and answer as if the others did not exist', async () => {
    const answer = await report(
      { internal: { on: 1 }, ghost: { on: 1 }, retired: { on: 1 }, public: { on: 2, off: 1 } },
      clientToken,
    );
    expect(answer).toEqual({ status: 202, body: { accepted: 2, unknownFlags: ['ghost', 'internal', 'retired'] } });
    expect(await countsOf('web', 'public')).toEqual({ on: 2, off: 1 });
    expect(await countsOf('web', 'internal')).toEqual({});
    expect(await countsOf('web', 'retired')).toEqual({});
    // Byte for byte the same answer for a server-only flag as for a flag that does not exist.
    const serverOnly = await report({ internal: { on: 1 } }, clientToken);
    const missing = await report({ ghost: { on: 1 } }, clientToken);
    expect(JSON.stringify(serverOnly.body).replace('internal', 'ghost')).toBe(JSON.stringify(missing.body));
    expect(serverOnly.status).toBe(missing.status);
  });

  it('leave server tokens reporting every flag of their project', async () => {
    const answer = await report({ internal: { on: 1 }, public: { off: 1 }, retired: { on: 1 } }, serverToken);
    expect(answer).toEqual({ status: 202, body: { accepted: 3, unknownFlags: [] } });
    expect(await countsOf('production', 'internal')).toEqual({ on: 1 });
  });
});

describe('bounds', () => {
  it('counts a report that started long ago in the oldest hour kept, not in its own', async () => {
    const before = hourOf(new Date(Date.now() - MAX_REPORT_AGE_MS)).getTime();
    const start = new Date(Date.UTC(2000, 0, 1));
    const end = new Date(Date.now() - 2 * MAX_REPORT_AGE_MS);
    const answer = await report({ public: { on: 1 } }, serverToken, {
      start: start.toISOString(),
      end: end.toISOString(),
    });
    expect(answer.status).toBe(202);
    const after = hourOf(new Date(Date.now() - MAX_REPORT_AGE_MS)).getTime();
    const rows = await t.db.prisma.flagUsage.findMany({
      where: { environment: { key: 'production' }, flag: { key: 'public' }, variant: 'on' },
    });
    expect(rows).toHaveLength(1);
    expect([before, after]).toContain(rows[0]!.hour.getTime());
    expect(rows[0]!.lastEvaluatedAt.toISOString()).toBe(end.toISOString());
  });

  it('saturates a stored count at the largest bigint instead of failing every later report', async () => {
    expect((await report({ colors: { blue: 1 } }, serverToken)).status).toBe(202);
    await t.db.prisma.flagUsage.updateMany({
      where: { flag: { key: 'colors' }, variant: 'blue' },
      data: { count: BIGINT_MAX - 10n },
    });
    for (let i = 0; i < 2; i++) {
      expect(await report({ colors: { blue: MAX_REPORT_COUNT, red: 1 } }, serverToken)).toEqual({
        status: 202,
        body: { accepted: 2, unknownFlags: [] },
      });
    }
    const blue = await t.db.prisma.flagUsage.findMany({ where: { flag: { key: 'colors' }, variant: 'blue' } });
    expect(blue.map((row) => row.count)).toEqual([BIGINT_MAX]);
  });

  it('reads saturated counts back as the largest safe integer, also summed in a bucket (they were a 500)', async () => {
    // Two saturated hours of one day, as enough reports of a public client key can make them.
    const [row] = await t.db.prisma.flagUsage.findMany({ where: { flag: { key: 'colors' }, variant: 'blue' } });
    const otherHour = new Date(row!.hour.getTime() + (row!.hour.getUTCHours() === 0 ? 3_600_000 : -3_600_000));
    await t.db.prisma.flagUsage.create({ data: { ...row!, hour: otherHour, count: BIGINT_MAX } });
    for (const bucket of ['day', 'hour']) {
      const answer = await t.app.inject({
        method: 'GET',
        url: `/api/v1/projects/shop/flags/colors/usage?bucket=${bucket}`,
        headers: t.adminHeaders,
      });
      expect(answer.statusCode, answer.body).toBe(200);
      const counts = answer
        .json<{ buckets: { variants: Record<string, number> }[] }>()
        .buckets.map((b) => b.variants['blue'] ?? 0);
      expect(Math.max(...counts)).toBe(Number.MAX_SAFE_INTEGER);
    }
  });

  it('answers oversized reports with a 4xx that says which limit', async () => {
    const tooManyFlags = Object.fromEntries(Array.from({ length: MAX_REPORT_FLAGS + 1 }, (_, i) => [`f${i}`, {}]));
    const tooManyVariants = {
      colors: Object.fromEntries(Array.from({ length: MAX_REPORT_VARIANTS + 1 }, (_, i) => [`v${i}`, 1])),
    };
    const cases: [unknown, number, RegExp][] = [
      [{ colors: { red: MAX_REPORT_COUNT + 1 } }, 400, /at most 1000000000000/],
      [{ colors: { red: Number.MAX_SAFE_INTEGER + 2 } }, 400, /body\.flags\.colors\.red/],
      [tooManyFlags, 400, /at most 10000 flags per report/],
      [tooManyVariants, 400, /at most 101 variants per flag/],
      [{ ['f'.repeat(201)]: { on: 1 } }, 400, /flags/],
      [{ colors: { ['v'.repeat(201)]: 1 } }, 400, /flags/],
      [{ pad: { on: 1 }, padding: 'x'.repeat(2 * 1024 * 1024) }, 413, /too large/],
    ];
    const before = await t.db.prisma.flagUsage.findMany({ orderBy: [{ flagId: 'asc' }, { variant: 'asc' }] });
    for (const [flags, status, message] of cases) {
      const answer = await report(flags, serverToken);
      expect(answer.status).toBe(status);
      expect(JSON.stringify(answer.body)).toMatch(message);
    }
    const after = await t.db.prisma.flagUsage.findMany({ orderBy: [{ flagId: 'asc' }, { variant: 'asc' }] });
    expect(after).toEqual(before);
  });

  it('takes what an SDK sends at its default cap (10,000 pairs), long keys and all: over 1 MiB', async () => {
    const flags = Object.fromEntries(
      Array.from({ length: MAX_REPORT_FLAGS }, (_, i) => [
        `${'k'.repeat(56)}-${String(i).padStart(6, '0')}`,
        { 'treatment-checkout-v2-blue': 999_999_999_999 },
      ]),
    );
    expect(JSON.stringify({ ...recentWindow(), flags }).length).toBeGreaterThan(1024 * 1024);
    const answer = await report(flags, serverToken);
    expect(answer.status).toBe(202);
    expect(answer.body.unknownFlags).toHaveLength(MAX_REPORT_FLAGS);
  });

  it('treats flag keys that no flag can have (upper case, spaces) as unknown', async () => {
    const flags = { PUBLIC: { on: 1 }, 'a b': { on: 1 } };
    const answer = await report(flags, clientToken);
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(0);
    expect([...answer.body.unknownFlags].sort()).toEqual(Object.keys(flags).sort());
  });

  it('refuses a report with a NUL or a lone surrogate in a flag key, as every route does (http/input-guard.ts)', async () => {
    for (const key of ['pub\u0000lic', '\ud800']) {
      const answer = await report({ [key]: { on: 1 } }, clientToken);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain('body.flags');
    }
  });
});

describe('rows that vanish while a report is counted', () => {
  it("answers 404 when the token's environment was deleted behind the token cache (another replica)", async () => {
    const admin = { authorization: t.adminHeaders.authorization };
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/projects/shop/environments',
      headers: admin,
      payload: { key: 'doomed', name: 'd' },
    });
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin,
      payload: { name: 'doomed', kind: 'server', project: 'shop', environment: 'doomed' },
    });
    const secret = created.json<{ secret: string }>().secret;
    expect((await report({ public: { on: 1 } }, secret)).status).toBe(202);
    // Straight in the database: this app's token cache still trusts the token for a few seconds.
    await t.db.prisma.environment.deleteMany({ where: { key: 'doomed' } });
    expect(await report({ public: { on: 1 } }, secret)).toEqual({
      status: 404,
      body: { error: 'not_found', message: "This token's environment no longer exists" },
    });
  });

  it('counts the report again when a flag was deleted between resolving its keys and writing', async () => {
    const window = recentWindow();
    // The insert fails as it does when a reported flag is deleted just before it, `times` times.
    const vanishing = async (times: number) => {
      await t.db.prisma.$executeRawUnsafe('CREATE SEQUENCE vanish_count');
      await t.db.prisma.$executeRawUnsafe(`
        CREATE FUNCTION vanish() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('vanish_count') <= ${times} THEN
            RAISE EXCEPTION 'flag gone' USING ERRCODE = '23503', CONSTRAINT = 'flag_usage_flag_id_fkey';
          END IF;
          RETURN NEW;
        END $$`);
      await t.db.prisma.$executeRawUnsafe(
        'CREATE TRIGGER vanish BEFORE INSERT ON flag_usage FOR EACH ROW EXECUTE FUNCTION vanish()',
      );
    };
    const cleanUp = async () => {
      await t.db.prisma.$executeRawUnsafe('DROP TRIGGER IF EXISTS vanish ON flag_usage');
      await t.db.prisma.$executeRawUnsafe('DROP FUNCTION IF EXISTS vanish()');
      await t.db.prisma.$executeRawUnsafe('DROP SEQUENCE IF EXISTS vanish_count');
    };
    const before = await countsOf('production', 'internal');
    try {
      await vanishing(1);
      expect(await report({ internal: { off: 1 } }, serverToken, window)).toEqual({
        status: 202,
        body: { accepted: 1, unknownFlags: [] },
      });
      expect(await countsOf('production', 'internal')).toEqual({ ...before, off: (before['off'] ?? 0) + 1 });
      await cleanUp();
      await vanishing(2);
      const again = await report({ internal: { off: 1 } }, serverToken, window);
      expect(again.status).toBe(503);
      expect(again.body.message).toMatch(/Retry/);
      expect(await countsOf('production', 'internal')).toEqual({ ...before, off: (before['off'] ?? 0) + 1 });
    } finally {
      await cleanUp();
    }
  });
});
