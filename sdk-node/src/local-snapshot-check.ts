import type { Snapshot } from '@switchyard/core';
import { withoutRefusedRegexes } from '@switchyard/core/regex-check';
import type { Logger } from './logger.js';

/**
 * A snapshot read from a bootstrap or a cache file, with every `regex` pattern the server's write
 * path would refuse taken out (each named in a warning): such a file may come from an older server
 * or a hand edit, and one catastrophic pattern can block the event loop for seconds per
 * evaluation. Snapshots from the server itself were checked when written. A removed pattern is
 * ignored like an invalid one (spec: "Regex safety"). Anything that is not an object is returned
 * as is, for the store to reject.
 */
export function checkLocalSnapshot(value: unknown, source: string, log: Required<Logger>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    const { snapshot, refused } = withoutRefusedRegexes(value as Snapshot);
    for (const { where, pattern, problem } of refused) {
      log.warn(`switchyard: ignored the regex ${JSON.stringify(pattern)} of ${where} in ${source}: pattern ${problem}`);
    }
    return snapshot;
  } catch {
    return value; // not snapshot-shaped: the store decides
  }
}
