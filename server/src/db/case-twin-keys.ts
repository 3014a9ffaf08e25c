import { Prisma } from '../generated/prisma/client.js';
import { conflict } from '../http/errors.js';

/** What has keys that must not differ only in case within a project. */
export type CaseFoldedKind = 'flag' | 'segment';

const TABLES: Record<CaseFoldedKind, Prisma.Sql> = { flag: Prisma.sql`flags`, segment: Prisma.sql`segments` };

/**
 * Refuses (409) a new flag or segment key that differs only in case from one the project has
 * (archived flags included): keys are case-sensitive, as in Unleash and LaunchDarkly and for SDKs,
 * but `Checkout` beside `checkout` is a mistake waiting to be evaluated, like look-alike token
 * names. Keys are ASCII (see core's FLAG_KEY_PATTERN), so `lower()` is the whole comparison.
 *
 * Creations of that kind in one project are serialised by a transaction-scoped advisory lock
 * taken first, so of two concurrent creations of `A` and `a` the second sees the first (no
 * expression index: Prisma's schema cannot declare one, and the drift test compares the two).
 * Call inside the creating transaction, before the insert.
 */
export async function assertNoCaseTwin(
  tx: Prisma.TransactionClient,
  kind: CaseFoldedKind,
  project: { id: string; key: string },
  key: string,
): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`switchyard:${kind}-keys:${project.id}`}))::text AS locked`;
  const twins = await tx.$queryRaw<{ key: string }[]>`
    SELECT key FROM ${TABLES[kind]}
    WHERE project_id = ${project.id}::uuid AND lower(key) = lower(${key}) AND key <> ${key}
    LIMIT 1`;
  const twin = twins[0];
  if (twin) {
    throw conflict(
      `${kind === 'flag' ? 'Flag' : 'Segment'} key '${key}' differs only in case from ${kind} '${twin.key}' ` +
        `of project '${project.key}'; keys are case-sensitive, but two that differ only in case are refused`,
      { fields: ['key'], existing: twin.key },
    );
  }
}
