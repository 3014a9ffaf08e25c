import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeNotifier } from '../../src/changes/index.js';
import { openDatabase } from '../../src/db/client.js';
import { defaultMigrationsDir, readMigrationFiles } from '../../src/db/migration-files.js';
import { ensureAdminToken } from '../../src/features/tokens/bootstrap.js';
import { tokenNameKey } from '../../src/features/tokens/token-names.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The migration that gives audit events a principal (kind + id) and token names an active-unique
 * key, applied to a database that already has data: tokens with duplicate active names (which
 * the unique index would refuse) and events recorded under bare names.
 */
const MIGRATION = '20261203090000_audit_principals';

let testDb: TestDatabase;
let client: pg.Client;
let workDir: string;
const ids: Record<string, string> = {};
const events: Record<string, string> = {};

const at = (time: string) => `2026-11-30T${time}:00Z`;

beforeAll(async () => {
  testDb = await createTestDatabase();
  // Every migration before this one, applied first.
  workDir = await mkdtemp(join(tmpdir(), 'sy-principals-'));
  const before = (await readMigrationFiles()).filter((migration) => migration.name < MIGRATION);
  for (const migration of before) {
    await cp(join(defaultMigrationsDir, migration.name), join(workDir, migration.name), { recursive: true });
  }
  const old = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused', migrationsDir: workDir });
  try {
    await old.migrate();
  } finally {
    await old.close();
  }

  client = new pg.Client({ connectionString: testDb.url });
  await client.connect();
  const token = async (label: string, name: string, created: string, revoked: string | null = null) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO api_tokens (id, name, kind, hash, prefix, created_at, revoked_at)
       VALUES (gen_random_uuid(), $1, 'admin', md5(random()::text), 'sy_admin_', $2, $3) RETURNING id`,
      [name, at(created), revoked === null ? null : at(revoked)],
    );
    ids[label] = rows[0]!.id;
  };
  await token('ci', 'ci', '10:00');
  await token('ci2', 'ci', '11:00'); // a duplicate active name
  await token('ci3', 'CI ', '12:00'); // the same name but for case and a space
  await token('rotatingOld', 'rotating', '10:00', '10:30');
  await token('rotatingNew', 'rotating', '11:00');
  await token('fakeSeed', 'system:seed', '12:00'); // accepted back then
  await token('deploy', 'deploy', '10:00');
  await token('deployLookAlike', 'dеploy', '11:00'); // a Cyrillic е: SQL's key cannot tell
  const event = async (label: string, actor: string, time: string) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO audit_events (actor, action, target_type, target_key, created_at)
       VALUES ($1, 'flag.updated', 'flag', $2, $3) RETURNING id::text AS id`,
      [actor, label, at(time)],
    );
    events[label] = rows[0]!.id;
  };
  await event('seed', 'system:seed', '09:00');
  await event('bootstrap', 'system:bootstrap', '09:00');
  await event('byCi', 'ci', '10:30');
  await event('ambiguous', 'ci', '11:30'); // two tokens named ci were active
  await event('byOldRotating', 'rotating', '10:15');
  await event('byNewRotating', 'rotating', '11:15');
  await event('fakeSeed', 'system:seed', '12:30'); // the seed, or the token named like it?
  await event('deleted', 'a token deleted since', '10:00');

  const migrated = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
  try {
    // This migration, and every later one (they must apply over its data too).
    const fromHere = (await readMigrationFiles())
      .map((migration) => migration.name)
      .filter((name) => name >= MIGRATION);
    expect(await migrated.migrate()).toEqual({ applied: fromHere });
  } finally {
    await migrated.close();
  }
});

