import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The server whose `postgres` maintenance database test databases are created from.
 * SWITCHYARD_TEST_PG_URL overrides the local default (trust auth, user postgres).
 */
const maintenanceUrl = process.env['SWITCHYARD_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  /** Its name, `sy_test_<random>`. */
  name: string;
  /** Drops it, closing any connection still open (DROP … WITH (FORCE)). Safe to call twice. */
  drop(): Promise<void>;
}

async function onMaintenanceDb(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, empty PostgreSQL database for one test file (no migrations applied). */
export async function createTestDatabase(): Promise<TestDatabase> {
  // Lowercase hex only, so the name needs no quoting and is safe to interpolate.
  const name = `sy_test_${randomBytes(6).toString('hex')}`;
  await onMaintenanceDb(`CREATE DATABASE ${name}`);
  const url = new URL(maintenanceUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await onMaintenanceDb(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
