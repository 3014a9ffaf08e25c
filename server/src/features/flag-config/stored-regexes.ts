import { withoutRefusedRegexes, type RefusedRegex } from '@switchyard/core/regex-check';
import type { Condition, Flag, Segment, Snapshot } from '@switchyard/core';
import type { PrismaClient } from '../../generated/prisma/client.js';

/** A stored `regex` pattern the current write-time check refuses, and where it is. */
export interface StoredRefusedRegex extends RefusedRegex {
  project: string;
  /** The environment of a flag's configuration; absent for a segment (shared by all environments). */
  environment?: string;
}

/**
 * The `regex` patterns stored in flag configurations and segments that today's write-time check
 * (`regexPatternProblem`) refuses: patterns written before the check was tightened (it accepted
 * `^(\w|\d)+$`, which blocks an SDK for seconds) are still in the database and still published.
 * Read-only; `npm run db:check-regexes -w server` prints them so they can be fixed through the
 * admin API. Runs the check once per distinct pattern (cached), synchronously.
 */
export async function findRefusedStoredRegexes(prisma: PrismaClient): Promise<StoredRefusedRegex[]> {
  const found: StoredRefusedRegex[] = [];
  const configs = await prisma.flagConfig.findMany({
    select: {
      rules: true,
      flag: { select: { key: true, project: { select: { key: true } } } },
      environment: { select: { key: true } },
    },
    orderBy: [{ flagId: 'asc' }, { environmentId: 'asc' }],
  });
  for (const config of configs) {
    const flag = { key: config.flag.key, rules: config.rules } as unknown as Flag;
    const { refused } = withoutRefusedRegexes({ flags: [flag], segments: [] } as unknown as Snapshot);
    for (const entry of refused) {
      found.push({ ...entry, project: config.flag.project.key, environment: config.environment.key });
    }
  }
  const segments = await prisma.segment.findMany({
    select: { key: true, conditions: true, project: { select: { key: true } } },
    orderBy: { id: 'asc' },
  });
  for (const row of segments) {
    const segment: Segment = { key: row.key, conditions: row.conditions as unknown as Condition[] };
    const { refused } = withoutRefusedRegexes({ flags: [], segments: [segment] } as unknown as Snapshot);
    for (const entry of refused) found.push({ ...entry, project: row.project.key });
  }
  return found;
}
