import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { buildApp, type App } from '../../app.js';
import { openDatabase, type Database } from '../../db/index.js';

let t: TestApp;
/** A second server instance on the same database: its writers race the first one's in PostgreSQL. */
let other: { app: App; db: Database };
const URL = '/api/v1/projects/race/flags/toggle/environments/production';

/** Sends a request to instance `on` (0 = the test app, 1 = the second instance). */
function inject(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers = {}, on: 0 | 1 = 0) {
  const app = on === 0 ? t.app : other.app;
  return app.inject({ method, url, headers: { ...t.adminHeaders, ...headers }, ...(payload ? { payload } : {}) });
}

async function production() {
  return t.db.prisma.environment.findFirstOrThrow({ where: { key: 'production', project: { key: 'race' } } });
}

beforeAll(async () => {
  t = await createTestApp();
  await inject('POST', '/api/v1/projects', { key: 'race', name: 'Race' });
  await inject('POST', '/api/v1/projects/race/environments', { key: 'production', name: 'Production' });
  const created = await inject('POST', '/api/v1/projects/race/flags', {
    key: 'toggle',
    name: 'Toggle',
    type: 'boolean',
  });
  expect(created.statusCode).toBe(201);
  const db = await openDatabase({ databaseUrl: t.config.databaseUrl, dataDir: t.config.dataDir });
  other = { db, app: await buildApp({ db, config: t.config, logger: false }) };
});
afterAll(async () => {
  await other?.app.close();
  await other?.db.close();
  await t?.close();
});

describe('concurrent writers', () => {
  it('two PUTs with the same If-Match on two instances: exactly one wins, the other gets 412', async () => {
    for (let round = 0; round < 10; round++) {
      const current = await inject('GET', URL);
      const body = current.json();
      const etag = current.headers.etag as string;
      const [a, b] = await Promise.all([
        inject('PUT', URL, { ...body, enabled: true }, { 'if-match': etag }, 0),
        inject(
          'PUT',
          URL,
          { ...body, enabled: false, rules: [{ id: 'x', conditions: [], segments: [], serve: { variant: 'on' } }] },
          { 'if-match': etag },
          1,
        ),
      ]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
      const after = (await inject('GET', URL)).json();
      expect(after.version).toBe(body.version + 1);
      const winner = a.statusCode === 200 ? a.json() : b.json();
      expect(after).toEqual(winner);
    }
  });

  it('50 parallel toggles over two instances: revision advances exactly 50 times, exactly 50 audit events', async () => {
    const before = await production();
    const eventsBefore = await t.db.prisma.auditEvent.count({
      where: { targetType: 'flag_config', targetKey: 'toggle' },
    });
    const versionBefore = (await inject('GET', URL)).json().version as number;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        inject('POST', `${URL}/${i % 2 === 0 ? 'on' : 'off'}`, undefined, {}, i < 25 ? 0 : 1),
      ),
    );
    const failures = responses.filter((response) => response.statusCode !== 200).map((response) => response.body);
    expect(failures).toEqual([]);
    const after = await production();
    expect(after.revision - before.revision).toBe(50);
    const eventsAfter = await t.db.prisma.auditEvent.count({
      where: { targetType: 'flag_config', targetKey: 'toggle' },
    });
    expect(eventsAfter - eventsBefore).toBe(50);
    // Every write got its own version and its own revision: none lost, none reused.
    expect(new Set(responses.map((response) => response.json().version)).size).toBe(50);
    expect((await inject('GET', URL)).json().version).toBe(versionBefore + 50);
    const outbox = await t.db.prisma.changeOutbox.findMany({
      where: { environmentId: after.id, revision: { gt: before.revision } },
      orderBy: { revision: 'asc' },
    });
    expect(outbox.map((row) => row.revision)).toEqual(Array.from({ length: 50 }, (_, i) => before.revision + i + 1));
  });

  it('a kill racing a PUT: the kill always lands, and restore brings back whichever config it replaced', async () => {
    const current = await inject('GET', URL);
    const etag = current.headers.etag as string;
    const edited = {
      ...current.json(),
      enabled: true,
      rules: [{ id: 'edit', conditions: [], segments: [], serve: { variant: 'off' } }],
    };
    const [put, kill] = await Promise.all([
      inject('PUT', URL, edited, { 'if-match': etag }, 0),
      inject('POST', `${URL}/kill`, { reason: 'race' }, {}, 1),
    ]);
    expect(kill.statusCode).toBe(200);
    expect([200, 412]).toContain(put.statusCode);
    // Either the PUT landed first (then the kill saved it) or the kill did (then the PUT's ETag was stale).
    expect((await inject('GET', URL)).json()).toMatchObject({ enabled: false, killed: true });
    const restored = (await inject('POST', `${URL}/restore`)).json();
    const expected = put.statusCode === 200 ? edited : current.json();
    expect({ enabled: restored.enabled, rules: restored.rules }).toEqual({
      enabled: expected.enabled,
      rules: expected.rules,
    });
  });
});
