import type pg from 'pg';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { preparedStatementName } from './prepared-statements.js';

/** The node-postgres pool under each Prisma client of PostgreSQL mode (see `openPostgres`). */
const pools = new WeakMap<Prisma.TransactionClient | PrismaClient, pg.Pool>();

/** Lets `queryRows` on `prisma` send statements through `pool`, the pool its adapter uses. */
export function registerDirectPool(prisma: PrismaClient, pool: pg.Pool): void {
  pools.set(prisma, pool);
}

/**
 * Runs ONE raw statement on its own (never inside a transaction) and answers its rows. In
 * PostgreSQL mode it goes straight to the adapter's node-postgres pool, prepared once per
 * connection like Prisma's (the same statement names, see prepared-statements.ts): Prisma's
 * query pipeline (argument mapping, interpreter, tracing spans, row conversion) cost about as much
 * CPU as the rest of a flag toggle's write. Elsewhere (embedded PGlite, a transaction's client:
 * the statement then runs in that transaction) it is `prisma.$queryRaw`.
 *
 * Values are as node-postgres parses them: the same as `$queryRaw` for text, booleans, integers,
 * json(b) (parsed) and timestamps (Dates), but bigint (int8) columns come back as strings, not
 * BigInts: callers convert. Errors are node-postgres's (`isDatabaseUnavailable` knows them).
 */
export async function queryRows<T>(prisma: Prisma.TransactionClient | PrismaClient, query: Prisma.Sql): Promise<T[]> {
  const pool = pools.get(prisma);
  if (pool === undefined) return prisma.$queryRaw<T[]>(query);
  const text = query.text;
  // Dates as UTC ISO text, like Prisma (node-postgres would send local time with an offset, which a
  // timestamp column without time zone would read as local wall time).
  const values = query.values.map((value) => (value instanceof Date ? value.toISOString() : value));
  const result = await pool.query({ name: preparedStatementName({ sql: text }), text, values });
  return result.rows as T[];
}
