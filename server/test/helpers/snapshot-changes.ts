import type { Flag, Segment, Snapshot } from '@switchyard/core';
import fc from 'fast-check';

/** What a test flag looks like beyond its key; every field has a default. */
export interface TestFlagOptions {
  enabled?: boolean;
  clientSide?: boolean;
  /** A segment its one rule uses (no rules without). */
  segment?: string | undefined;
  version?: number;
}

/**
 * A boolean flag (variants on/off, `on` by default) as snapshots carry it: the one fixture of the
 * snapshot tests (client views, patches, client stream resumes).
 */
export function testFlag(key: string, options: TestFlagOptions = {}): Flag {
  const { enabled = true, clientSide = false, segment, version = 1 } = options;
  return {
    key,
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    enabled,
    offVariant: 'off',
    defaultServe: { variant: 'on' },
    rules: segment ? [{ id: 'r1', conditions: [], segments: [segment], serve: { variant: 'on' } }] : [],
    prerequisites: [],
    version,
    clientSide,
  };
}

/** A segment whose conditions changed to match `value` (each change is a new value). */
export const changedSegment = (key: string, value: string): Segment => ({
  key,
  conditions: [{ attribute: 'x', operator: 'in', values: [value] }],
});

/**
 * One change of an environment: a flag set to a random state (or deleted, when `present` is
 * false and the test deletes), or a segment's conditions changed.
 */
export const snapshotChangeArbitrary = (flagKeys: readonly string[], segmentKeys: readonly string[]) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flag' as const),
      key: fc.constantFrom(...flagKeys),
      present: fc.boolean(),
      enabled: fc.boolean(),
      clientSide: fc.boolean(),
      segment: fc.option(fc.constantFrom(...segmentKeys), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('segment' as const), key: fc.constantFrom(...segmentKeys), value: fc.string() }),
  );
export type SnapshotChange = fc.infer<ReturnType<typeof snapshotChangeArbitrary>>;

/** JSON with entries in key order: a patch appends new entries, the server orders them by key. */
export function canonicalJson(snapshot: Snapshot): string {
  return JSON.stringify({
    ...snapshot,
    flags: [...snapshot.flags].sort((x, y) => x.key.localeCompare(y.key)),
    segments: [...snapshot.segments].sort((x, y) => x.key.localeCompare(y.key)),
  });
}
