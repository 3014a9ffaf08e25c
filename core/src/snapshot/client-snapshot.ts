import type { Snapshot } from '../model/flag.js';

/**
 * The part of a snapshot a browser (client-side token) may see: flags with `clientSide: true`, and
 * only the segments their rules reference. Server-only flags and their targeting never leave.
 */
export function toClientSnapshot(snapshot: Snapshot): Snapshot {
  const flags = snapshot.flags.filter((flag) => flag.clientSide === true);
  const referenced = new Set<string>();
  for (const flag of flags) {
    for (const rule of flag.rules) for (const key of rule.segments) referenced.add(key);
  }
  return {
    schemaVersion: snapshot.schemaVersion,
    projectKey: snapshot.projectKey,
    environmentKey: snapshot.environmentKey,
    revision: snapshot.revision,
    flags,
    segments: snapshot.segments.filter((segment) => referenced.has(segment.key)),
  };
}
