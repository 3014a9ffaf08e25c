import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { defaultMigrationsDir, readMigrationFiles } from '../../src/db/migration-files.js';
import { TokenAuthenticator } from '../../src/features/tokens/authenticator.js';
import { hashTokenSecret } from '../../src/features/tokens/token-secret.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * The authorization migration over a database with tokens and environments from before roles:
 * admin tokens keep full power (instance admin; the server's own bootstrap tokens the owner),
 * SDK tokens get no role, environments start unprotected.
 */
const MIGRATION = '20261203140000_authorization';

let testDb: TestDatabase;
let client: pg.Client;
let workDir: string;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  testDb = await createTestDatabase();
  workDir = await mkdtemp(join(tmpdir(), 'sy-authorization-'));
  for (const migration of (await readMigrationFiles()).filter((m) => m.name < MIGRATION)) {
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
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO projects (id, key, name, updated_at) VALUES (gen_random_uuid(), 'shop', 'Shop', now()) RETURNING id`,
  );
  const projectId = rows[0]!.id;
  const env = await client.query<{ id: string }>(
    `INSERT INTO environments (id, project_id, key, name, updated_at)
     VALUES (gen_random_uuid(), $1, 'prod', 'Prod', now()) RETURNING id`,
    [projectId],
  );
  const token = async (label: string, name: string, kind: string, scoped = false) => {
    secrets[label] = `sy_${kind}_${label}-secret-${'x'.repeat(30)}`;
    await client.query(
      `INSERT INTO api_tokens (id, name, name_key, kind, hash, prefix, project_id, environment_id)
       VALUES (gen_random_uuid(), $1, $2, $3::token_kind, $4, 'sy_', $5, $6)`,
      [name, label, kind, hashTokenSecret(secrets[label]!), scoped ? projectId : null, scoped ? env.rows[0]!.id : null],
    );
  };
  await token('generated', 'admin (generated)', 'admin');
  await token('configured', 'admin (SWITCHYARD_ADMIN_TOKEN) 2', 'admin');
  await token('ci', 'ci', 'admin');
  await token('server', 'checkout', 'server', true);

  const migrated = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
  try {
    const applied = (await readMigrationFiles()).map((m) => m.name).filter((name) => name >= MIGRATION);
    expect(await migrated.migrate()).toEqual({ applied });
  } finally {
    await migrated.close();
  }
}, 60_000);

afterAll(async () => {
  await client?.end();
  await testDb?.drop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe(MIGRATION, () => {
  it("keeps the power of admin tokens from before roles: instance admin, the bootstrap tokens the owner's", async () => {
    const { rows } = await client.query<{ name: string; role: string | null; instance_role: string | null }>(
      'SELECT name, role, instance_role FROM api_tokens ORDER BY name',
    );
    expect(rows).toEqual([
      { name: 'admin (SWITCHYARD_ADMIN_TOKEN) 2', role: null, instance_role: 'owner' },
      { name: 'admin (generated)', role: null, instance_role: 'owner' },
      { name: 'checkout', role: null, instance_role: null },
      { name: 'ci', role: null, instance_role: 'admin' },
    ]);
  });

  it('authenticates them with those rights', async () => {
    const db = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
    try {
      const auth = new TokenAuthenticator(db.prisma);
      const rightsOf = async (label: string) => {
        const principal = await auth.authenticate({ type: 'bearer', secret: secrets[label]! });
        return { instanceRole: principal?.instanceRole, grants: principal?.grants };
      };
      expect(await rightsOf('generated')).toEqual({ instanceRole: 'owner', grants: [] });
      expect(await rightsOf('ci')).toEqual({ instanceRole: 'admin', grants: [] });
      expect(await rightsOf('server')).toEqual({ instanceRole: null, grants: [] });
      await auth.flush();
    } finally {
      await db.close();
    }
  });

  it('leaves environments unprotected, with admin as the role a protection would need, and refuses unknown roles', async () => {
    const { rows } = await client.query('SELECT protected, protected_role FROM environments');
    expect(rows).toEqual([{ protected: false, protected_role: 'admin' }]);
    await expect(client.query(`UPDATE environments SET protected_role = 'viewer'`)).rejects.toMatchObject({
      code: '23514',
    });
    await expect(client.query(`UPDATE api_tokens SET role = 'root' WHERE name = 'ci'`)).rejects.toMatchObject({
      code: '23514',
    });
  });
});
