import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { buildApp, type App } from '../../app.js';
import { openDatabase, type Database } from '../../db/index.js';

/**
 * Two replicas on one database each accept one half of a prerequisite cycle: `x → y` on one and
 * `y → x` on the other, at the same moment. Each sees the graph without the other's edge unless
 * the cycle check is serialized, so without that both answered 200 and the flags depended on each
 * other (in 4 of 10 trials). TRIALS pairs, BATCH of them at a time, each pair on fresh flags.
 */
const TRIALS = Number(process.env['PREREQUISITE_RACE_TRIALS'] ?? 100);
const BATCH = 5;
const PROJECT = '/api/v1/projects/cycles';

let t: TestApp;
/** The second replica: its own app and connection pool on the same database. */
let other: { app: App; db: Database };

function send(on: 0 | 1, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers = {}) {
  const app = on === 0 ? t.app : other.app;
  return app.inject({ method, url, headers: { ...t.adminHeaders, ...headers }, ...(payload ? { payload } : {}) });
}

beforeAll(async () => {
  t = await createTestApp();
  await send(0, 'POST', '/api/v1/projects', { key: 'cycles', name: 'Cycles' });
  await send(0, 'POST', `${PROJECT}/environments`, { key: 'production', name: 'Production' });
  await send(0, 'POST', `${PROJECT}/environments`, { key: 'staging', name: 'Staging' });
  const db = await openDatabase({ databaseUrl: t.config.databaseUrl, dataDir: t.config.dataDir });
  other = { db, app: await buildApp({ db, config: t.config, logger: false }) };
}, 60_000);
afterAll(async () => {
  await other?.app.close();
  await other?.db.close();
  await t?.close();
});

/** Makes `child` depend on `parent` in `environment` (at version `version`), on replica `on`. */
async function dependOn(on: 0 | 1, child: string, parent: string, environment = 'production', version = 1) {
  const url = `${PROJECT}/flags/${child}/environments/${environment}`;
  const body = { enabled: true, offVariant: 'off', defaultServe: { variant: 'on' }, rules: [] };
  const prerequisites = [{ flagKey: parent, variants: ['on'] }];
  return send(on, 'PUT', url, { ...body, prerequisites }, { 'if-match': `"${version}"` });
}

/** Prerequisite edges in production, as `child→parent` strings. */
async function edges(): Promise<Set<string>> {
  const rows = await t.db.prisma.$queryRaw<{ child: string; parent: string }[]>`
    SELECT f.key AS child, p->>'flagKey' AS parent
    FROM flag_configs c
    JOIN flags f ON f.id = c.flag_id
    JOIN environments e ON e.id = c.environment_id
    CROSS JOIN LATERAL jsonb_array_elements(c.prerequisites) p
    WHERE e.key = 'production'`;
  return new Set(rows.map((row) => `${row.child}→${row.parent}`));
}

it(`x → y and y → x at once on two replicas, ${TRIALS} times: exactly one lands each time, never a cycle`, async () => {
  const outcomes: string[] = [];
  const failures: string[] = [];
  for (let start = 0; start < TRIALS; start += BATCH) {
    const pairs = Array.from({ length: Math.min(BATCH, TRIALS - start) }, (_, i) => start + i);
    for (const pair of pairs) {
      for (const key of [`x${pair}`, `y${pair}`]) {
        const created = await send(0, 'POST', `${PROJECT}/flags`, { key, name: key, type: 'boolean' });
        expect(created.statusCode, created.body).toBe(201);
      }
    }
    const results = await Promise.all(
      pairs.map(async (pair) => {
        const [a, b] = await Promise.all([dependOn(0, `x${pair}`, `y${pair}`), dependOn(1, `y${pair}`, `x${pair}`)]);
        return { pair, statuses: [a.statusCode, b.statusCode], loser: a.statusCode === 200 ? b : a };
      }),
    );
    for (const { pair, statuses, loser } of results) {
      outcomes.push(`${pair}: ${statuses.join('/')}`);
      // Exactly one lands; the second closes a cycle and is refused by the cycle check (400).
      const ok = statuses.filter((status) => status === 200).length === 1 && loser.statusCode === 400;
      if (!ok || !/creates a cycle/.test(loser.json<{ message: string }>().message)) {
        failures.push(`trial ${pair}: ${statuses.join('/')} ${loser.body}`);
      }
      if (loser.statusCode !== 200) expect(loser.json()).toMatchObject({ error: 'bad_request' });
    }
  }
  const graph = await edges();
  const cycles = Array.from({ length: TRIALS }, (_, pair) => pair).filter(
    (pair) => graph.has(`x${pair}→y${pair}`) && graph.has(`y${pair}→x${pair}`),
  );
  expect(cycles, outcomes.join(', ')).toEqual([]);
  expect(failures).toEqual([]);
  expect(graph.size).toBe(TRIALS);
}, 240_000);

it('restores of every environment (which lock the graph of each) racing prerequisite PUTs: no deadlock, no 5xx', async () => {
  const create = async (key: string) =>
    expect((await send(0, 'POST', `${PROJECT}/flags`, { key, name: key, type: 'boolean' })).statusCode).toBe(201);
  for (let round = 0; round < 10; round++) {
    const keys = ['p', 'f', 'g', 'h', 'q'].map((name) => `${name}${round}r`);
    const [parent, f, g, h, q] = keys as [string, string, string, string, string];
    for (const key of keys) await create(key);
    for (const environment of ['production', 'staging']) {
      for (const child of [f, g]) expect((await dependOn(0, child, parent, environment)).statusCode).toBe(200);
    }
    for (const child of [f, g]) {
      expect((await send(0, 'POST', `${PROJECT}/flags/${child}/kill`, { reason: 'race' })).statusCode).toBe(200);
    }
    // Restore-all of f and g take the graph locks of both environments (in environment-id order)
    // while PUTs on the other replica take one each, in both environments.
    const responses = await Promise.all([
      send(0, 'POST', `${PROJECT}/flags/${f}/restore`, {}),
      send(1, 'POST', `${PROJECT}/flags/${g}/restore`, {}),
      dependOn(1, h, f, 'staging'),
      dependOn(0, h, g, 'production'),
      dependOn(1, q, h, 'production'),
    ]);
    const statuses = responses.map((response) => response.statusCode);
    expect(
      statuses.filter((status) => status >= 500),
      responses.map((r) => r.body).join('\n'),
    ).toEqual([]);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  }
}, 120_000);
