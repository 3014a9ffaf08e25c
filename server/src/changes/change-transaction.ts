import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { ChangeEntries, ChangeNotifier, EnvironmentRevision } from './notifier.js';
import { recordChange, type ChangeInput, type RecordedChange } from './record-change.js';

/** How long a change may wait for a connection, and run in all, before it fails with 503. */
export const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 20_000 } as const;

/** Records one change in the running transaction; see `recordChange`. */
export type RecordFn = (input: ChangeInput) => Promise<RecordedChange>;

/** What a service needs to make audited changes. */
export interface ChangeDeps {
  prisma: PrismaClient;
  notifier: ChangeNotifier;
}

/**
 * Runs `work` in one transaction, gives it `record` to audit each change it makes, and after a
 * successful commit tells `notifier` about every affected environment (once, merged). If `work`
 * throws, nothing is written and nobody is notified. Services use this rather than calling
 * `$transaction` + `recordChange` + `notify` by hand, so none of the three can be forgotten.
 *
 * @example
 * const project = await inChangeTransaction(deps, async (tx, record) => {
 *   const created = await tx.project.create({ data });
 *   await record({ actor: principal, projectId: created.id, action: 'project.created', targetType: 'project',
 *     targetKey: created.key, after: created });
 *   return created;
 * });
 */
export async function inChangeTransaction<T>(
  deps: ChangeDeps,
  work: (tx: Prisma.TransactionClient, record: RecordFn) => Promise<T>,
): Promise<T> {
  const recorded: RecordedChange[] = [];
  const result = await deps.prisma.$transaction(
    async (tx) =>
      work(tx, async (input) => {
        const change = await recordChange(tx, input);
        recorded.push(change);
        return change;
      }),
    // Prisma's defaults (2 s to get a connection, 5 s in all) turn a burst of writes queueing on
    // one environment's row lock into failures; waiting a little longer is what a writer wants.
    TRANSACTION_LIMITS,
  );
  announceRecorded(deps.notifier, recorded);
  return result;
}

/**
 * Tells `notifier` about committed changes: each of them (`recorded`), and every affected environment once, at its latest
 * revision, with the flags and segments of all of them. Call it only after the commit. `entries`
 * (see `ChangeEvent.entries`) may only be given with a single change.
 */
export function announceRecorded(
  notifier: ChangeNotifier,
  recorded: readonly RecordedChange[],
  entries?: ChangeEntries,
): void {
  if (entries && recorded.length !== 1) throw new Error('announceRecorded: entries belong to exactly one change');
  notifier.recorded(recorded.map((change) => change.summary));
  const latest = new Map<string, number>();
  for (const { environmentId, revision } of recorded.flatMap((change) => change.revisions)) {
    latest.set(environmentId, Math.max(revision, latest.get(environmentId) ?? 0));
  }
  if (latest.size > 0) {
    const revisions: EnvironmentRevision[] = [...latest].map(([environmentId, revision]) => ({
      environmentId,
      revision,
    }));
    notifier.notify({
      environmentIds: revisions.map((entry) => entry.environmentId),
      revisions,
      flags: [...new Set(recorded.flatMap((change) => change.flags))],
      segments: [...new Set(recorded.flatMap((change) => change.segments))],
      ...(entries ? { entries } : {}),
    });
  }
}
