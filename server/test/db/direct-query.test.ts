import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.js';
import { isDatabaseUnavailable, PREPARE, queryRows } from '../../src/db/index.js';
import { preparedStatementName } from '../../src/db/prepared-statements.js';
import { Prisma, PrismaClient } from '../../src/generated/prisma/client.js';
import { PrismaPg } from '@prisma/adapter-pg';
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

const statement = (id: number) => Prisma.sql`${Prisma.raw(PREPARE)}
  SELECT ${id}::int AS n, ${'text'}::text AS t, ${true}::boolean AS b, ${JSON.stringify({ a: [1] })}::jsonb AS j,
    ${['a', 'b']}::text[] AS arr, '2026-12-04T10:00:00Z'::timestamptz AS at, NULL::jsonb AS nothing,
    9007199254740993::bigint AS big`;

it('answers the rows $queryRaw answers, bigint as a string, as a named prepared statement', async () => {
  const sql = statement(7);
  const [direct] = await queryRows<Record<string, unknown>>(db.prisma, sql);
  const [viaPrisma] = await db.prisma.$queryRaw<Record<string, unknown>[]>(sql);
  const { big, ...rest } = direct!;
  const { big: prismaBig, ...prismaRest } = viaPrisma!;
  expect(rest).toEqual(prismaRest);
  expect(rest).toMatchObject({ n: 7, t: 'text', b: true, j: { a: [1] }, arr: ['a', 'b'], nothing: null });
  expect(rest.at).toEqual(new Date('2026-12-04T10:00:00Z'));
  expect(big).toBe('9007199254740993');
  expect(prismaBig).toBe(9007199254740993n);
  // Prepared under the same name as Prisma's adapter gives the text (once per connection).
  const names = await queryRows<{ name: string }>(db.prisma, Prisma.sql`SELECT name FROM pg_prepared_statements`);
  expect(names.map((row) => row.name)).toContain(preparedStatementName({ sql: sql.text }));
});

it('sends Dates as UTC instants, as Prisma does, also to a timestamp column without time zone', async () => {
  const at = new Date('2026-12-04T10:00:00.123Z');
  const sql = Prisma.sql`SELECT ${at}::timestamptz AS tz, ${at}::timestamp(3) AS plain`;
  const [direct] = await queryRows<{ tz: Date; plain: Date }>(db.prisma, sql);
  const [viaPrisma] = await db.prisma.$queryRaw<{ tz: Date; plain: Date }[]>(sql);
  expect(direct!.tz).toEqual(at);
  expect(viaPrisma!.tz).toEqual(at);
  // Without time zone: the UTC wall time is stored (what Prisma writes), read back as node-postgres reads it.
  const [stored] = await queryRows<{ text: string }>(db.prisma, Prisma.sql`SELECT (${at}::timestamp(3))::text AS text`);
  expect(stored!.text).toBe('2026-12-04 10:00:00.123');
});

it('goes through Prisma for a client it does not know (embedded mode, other clients)', async () => {
  const pool = new pg.Pool({ connectionString: testDb.url });
  const other = new PrismaClient({ adapter: new PrismaPg(pool) });
  try {
    const [row] = await queryRows<{ big: unknown }>(other, Prisma.sql`SELECT 5::bigint AS big`);
    expect(row!.big).toBe(5n); // Prisma's conversion: it did not take the direct path
  } finally {
    await other.$disconnect();
    await pool.end();
  }
});

it('fails with an error isDatabaseUnavailable recognises when Postgres cannot be reached (503, not 500)', async () => {
  const unreachable = await openDatabase({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none', dataDir: 'unused' });
  try {
    const error = await queryRows(unreachable.prisma, Prisma.sql`SELECT 1`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
  } finally {
    await unreachable.close();
  }
});
