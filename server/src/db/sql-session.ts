import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type pg from 'pg';

/** The little SQL the migrator needs, over one database session. */
export interface SqlQueryable {
  /** One statement with `$1…` parameters; returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** A script of several statements, without parameters (a migration.sql). */
  exec(sql: string): Promise<void>;
}

/**
 * One session (connection) to the database. Session-level state such as advisory locks lives as
 * long as the session, so the migrator runs on a dedicated one.
 */
export interface SqlSession extends SqlQueryable {
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/** A session over a connected `pg` Client (the caller connects and ends it). */
export function pgSession(client: pg.Client): SqlSession {
  const queryable: SqlQueryable = {
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await client.query(sql, params);
      return result.rows as Row[];
    },
    async exec(sql) {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await client.query(sql);
    },
  };
  return {
    ...queryable,
    async transaction(fn) {
      await client.query('BEGIN');
      try {
        const result = await fn(queryable);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
  };
}

/**
 * A session over a PGlite instance. PGlite is a single session; its own transaction() holds an
 * exclusive lock, so queries from Prisma cannot slip into a migration's transaction.
 */
export function pgliteSession(db: PGlite): SqlSession {
  const wrap = (target: PGlite | PGliteTransaction): SqlQueryable => ({
    async query<Row>(sql: string, params?: unknown[]) {
      const result = await target.query<Row>(sql, params);
      return result.rows;
    },
    async exec(sql) {
      await target.exec(sql);
    },
  });
  return {
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
  };
}
