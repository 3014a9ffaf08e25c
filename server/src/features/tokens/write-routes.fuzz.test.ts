import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { anyString, checkWrite, urlPart } from '../../../test/helpers/fuzz.js';
import { TOKEN_KINDS } from './token-secret.js';

/**
 * Fuzzes the token write routes (create, revoke) with generated bodies and ids: never a 5xx, and a
 * rejected request leaves the database exactly as it was.
 */
let t: TestApp;
const NUM_RUNS = 150;
const TOKENS = '/api/v1/tokens';

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/);
const createBody = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        name: fc.oneof(fc.constant('A token'), anyString, fc.jsonValue()),
        kind: fc.oneof(fc.constantFrom(...TOKEN_KINDS), anyString),
        project: fc.oneof(fc.constantFrom('shop', 'other', 'ghost'), slug, anyString, fc.jsonValue()),
        environment: fc.oneof(fc.constantFrom('prod', 'stage', 'ghost'), slug, anyString),
        extra: fc.jsonValue(),
      },
      { requiredKeys: ['name', 'kind'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

/** Token ids to revoke: live ones and revoked ones (refreshed as the runs go), or anything. */
const live: string[] = [];
const revoked: string[] = [];
type IdChoice = { from: 'live' | 'revoked'; index: number } | { id: string };
const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ from: fc.constant('live' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ from: fc.constant('revoked' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ id: fc.uuid() }) },
  { weight: 1, arbitrary: fc.record({ id: anyString }) },
);
const idOf = (choice: IdChoice) => {
  if ('id' in choice) return choice.id;
  const pool = choice.from === 'live' ? live : revoked;
  return pool.length === 0 ? 'none' : pool[choice.index % pool.length]!;
};

async function create(payload: object): Promise<{ id: string; kind: string }> {
  const response = await t.app.inject({ method: 'POST', url: TOKENS, headers: t.adminHeaders, payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

beforeAll(async () => {
  t = await createTestApp();
  const post = async (url: string, payload: object) => {
    const response = await t.app.inject({ method: 'POST', url, headers: t.adminHeaders, payload });
    expect(response.statusCode, response.body).toBe(201);
  };
  for (const project of ['shop', 'other']) {
    await post('/api/v1/projects', { key: project, name: project });
    await post(`/api/v1/projects/${project}/environments`, { key: 'prod', name: 'prod' });
  }
  await post('/api/v1/projects/shop/environments', { key: 'stage', name: 'stage' });
  // Never the test's own admin token: revoking it would lock the test out.
  live.push((await create({ name: 'spare admin', kind: 'admin' })).id);
  live.push((await create({ name: 'server', kind: 'server', project: 'shop', environment: 'prod' })).id);
  live.push((await create({ name: 'client', kind: 'client', project: 'shop', environment: 'stage' })).id);
});
afterAll(async () => t?.close());

const runs = { numRuns: NUM_RUNS };

describe('fuzzed token write routes: no 5xx, nothing written on rejection', () => {
  it('POST /tokens', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(createBody, async (payload) => {
        const response = await checkWrite(t, 'POST', TOKENS, payload);
        if (response.statusCode === 201) {
          accepted++;
          const token = response.json<{ secret: string; kind: string }>();
          expect(token.secret.startsWith(`sy_${token.kind}_`)).toBe(true);
        }
      }),
      {
        ...runs,
        // A known-valid body first, so the success path is reached whatever the seed; then a
        // name with a NUL, which Postgres text cannot hold (it was a 500).
        examples: [
          [{ name: 'from-example', kind: 'client', project: 'shop', environment: 'stage' }],
          [{ name: 'a\u0000b', kind: 'admin' }],
        ],
      },
    );
    expect(accepted).toBeGreaterThan(0);
  }, 300_000);

  it('DELETE /tokens/:id (and replace)', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(idChoice, fc.option(fc.jsonValue()), async (choice, payload) => {
        const id = idOf(choice);
        const response = await checkWrite(t, 'DELETE', `${TOKENS}/${urlPart(id)}`, payload ?? undefined);
        statuses.add(response.statusCode);
        if (response.statusCode === 204) {
          // Keep a live token of each kind to revoke.
          const gone = live.indexOf(id);
          expect(gone).toBeGreaterThanOrEqual(0);
          revoked.push(id);
          const kind = ['admin', 'server', 'client'][gone]!;
          const scope = kind === 'admin' ? {} : { project: 'shop', environment: 'prod' };
          live[gone] = (await create({ name: `${kind} again`, kind, ...scope })).id;
        }
      }),
      { ...runs, examples: [[{ from: 'live', index: 1 }, null]] },
    );
    // Live tokens are revoked (204); revoked and unknown ids are 404; ids that are no UUID 400.
    expect(statuses).toContain(204);
    expect(statuses).toContain(404);
    expect(statuses).toContain(400);
  }, 300_000);

  it('DELETE /tokens/:id of the last admin token is a 409 that changes nothing', async () => {
    const listed = await t.app.inject({ method: 'GET', url: TOKENS, headers: t.adminHeaders });
    const admins = listed
      .json<{ tokens: { id: string; kind: string; prefix: string }[] }>()
      .tokens.filter((token) => token.kind === 'admin');
    const own = admins.find((token) => t.adminToken.startsWith(token.prefix))!;
    // The runs above created admin tokens too: revoke all others first.
    for (const other of admins.filter((token) => token !== own)) {
      expect((await checkWrite(t, 'DELETE', `${TOKENS}/${other.id}`, undefined)).statusCode).toBe(204);
    }
    expect((await checkWrite(t, 'DELETE', `${TOKENS}/${own.id}`, undefined)).statusCode).toBe(409);
  });
});
