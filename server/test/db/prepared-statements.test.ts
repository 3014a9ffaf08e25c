import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { PREPARE } from '../../src/db/index.js';
import { preparedStatementName } from '../../src/db/prepared-statements.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await openDatabase({ databaseUrl: testDb.url, dataDir: 'unused' });
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

it('names marked statements only, by their text', () => {
  const sql = `${PREPARE} SELECT 1`;
  expect(preparedStatementName({ sql })).toMatch(/^sy_[0-9a-f]{32}$/);
  expect(preparedStatementName({ sql })).toBe(preparedStatementName({ sql }));
  expect(preparedStatementName({ sql: `${PREPARE} SELECT 2` })).not.toBe(preparedStatementName({ sql }));
  expect(preparedStatementName({ sql: 'SELECT 1' })).toBe(''); // pg's unnamed statement
});

it('runs a marked statement as a named prepared statement of the session, and others unnamed', async () => {
  type Row = { name: string };
  const marked = await db.prisma.$queryRawUnsafe<Row[]>(`${PREPARE} SELECT name FROM pg_prepared_statements`);
  const name = preparedStatementName({ sql: `${PREPARE} SELECT name FROM pg_prepared_statements` });
  expect(marked.map((row) => row.name)).toContain(name);
  // Again on whichever pooled connection: parsed there at most once, same answer.
  for (let i = 0; i < 3; i++) {
    const again = await db.prisma.$queryRawUnsafe<Row[]>(`${PREPARE} SELECT name FROM pg_prepared_statements`);
    expect(again.map((row) => row.name)).toContain(name);
  }
  const unmarked = await db.prisma.$queryRawUnsafe<Row[]>('SELECT name FROM pg_prepared_statements');
  expect(unmarked.map((row) => row.name)).not.toContain('');
  expect(unmarked.every((row) => row.name.startsWith('sy_'))).toBe(true);
});
