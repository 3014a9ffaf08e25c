import { createHash } from 'node:crypto';

/**
 * Put at the start of a raw statement's SQL to have it prepared once per connection and its plan
 * cached (a hot statement parsed and planned on every call costs Postgres more than running it).
 * Only marked statements are named, so the number of prepared statements per connection stays
 * bounded (Prisma's generated SQL varies with e.g. list lengths). Behind a transaction-mode
 * PgBouncer older than 1.21 named statements fail; there, set PgBouncer's `max_prepared_statements`.
 */
export const PREPARE = '/* prepare */';

const names = new Map<string, string>();

/**
 * The statement name of a marked SQL text (the same for the same text); '' (pg's unnamed statement,
 * parsed on every call) for any other.
 */
export function preparedStatementName(query: { sql: string }): string {
  if (!query.sql.startsWith(PREPARE)) return '';
  let name = names.get(query.sql);
  if (name === undefined) {
    name = `sy_${createHash('sha256').update(query.sql).digest('hex').slice(0, 32)}`;
    names.set(query.sql, name);
  }
  return name;
}
