import type { Prisma } from '../../generated/prisma/client.js';

/**
 * First key of the two-key advisory lock (an arbitrary constant, "SW" + 2). Two-key advisory locks
 * are a separate space from the one-key ones the server takes elsewhere (bootstrap, outbox).
 */
const PREREQUISITE_GRAPH_LOCK_CLASS = 0x5357_0002;

/**
 * Serializes the cycle check of prerequisite writes in one environment, across replicas: held until
 * the transaction ends, so a concurrent write adding the opposite edge reads the graph only after
 * this one has committed (or rolled back), and finds the cycle. Without it, `x → y` and `y → x`
 * written at once each read the graph without the other's edge and both landed.
 *
 * Lock order: taken after the flag rows (FOR SHARE) and the configuration row (FOR UPDATE), before
 * the environment rows the change record locks; a transaction holding it locks no further flag or
 * configuration rows. Writes of several environments (restore-all) take it in environment-id order,
 * the order they visit configurations in, so two of them cannot deadlock. Writes without
 * prerequisites (the toggle fast path) never take it.
 */
export async function lockPrerequisiteGraph(tx: Prisma.TransactionClient, environmentId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${PREREQUISITE_GRAPH_LOCK_CLASS}::int4, hashtext(${environmentId}))`;
}
