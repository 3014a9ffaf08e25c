import { SCHEMA_VERSION, type Flag, type Snapshot } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { snapshotFromHash } from '../../../sdk-node/src/redis-keys.js';
import { decodeSnapshotHash, fullWriteArgs, snapshotDelta } from './snapshot-hash.js';

const flag = (key: string, version = 1): Flag =>
  ({ key, type: 'boolean', enabled: version % 2 === 1, offVariant: 'off', version }) as unknown as Flag;

const base: Snapshot = {
  schemaVersion: SCHEMA_VERSION,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision: 4,
  flags: [flag('b'), flag('a'), flag('c')], // Postgres's order, not JS's: kept as is
  segments: [{ key: 'beta', conditions: [] }],
};

/** The hash fields a whole write of `snapshot` leaves (what HGETALL then returns). */
function hashOf(snapshot: Snapshot): Record<string, string> {
  const [revision, head, flags, segments, ...pairs] = fullWriteArgs(snapshot);
  const fields: Record<string, string> = { revision: revision!, ordered: revision!, head: head!, flags: flags! };
  fields['segments'] = segments!;
  for (let index = 0; index < pairs.length; index += 2) fields[pairs[index]!] = pairs[index + 1]!;
  return fields;
}

describe('the snapshot hash layout', () => {
  it('reads back the very snapshot JSON, in its order, on the server and in sdk-node', () => {
    const fields = hashOf(base);
    expect(JSON.stringify(decodeSnapshotHash(fields))).toBe(JSON.stringify(base));
    expect(JSON.stringify(snapshotFromHash(fields))).toBe(JSON.stringify(base));
  });

  it('is not a snapshot when the order names an entry the hash lacks, or the hash is missing', () => {
    const fields = hashOf(base);
    delete fields['f:a'];
    expect(decodeSnapshotHash(fields)).toBeUndefined();
    expect(snapshotFromHash(fields)).toBeUndefined();
    expect(decodeSnapshotHash({})).toBeUndefined();
    expect(snapshotFromHash({})).toBeNull();
  });

  it('holds only the entries that changed, by identity, and no order when none was added or removed', () => {
    const next = { ...base, revision: 5, flags: [base.flags[0]!, flag('a', 2), base.flags[2]!] };
    expect(snapshotDelta(base, next)).toEqual({
      ...{ projectKey: 'shop', environmentKey: 'prod', base: 4, revision: 5, covering: true },
      ...{ flags: [flag('a', 2)], segments: [], deletedFlags: [], deletedSegments: [] },
      ...{ flagOrder: undefined, segmentOrder: undefined },
    });
  });

  it('leaves out an entry equal by JSON but says it is then not covering', () => {
    const rebuilt = { ...base, revision: 6, flags: base.flags.map((entry) => ({ ...entry })) };
    const delta = snapshotDelta(base, rebuilt)!;
    expect(delta.flags).toEqual([]);
    expect(delta.covering).toBe(false);
  });

  it('gives the new order with additions and deletions', () => {
    const next = { ...base, revision: 5, flags: [base.flags[0]!, flag('aa'), base.flags[2]!] };
    const delta = snapshotDelta(base, next)!;
    expect(delta.flags).toEqual([flag('aa')]);
    expect(delta.deletedFlags).toEqual(['a']);
    expect(delta.flagOrder).toEqual(['b', 'aa', 'c']);
    expect(snapshotDelta(next, base)).toBeUndefined(); // not newer
  });
});
