import type { Snapshot } from '@switchyard/core';
import { entryJson } from './entry-positions.js';

/**
 * `JSON.stringify(snapshot)`, byte for byte, from the cached JSON of each flag and segment: a
 * revision that changed one of 10,000 flags stringifies that one flag, and the rest is a join of
 * strings made before (the whole-snapshot stringify was the largest cost of a toggle).
 */
export function snapshotJson(snapshot: Snapshot): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(snapshot) as [string, unknown][]) {
    if (value === undefined || typeof value === 'function') continue;
    const json =
      (key === 'flags' || key === 'segments') && Array.isArray(value)
        ? `[${(value as object[]).map(entryJson).join(',')}]`
        : JSON.stringify(value);
    parts.push(`${JSON.stringify(key)}:${json}`);
  }
  return `{${parts.join(',')}}`;
}
