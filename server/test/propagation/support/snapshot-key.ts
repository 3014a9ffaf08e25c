import type { Snapshot } from '@switchyard/core';
import type { Redis } from 'ioredis';
import {
  decodeSnapshotHash,
  fullWriteArgs,
  legacySnapshotKey,
  snapshotHashKey,
  WRITE_FULL,
} from '../../../src/propagation/snapshot-hash.js';

/** The environment's snapshot in Redis as a direct-Redis SDK reads it (undefined: missing or incomplete). */
export async function readSnapshotKey(
  redis: Redis,
  projectKey = 'shop',
  environmentKey = 'prod',
): Promise<Snapshot | undefined> {
  return decodeSnapshotHash(await redis.hgetall(snapshotHashKey(projectKey, environmentKey)));
}

/** Replaces the environment's snapshot in Redis, whatever revision it holds (another replica's write). */
export async function replaceSnapshotKey(redis: Redis, snapshot: Snapshot): Promise<void> {
  const key = snapshotHashKey(snapshot.projectKey, snapshot.environmentKey);
  await redis.del(key);
  await redis.eval(
    WRITE_FULL,
    2,
    key,
    legacySnapshotKey(snapshot.projectKey, snapshot.environmentKey),
    ...fullWriteArgs(snapshot),
  );
}
