import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/index.js';
import { toErrorResponse } from '../../src/http/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/**
 * A deadlock or a serialization failure is the database asking for a retry: the request was fine
 * and its transaction was rolled back, so the answer is 503 + Retry-After (as for Prisma's own
 * P2034), never a 500. Raw queries (`$executeRaw`/`$queryRaw`, which the write path uses for its
 * locks and CTEs) report them as P2010 with the driver adapter's `TransactionWriteConflict`: these
 * errors are made here by real PostgreSQL transactions that conflict.
 */
let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase({ databaseUrl: database.url, dataDir: '' });
  await db.prisma.$executeRawUnsafe('CREATE TABLE conflict_rows (id int PRIMARY KEY, v int NOT NULL)');
  await db.prisma.$executeRawUnsafe('INSERT INTO conflict_rows VALUES (1, 0), (2, 0)');
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The error of whichever of `runs` failed (exactly one must). */
async function theFailure(runs: Promise<unknown>[]): Promise<unknown> {
  const results = await Promise.allSettled(runs);
  const failures = results.filter((result) => result.status === 'rejected');
  expect(failures).toHaveLength(1);
  return (failures[0] as PromiseRejectedResult).reason;
}

describe('write conflicts in raw queries', () => {
  it('answers a deadlock with 503 (it was a 500)', async () => {
    const crossing = (first: number, second: number) =>
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE conflict_rows SET v = v + 1 WHERE id = ${first}`;
        await pause(300);
        await tx.$executeRaw`UPDATE conflict_rows SET v = v + 1 WHERE id = ${second}`;
      });
    const error = await theFailure([crossing(1, 2), crossing(2, 1)]);
    expect(toErrorResponse(error)).toMatchObject({ statusCode: 503, body: { error: 'unavailable' } });
  });

  it('answers a serialization failure with 503 (it was a 500)', async () => {
    const readThenWrite = () =>
      db.prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT v FROM conflict_rows WHERE id = 1`;
          await pause(300);
          await tx.$executeRaw`UPDATE conflict_rows SET v = v + 1 WHERE id = 1`;
        },
        { isolationLevel: 'Serializable' },
      );
    const error = await theFailure([readThenWrite(), readThenWrite()]);
    expect(toErrorResponse(error)).toMatchObject({ statusCode: 503, body: { error: 'unavailable' } });
  });
});
