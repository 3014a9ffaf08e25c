import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { anyString, checkWrite } from '../../../test/helpers/fuzz.js';
import { MAX_REPORT_COUNT } from './schemas.js';
import { MAX_REPORT_AGE_MS } from './service.js';

/**
 * Fuzzes POST /sdk/metrics with generated reports from a server and a (public) client token:
 * never a 5xx, nothing written on rejection, and whatever is accepted stays within what the
 * project defines: only defined variants (or ""), only client-side flags for the client token,
 * no hour older than the age bound, and an answer that names exactly the flags the token may
 * not report (a client token cannot tell server-only flags from missing ones).
 */
let t: TestApp;
const NUM_RUNS = 200;
const METRICS = '/api/v1/sdk/metrics';
const HOUR_MS = 3_600_000;
const tokens: Record<'server' | 'client', string> = { server: '', client: '' };
/** What each token may report (the others must come back as unknown). */
const REPORTABLE = { server: ['colors', 'public', 'internal', 'retired'], client: ['colors', 'public'] };

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/);
const flagKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('colors', 'public', 'internal', 'retired', 'ghost') },
  { weight: 1, arbitrary: slug },
  { weight: 1, arbitrary: anyString },
);
const variantKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('red', 'blue', 'on', 'off', '', 'green', 'RED') },
  { weight: 1, arbitrary: anyString },
);
const count = fc.oneof(
  { weight: 4, arbitrary: fc.nat(1_000) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -1, 1.5, MAX_REPORT_COUNT, MAX_REPORT_COUNT + 1, Number.MAX_SAFE_INTEGER, 1e300),
  },
  { weight: 1, arbitrary: fc.oneof(fc.double(), fc.jsonValue()) },
);
const flags = fc.oneof(
  { weight: 6, arbitrary: fc.dictionary(flagKey, fc.dictionary(variantKey, count, { maxKeys: 4 }), { maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
/** A time relative to now: from three days back (past the age bound) to ten minutes ahead (past the skew). */
const offset = fc.integer({ min: -3 * 24 * HOUR_MS, max: 10 * 60_000 });
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
const window = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(offset, fc.integer({ min: 0, max: 2 * HOUR_MS }))
      .map(([start, length]) => ({ start: iso(start), end: iso(Math.min(start + length, 0)) })),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      start: fc.oneof(
        offset.map(iso),
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        anyString,
      ),
      end: fc.oneof(offset.map(iso), anyString, fc.jsonValue()),
    }),
  },
);
const report = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(window, flags, fc.option(fc.jsonValue(), { nil: undefined }))
      .map(([times, counts, extra]) => ({ ...times, flags: counts, ...(extra === undefined ? {} : { extra }) })),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

beforeAll(async () => {
  t = await createTestApp();
  const admin = async (url: string, payload?: object) => {
    const response = await t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.adminHeaders, payload });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json<{ secret: string }>();
  };
  await admin('/projects', { key: 'shop', name: 'Shop' });
  for (const key of ['prod', 'web']) await admin('/projects/shop/environments', { key, name: key });
  const variants = [
    { key: 'red', value: 'red' },
    { key: 'blue', value: 'blue' },
  ];
  await admin('/projects/shop/flags', { key: 'colors', name: 'c', type: 'string', variants, clientSide: true });
  await admin('/projects/shop/flags', { key: 'public', name: 'p', type: 'boolean', clientSide: true });
  await admin('/projects/shop/flags', { key: 'internal', name: 'i', type: 'boolean' });
  await admin('/projects/shop/flags', { key: 'retired', name: 'r', type: 'boolean', clientSide: true });
  await admin('/projects/shop/flags/retired/archive');
  tokens.server = (await admin('/tokens', { name: 's', kind: 'server', project: 'shop', environment: 'prod' })).secret;
  tokens.client = (await admin('/tokens', { name: 'c', kind: 'client', project: 'shop', environment: 'web' })).secret;
});
afterAll(async () => t?.close());

/** Rows that break what the route promises to store (each count must be 0). */
async function violations() {
  const [row] = await t.db.prisma.$queryRaw<{ undefined_variants: number; hidden_flags: number; old_hours: number }[]>`
    SELECT
      (SELECT count(*)::int FROM flag_usage u JOIN flags f ON f.id = u.flag_id
        WHERE u.variant <> ''
          AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(f.variants) v WHERE v->>'key' = u.variant)
      ) AS undefined_variants,
      (SELECT count(*)::int FROM flag_usage u JOIN flags f ON f.id = u.flag_id
        JOIN environments e ON e.id = u.environment_id
        WHERE e.key = 'web' AND (NOT f.client_side OR f.archived_at IS NOT NULL)
      ) AS hidden_flags,
      (SELECT count(*)::int FROM flag_usage WHERE hour < ${new Date(Date.now() - MAX_REPORT_AGE_MS - HOUR_MS)}
      ) AS old_hours`;
  return row;
}

describe('fuzzed POST /sdk/metrics: no 5xx, nothing written on rejection, only defined things stored', () => {
  it('POST /sdk/metrics', async () => {
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('server' as const, 'client' as const), report, async (kind, body) => {
        const response = await checkWrite(t, 'POST', METRICS, body, { authorization: `Bearer ${tokens[kind]}` });
        if (response.statusCode !== 202) return;
        const answer = response.json<{ accepted: number; unknownFlags: string[] }>();
        stored += answer.accepted;
        const reported = Object.keys((body as { flags: object }).flags);
        const unknown = reported.filter((key) => !REPORTABLE[kind].includes(key)).sort();
        expect(answer.unknownFlags).toEqual(unknown);
        expect(await violations()).toEqual({ undefined_variants: 0, hidden_flags: 0, old_hours: 0 });
      }),
      {
        numRuns: NUM_RUNS,
        // Known-valid reports first, so the success path is reached whatever the seed; then
        // keys no flag can have (a NUL was a 500) and a variant the flag does not define.
        examples: [
          ['server', { start: iso(-60_000), end: iso(0), flags: { colors: { red: 2, '': 1 }, internal: { on: 1 } } }],
          ['client', { start: iso(-60_000), end: iso(0), flags: { public: { on: 1 }, internal: { on: 1 } } }],
          ['client', { start: iso(-60_000), end: iso(0), flags: { 'a\u0000': { on: 1 }, colors: { green: 1 } } }],
        ],
      },
    );
    expect(stored).toBeGreaterThan(0);
  }, 300_000);
});
