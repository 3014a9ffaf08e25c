import { z } from 'zod';
import { SCHEMA_VERSION, type Segment, type Snapshot, type SnapshotPatch } from '../model/flag.js';
import { conditionSchema } from './condition.js';
import { flagSchema } from './flag.js';

const key = z.string().min(1);
const revision = z.number().int().min(0);

export const segmentSchema: z.ZodType<Segment> = z.object({ key, conditions: z.array(conditionSchema) });

type IssueSink = { addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[] }): void };

function checkUniqueKeys(items: readonly { key: string }[], what: string, path: string, ctx: IssueSink): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.key))
      ctx.addIssue({ code: 'custom', message: `duplicate ${what} "${item.key}"`, path: [path, index] });
    seen.add(item.key);
  });
}

/** A whole snapshot: valid flags and segments, unique keys, and every rule's segments present. */
export const snapshotSchema: z.ZodType<Snapshot> = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    projectKey: key,
    environmentKey: key,
    revision,
    flags: z.array(flagSchema),
    segments: z.array(segmentSchema),
  })
  .superRefine((snapshot, ctx) => {
    checkUniqueKeys(snapshot.flags, 'flag key', 'flags', ctx);
    checkUniqueKeys(snapshot.segments, 'segment key', 'segments', ctx);
    const segmentKeys = new Set(snapshot.segments.map((segment) => segment.key));
    snapshot.flags.forEach((flag, flagIndex) => {
      flag.rules.forEach((rule, ruleIndex) => {
        rule.segments.forEach((segmentKey, index) => {
          if (!segmentKeys.has(segmentKey)) {
            ctx.addIssue({
              code: 'custom',
              message: `unknown segment "${segmentKey}"`,
              path: ['flags', flagIndex, 'rules', ruleIndex, 'segments', index],
            });
          }
        });
      });
    });
  });

/**
 * A patch: valid flags and segments with unique keys. Segment references are not checked here since
 * they may point into the snapshot the patch applies to.
 */
export const snapshotPatchSchema: z.ZodType<SnapshotPatch> = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION),
    revision,
    flags: z.array(flagSchema),
    deletedFlags: z.array(key),
    segments: z.array(segmentSchema),
    deletedSegments: z.array(key),
  })
  .superRefine((patch, ctx) => {
    checkUniqueKeys(patch.flags, 'flag key', 'flags', ctx);
    checkUniqueKeys(patch.segments, 'segment key', 'segments', ctx);
  });
