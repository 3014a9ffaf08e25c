import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { definePrismaBehaviourTests } from './prisma-behaviour.js';

describe('openDatabase with a DATABASE_URL (PostgreSQL through @prisma/adapter-pg)', () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
    await db.migrate();
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it('is in postgres mode and migrated', async () => {
    expect(db.mode).toBe('postgres');
    expect(await db.isMigrated()).toBe(true);
  });

  definePrismaBehaviourTests({ db: () => db, isolation: 'mvcc' });

  it('keeps data across close and reopen', async () => {
    await db.prisma.project.create({ data: { key: 'kept', name: 'Kept' } });
    await db.close();
    db = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
    expect(await db.migrate()).toEqual({ applied: [] });
    expect((await db.prisma.project.findUnique({ where: { key: 'kept' } }))?.name).toBe('Kept');
  });
});
