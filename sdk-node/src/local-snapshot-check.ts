import type { Snapshot } from '@switchyard/core';
import { type RefusedRegex, withoutRefusedRegexes, withoutRefusedRegexesAsync } from '@switchyard/core/regex-check';
import type { Logger } from './logger.js';

/**
 * A snapshot read from a bootstrap or a cache file, with every `regex` pattern the server's write
 * path would refuse taken out (each named in a warning): such a file may come from an older server
 * or a hand edit, and one catastrophic pattern can block the event loop for seconds per
 * evaluation. Snapshots from the server itself were checked when written. A removed pattern is
 * ignored like an invalid one (spec: "Regex safety"). Anything that is not an object is returned
 * as is, for the store to reject.
 *
 * Synchronous, so it blocks while recheck analyses the file's patterns (1–20 ms each, once per
 * pattern): only for the bootstrap, which `createClient` applies before it returns so that
 * `isEnabled` answers from it at once. The cache file uses {@link checkLocalSnapshotAsync}.
 */
export function checkLocalSnapshot(value: unknown, source: string, log: Required<Logger>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    const { snapshot, refused } = withoutRefusedRegexes(value as Snapshot);
    warnRefused(refused, source, log);
    return snapshot;
  } catch {
    return value; // not snapshot-shaped: the store decides
  }
}

/** {@link checkLocalSnapshot} without blocking the event loop (recheck runs outside it). */
export async function checkLocalSnapshotAsync(value: unknown, source: string, log: Required<Logger>): Promise<unknown> {
  if (typeof value !== 'object' || value === null) return value;
  try {
    const { snapshot, refused } = await withoutRefusedRegexesAsync(value as Snapshot);
    warnRefused(refused, source, log);
    return snapshot;
  } catch {
    return value; // not snapshot-shaped: the store decides
  }
}

function warnRefused(refused: RefusedRegex[], source: string, log: Required<Logger>): void {
  for (const { where, pattern, problem } of refused) {
    log.warn(`switchyard: ignored the regex ${JSON.stringify(pattern)} of ${where} in ${source}: pattern ${problem}`);
  }
}
