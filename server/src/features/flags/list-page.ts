import { Prisma } from '../../generated/prisma/client.js';
import type { FlagEnvironmentStatus, ListFlagsQuery } from './schemas.js';
import type { DbClient, FlagRow } from './store.js';

/** One flag of a list page: its definition, last evaluation and (when asked) its state per environment. */
export interface FlagPageRow {
  flag: FlagRow;
  lastEvaluatedAt: Date | null;
  /** Present only with `include=environments`. */
  environments?: FlagEnvironmentStatus[];
}

/** An environment's state as the query gives it: rollouts still in basis points, as stored. */
interface RawStatus extends Omit<FlagEnvironmentStatus, 'rolloutPercents'> {
  rolloutBasisPoints: number[];
}

interface RawRow {
  id: string;
  project_id: string;
  key: string;
  name: string;
  description: string;
  type: FlagRow['type'];
  variants: FlagRow['variants'];
  tags: string[];
  client_side: boolean;
  salt: string | null;
  archived_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_evaluated_at: Date | null;
  environments: RawStatus[] | null;
  total: number;
}

/** `text` as a LIKE pattern matching itself anywhere (its `\`, `%` and `_` taken literally). */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** Basis points (storage) → percent (the status view), exact to 0.01. */
const percentOf = (basisPoints: number) => basisPoints / 100;

/**
 * One page of a project's flags ordered by key, plus whether more follow, in ONE query: the
 * definitions, each flag's latest evaluation (any environment) and, with `include=environments`,
 * its state in every environment (ordered by environment key) as a JSON array built by Postgres.
 * A page used to take four queries, two of them with one bind parameter per flag (and one per
 * configuration), which cost seconds per 10,000 flags on embedded PGlite. Rows after `afterKey`
 * (keyset) or after `offset` rows; the key index serves both. `total` counts the flags matching
 * the filters on every page (the console shows how many are still loading).
 */
export async function listFlagPage(
  db: DbClient,
  projectId: string,
  query: Omit<ListFlagsQuery, 'cursor'> & { afterKey?: string },
): Promise<{ rows: FlagPageRow[]; hasMore: boolean; total: number }> {
  const conditions = [
    Prisma.sql`f.project_id = ${projectId}::uuid`,
    query.archived === true ? Prisma.sql`f.archived_at IS NOT NULL` : Prisma.sql`f.archived_at IS NULL`,
  ];
  if (query.tag !== undefined) conditions.push(Prisma.sql`${query.tag}::text = ANY(f.tags)`);
  if (query.q !== undefined) {
    const pattern = containsPattern(query.q);
    conditions.push(Prisma.sql`(f.key ILIKE ${pattern} OR f.name ILIKE ${pattern} OR f.description ILIKE ${pattern})`);
  }
  // The total counts every page: the same filters without the keyset bound.
  const matching = Prisma.join(conditions, ' AND ');
  if (query.afterKey !== undefined) conditions.push(Prisma.sql`f.key > ${query.afterKey}`);
  const environments =
    query.include === 'environments'
      ? Prisma.sql`(
          SELECT coalesce(json_agg(json_build_object(
                   'environment', e.key,
                   'enabled', c.enabled,
                   'killed', coalesce(jsonb_typeof(c.killed_from), 'null') <> 'null',
                   'version', c.version,
                   'rules', jsonb_array_length(c.rules),
                   'rolloutBasisPoints', jsonb_path_query_array(c.rules, '$[*].rollout.percentage')
                 ) ORDER BY e.key COLLATE "C"), '[]'::json)
          FROM flag_configs c JOIN environments e ON e.id = c.environment_id
          WHERE c.flag_id = f.id)`
      : Prisma.sql`NULL::json`;
  const rows = await db.$queryRaw<RawRow[]>`
    SELECT f.id, f.project_id, f.key, f.name, f.description, f.type::text AS type, f.variants, f.tags,
           f.client_side, f.salt, f.archived_at, f.created_at, f.updated_at,
           (SELECT max(u.last_evaluated_at) FROM flag_usage u WHERE u.flag_id = f.id) AS last_evaluated_at,
           ${environments} AS environments,
           (SELECT count(*)::int FROM flags f WHERE ${matching}) AS total
    FROM flags f
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY f.key
    LIMIT ${query.limit + 1} OFFSET ${query.offset ?? 0}`;
  return {
    rows: rows.slice(0, query.limit).map((row) => ({
      flag: {
        id: row.id,
        projectId: row.project_id,
        key: row.key,
        name: row.name,
        description: row.description,
        type: row.type,
        variants: row.variants,
        tags: row.tags,
        clientSide: row.client_side,
        salt: row.salt,
        archivedAt: row.archived_at,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      },
      lastEvaluatedAt: row.last_evaluated_at,
      ...(row.environments
        ? {
            environments: row.environments.map(({ rolloutBasisPoints, ...status }) => ({
              ...status,
              rolloutPercents: rolloutBasisPoints.map(percentOf),
            })),
          }
        : {}),
    })),
    hasMore: rows.length > query.limit,
    // A page past the end has no row to carry the count.
    total: rows[0]?.total ?? (query.afterKey === undefined && !query.offset ? 0 : await countFlags(db, matching)),
  };
}

async function countFlags(db: DbClient, matching: Prisma.Sql): Promise<number> {
  const [row] = await db.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM flags f WHERE ${matching}`;
  return row?.total ?? 0;
}