afterAll(async () => {
  await client?.end();
  await testDb?.drop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe(`migration ${MIGRATION} on a database with data`, () => {
  it('attributes old events to the one token of that name alive at the time, else says unknown', async () => {
    const { rows } = await client.query<{ target_key: string; actor_kind: string; actor_id: string | null }>(
      `SELECT target_key, actor_kind::text AS actor_kind, actor_id FROM audit_events WHERE action = 'flag.updated'`,
    );
    const byLabel = Object.fromEntries(rows.map((row) => [row.target_key, [row.actor_kind, row.actor_id]]));
    expect(byLabel).toEqual({
      seed: ['system', 'seed'],
      bootstrap: ['system', 'bootstrap'],
      byCi: ['token', ids['ci']],
      ambiguous: ['unknown', null],
      byOldRotating: ['token', ids['rotatingOld']],
      byNewRotating: ['token', ids['rotatingNew']],
      fakeSeed: ['unknown', null],
      deleted: ['unknown', null],
    });
  });

  it('renames the newer of the active tokens that share a name, and audits the renames', async () => {
    const { rows } = await client.query<{ id: string; name: string }>('SELECT id, name FROM api_tokens');
    const names = Object.fromEntries(rows.map((row) => [row.id, row.name]));
    expect(names[ids['ci']!]).toBe('ci');
    expect(names[ids['ci2']!]).toBe(`ci [${ids['ci2']}]`);
    expect(names[ids['ci3']!]).toBe(`CI  [${ids['ci3']}]`);
    // A revoked token kept its name; so did the reserved-looking one (its events say "token" now).
    expect(names[ids['rotatingOld']!]).toBe('rotating');
    expect(names[ids['rotatingNew']!]).toBe('rotating');
    expect(names[ids['fakeSeed']!]).toBe('system:seed');

    const renames = await client.query<{ target_key: string; actor: string; actor_kind: string; actor_id: string }>(
      `SELECT target_key, actor, actor_kind::text AS actor_kind, actor_id, before, after
       FROM audit_events WHERE action = 'token.renamed' ORDER BY target_key`,
    );
    expect(renames.rows).toEqual(
      [
        { id: ids['ci2']!, before: 'ci', after: `ci [${ids['ci2']}]` },
        { id: ids['ci3']!, before: 'CI ', after: `CI  [${ids['ci3']}]` },
      ]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map(({ id, before, after }) => ({
          target_key: id,
          actor: 'system:migration',
          actor_kind: 'system',
          actor_id: 'migration',
          before: { name: before },
          after: { name: after },
        })),
    );
  });

  it('leaves an index that refuses a second active token with the same name key', async () => {
    const insert = (name: string, key: string, revoked: boolean) =>
      client.query(
        `INSERT INTO api_tokens (id, name, name_key, kind, hash, prefix, revoked_at)
         VALUES (gen_random_uuid(), $1, $2, 'admin', md5(random()::text), 'sy_admin_', $3)`,
        [name, key, revoked ? new Date() : null],
      );
    await expect(insert('ci', 'ci', false)).rejects.toMatchObject({ code: '23505' });
    await insert('ci', 'ci', true); // revoked tokens may share names
  });
});

describe('the first start after the migration', () => {
  it('recomputes the name keys, renames look-alikes of older active tokens, and audits it', async () => {
    const db = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
    try {
      await ensureAdminToken({ prisma: db.prisma, notifier: new ChangeNotifier() });
      const tokens = await db.prisma.apiToken.findMany({ where: { revokedAt: null } });
      for (const token of tokens) expect(token.nameKey).toBe(tokenNameKey(token.name));
      const name = (label: string) => tokens.find((token) => token.id === ids[label])?.name;
      expect(name('deploy')).toBe('deploy');
      expect(name('deployLookAlike')).toBe(`dеploy [${ids['deployLookAlike']}]`);
      const renamed = await db.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'token.renamed', targetKey: ids['deployLookAlike']! },
      });
      expect(renamed).toMatchObject({ actorKind: 'system', actorId: 'bootstrap', before: { name: 'dеploy' } });
      // Refreshing again changes nothing.
      const events = await db.prisma.auditEvent.count();
      await ensureAdminToken({ prisma: db.prisma, notifier: new ChangeNotifier() });
      expect(await db.prisma.auditEvent.count()).toBe(events);
    } finally {
      await db.close();
    }
  });
});
