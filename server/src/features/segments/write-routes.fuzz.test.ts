import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { checkWrite, conditionArbitrary } from '../../../test/helpers/fuzz.js';

/**
 * Fuzzes the segment write routes with generated bodies (valid, nearly valid and arbitrary JSON):
 * never a 5xx, and a rejected request leaves the database exactly as it was.
 */
let t: TestApp;
const NUM_RUNS = 200;
const P = '/api/v1/projects/fuzz';
/** `used` is referenced by a rule (its deletion is a 409); the others come and go. */
const SEGMENT_KEYS = ['used', 'free', 'ghost', 'made-by-fuzz'];

const validCondition = fc.oneof(
  fc.record({
    attribute: fc.constantFrom('email', 'plan'),
    operator: fc.constant('in'),
    values: fc.array(fc.string()),
  }),
  fc.record({ attribute: fc.constant('age'), operator: fc.constant('num_gt'), values: fc.array(fc.integer()) }),
  fc.record({
    attribute: fc.constant('email'),
    operator: fc.constant('regex'),
    values: fc.constantFrom(['^[a-z]+@x\\.test$'], ['(a+)+$']),
    caseInsensitive: fc.boolean(),
  }),
);
const conditions = fc.oneof(
  { weight: 3, arbitrary: fc.array(validCondition, { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.array(conditionArbitrary, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const segmentKey = fc.oneof(
  fc.constantFrom(...SEGMENT_KEYS),
  fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/),
  fc.string(),
);
const fields = {
  name: fc.oneof(fc.constant('A segment'), fc.string()),
  description: fc.oneof(fc.string(), fc.jsonValue()),
  conditions,
};
const createBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      { key: segmentKey, ...fields, extra: fc.jsonValue() },
      {
        requiredKeys: ['key', 'name', 'conditions'],
      },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const patchBody = fc.oneof(
  { weight: 4, arbitrary: fc.record({ key: segmentKey, ...fields }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);

beforeAll(async () => {
  t = await createTestApp();
  const post = (url: string, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.adminHeaders, payload });
  await post('/api/v1/projects', { key: 'fuzz', name: 'Fuzz' });
  for (const key of ['production', 'staging']) await post(`${P}/environments`, { key, name: key });
  expect((await post(`${P}/flags`, { key: 'alpha', name: 'Alpha', type: 'boolean' })).statusCode).toBe(201);
  for (const key of ['used', 'free']) {
    expect((await post(`${P}/segments`, { key, name: key, conditions: [] })).statusCode).toBe(201);
  }
  const url = `${P}/flags/alpha/environments/production`;
  const current = await t.app.inject({ method: 'GET', url, headers: t.adminHeaders });
  const rules = [{ id: 'r1', conditions: [], segments: ['used'], serve: { variant: 'on' } }];
  const put = await t.app.inject({
    method: 'PUT',
    url,
    headers: { ...t.adminHeaders, 'if-match': current.headers.etag as string },
    payload: { ...current.json<object>(), rules },
  });
  expect(put.statusCode).toBe(200);
});
afterAll(async () => t?.close());

const runs = { numRuns: NUM_RUNS };
// A known-valid input runs first in each property, so the success path is reached whatever the
// seed (generated bodies alone reach it only now and then); its rejection would fail the test.
const postExample = { key: 'from-example', name: 'A segment', conditions: [] };

describe('fuzzed segment write routes: no 5xx, nothing written on rejection', () => {
  it('POST /segments', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(createBody, async (body) => {
        const response = await checkWrite(t, 'POST', `${P}/segments`, body);
        if (response.statusCode === 201) {
          accepted++;
          // Keep the pool small so later runs hit duplicates and existing segments.
          const key = (body as { key: string }).key;
          if (!SEGMENT_KEYS.includes(key)) await checkWrite(t, 'DELETE', `${P}/segments/${key}`, undefined);
        }
      }),
      { ...runs, examples: [[postExample]] },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('PATCH /segments/:segment', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEGMENT_KEYS), patchBody, async (key, body) => {
        const response = await checkWrite(t, 'PATCH', `${P}/segments/${key}`, body);
        if (response.statusCode === 200) accepted++;
      }),
      { ...runs, examples: [['free', { name: 'Renamed' }]] },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('DELETE /segments/:segment (and re-create)', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SEGMENT_KEYS),
        fc.option(fc.jsonValue()),
        fc.boolean(),
        async (key, payload, recreate) => {
          const response = await checkWrite(t, 'DELETE', `${P}/segments/${key}`, payload ?? undefined);
          statuses.add(response.statusCode);
          if (recreate) await checkWrite(t, 'POST', `${P}/segments`, { key, name: key, conditions: [] });
        },
      ),
      runs,
    );
    // The referenced segment is refused (409), others deleted (204) or already gone (404).
    expect(statuses).toContain(409);
    expect(statuses).toContain(204);
    const used = await t.app.inject({ method: 'GET', url: `${P}/segments/used`, headers: t.adminHeaders });
    expect(used.statusCode).toBe(200);
  }, 300_000);
});
