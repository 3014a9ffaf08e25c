import { SCHEMA_VERSION, type Flag, type Snapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { snapshotFromHash } from '../../../sdk-node/src/redis-keys.js';
import { RedisBus } from '../../src/propagation/redis-bus.js';
import { snapshotHashKey } from '../../src/propagation/snapshot-hash.js';
import { freePort, RedisProcess } from './support/processes.js';
import { until } from './support/replica.js';
import { readSnapshotKey } from './support/snapshot-key.js';
import { canonicalSnapshot } from './support/sse-client.js';

const FLAGS = 1_000;

/** A flag of ~300 bytes of JSON. */
function flag(index: number, version: number): Flag {
  return {
    key: `flag-${String(index).padStart(5, '0')}`,
    type: 'boolean',
    variants: [
      { key: 'on', value: true },
      { key: 'off', value: false },
    ],
    enabled: version % 2 === 1,
    offVariant: 'off',
    defaultServe: { variant: 'on' },
    rules: [
      {
        id: 'nordics',
        conditions: [{ attribute: 'country', operator: 'in', values: ['NO', 'SE', 'DK'] }],
        segments: [],
        rollout: { percentage: index },
        serve: { variant: 'on' },
      },
    ],
    prerequisites: [],
    version,
  } as unknown as Flag;
}

/**
 * The history the tests write: revision 1 has every flag at version 0; revision R > 1 is revision
 * R-1 with flag (R mod FLAGS) at version R, as a new object (the rest shared, as the feeds build
 * revisions). So the whole snapshot at any revision is known, and entries of another revision
 * show.
 */
function history(revisions: number): Snapshot[] {
  let current: Snapshot = {
    schemaVersion: SCHEMA_VERSION,
    projectKey: 'shop',
    environmentKey: 'prod',
    revision: 1,
    flags: Array.from({ length: FLAGS }, (_, index) => flag(index, 0)),
    segments: [{ key: 'beta', conditions: [{ attribute: 'plan', operator: 'in', values: ['beta'] }] }],
  };
  const snapshots = [current];
  for (let revision = 2; revision <= revisions; revision++) {
    const flags = [...current.flags];
    flags[revision % FLAGS] = flag(revision % FLAGS, revision);
    current = { ...current, revision, flags };
    snapshots.push(current);
  }
  return snapshots;
}

/** Bytes Redis received since `since` (its own INFO requests are a few dozen bytes). */
async function inputBytes(redis: Redis): Promise<number> {
  return Number(/total_net_input_bytes:(\d+)/.exec(await redis.info('stats'))![1]);
}

/** Calls of a command since the last CONFIG RESETSTAT (Lua's redis.call counts too). */
async function calls(redis: Redis, command: string): Promise<number> {
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(await redis.info('commandstats'));
  return match ? Number(match[1]) : 0;
}

/**
 * The Redis representation of snapshots (snapshot-hash.ts) on a real Redis, through the store two
 * replicas' buses use: changes are written as the entries they changed, one write lands per
 * revision however many replicas write it, a writer that missed revisions writes the whole
 * snapshot, and a reader never sees a revision with entries of another.
 */
describe('the snapshot hash in Redis', () => {
  let redis: RedisProcess;
  let reader: Redis;
  let a: RedisBus;
  let b: RedisBus;
  const snapshots = history(150);
  const json = new Map<number, string>();
  const expectedJson = (revision: number) => {
    let text = json.get(revision);
    if (text === undefined) json.set(revision, (text = JSON.stringify(at(revision))));
    return text;
  };
  const at = (revision: number) => snapshots[revision - 1]!;
  const key = snapshotHashKey('shop', 'prod');

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    reader = new Redis(redis.url);
    a = new RedisBus({ url: redis.url });
    b = new RedisBus({ url: redis.url });
    await until(async () => (await reader.client('LIST')).split('\n').length >= 5, 'both buses connected');
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    reader?.disconnect();
    await redis?.stop();
  });

  beforeEach(async () => {
    await reader.del(key);
  });

  it('writes a change as the entries it changed, not the whole snapshot', async () => {
    await reader.set('switchyard:snapshot:shop:prod', '{"revision":1}'); // the layout before the hash
    await a.snapshots.set(at(1));
    expect(await reader.exists('switchyard:snapshot:shop:prod')).toBe(0); // deleted, not left to go stale
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(at(1)));
    const before = await inputBytes(reader);
    const toggles = 50;
    for (let revision = 2; revision <= toggles + 1; revision++) await a.snapshots.set(at(revision), at(revision - 1));
    const perToggle = ((await inputBytes(reader)) - before) / toggles;
    const whole = JSON.stringify(at(toggles + 1)).length;
    process.stdout.write(
      `snapshot hash at ${FLAGS} flags: ${Math.round(perToggle)} B written per toggle (whole snapshot ${whole} B)\n`,
    );
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(at(toggles + 1)));
    expect(perToggle).toBeLessThan(whole / 50); // the old layout wrote `whole` (and more) every time
  });

  it('lands one write per revision when two replicas write every revision at once', async () => {
    await a.snapshots.set(at(1));
    await reader.config('RESETSTAT');
    for (let revision = 2; revision <= 60; revision++) {
      await Promise.all([
        a.snapshots.set(at(revision), at(revision - 1)),
        b.snapshots.set(at(revision), at(revision - 1)),
      ]);
    }
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(at(60)));
    // A landed delta sets the changed flag and the revision: two HSETs, once per revision.
    expect(await calls(reader, 'hset')).toBe(2 * 59);
  });

  it('writes the whole snapshot when the writer missed revisions, and never goes back', async () => {
    await a.snapshots.set(at(1));
    for (let revision = 2; revision <= 5; revision++) await a.snapshots.set(at(revision), at(revision - 1));
    // B last wrote revision 3 (it missed 4 and 5): its delta from 3 must not land on 5.
    await b.snapshots.set(at(7), at(3));
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(at(7)));
    await a.snapshots.set(at(6), at(5)); // late: refused
    await a.snapshots.set(at(6)); // late and whole: refused too
    expect((await readSnapshotKey(reader))!.revision).toBe(7);
    // A's write of revision 8 was lost (Redis restarted, say): its delta from 8 must not land on 7.
    await a.snapshots.set(at(10), at(8));
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(at(10)));
  });

  it('lands a delta over revisions other writers landed after its base, unless they changed the order', async () => {
    await a.snapshots.set(at(1));
    for (let revision = 2; revision <= 5; revision++) await a.snapshots.set(at(revision), at(revision - 1));
    await reader.config('RESETSTAT');
    // B coalesced 4 to 7 (its previous write was 3): its delta holds 4 and 5's flags too.
    await b.snapshots.set(at(7), at(3));
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(at(7)));
    expect(await calls(reader, 'hset')).toBe(4 + 1); // four flags and the revision, not 1,000 flags
    // A adds a flag at 8 (the order changes): B's delta from 7 to 9 knows nothing of it.
    const added: Snapshot = { ...at(8), flags: [...at(8).flags, flag(FLAGS, 8)] };
    await a.snapshots.set(added, at(7));
    const nine: Snapshot = { ...at(9), flags: [...at(9).flags, flag(FLAGS, 8)] };
    await b.snapshots.set(at(9), at(7)); // refused as a delta, written whole: without the added flag
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(at(9)));
    await a.snapshots.set(nine, added); // A's own revision 9 is refused (B's is there), as any late write
    expect((await readSnapshotKey(reader))!.flags).toHaveLength(FLAGS);
  });

  it('refuses a delta that adds or deletes entries without the new key order', async () => {
    await a.snapshots.set(at(1));
    const base = {
      projectKey: 'shop',
      environmentKey: 'prod',
      base: 1,
      revision: 2,
      segments: [],
      deletedSegments: [],
      covering: true,
    };
    expect(await a.snapshots.update({ ...base, flags: [flag(FLAGS, 2)], deletedFlags: [] })).toBe(false);
    expect(await a.snapshots.update({ ...base, flags: [], deletedFlags: ['flag-00001'] })).toBe(false);
    expect((await readSnapshotKey(reader))!.revision).toBe(1);
    // With the order, as a replica's feed sends it: applied, in that order.
    const added: Snapshot = { ...at(1), revision: 2, flags: [...at(1).flags.slice(2), flag(FLAGS, 2)] };
    await a.snapshots.set(added, at(1));
    expect(canonicalSnapshot((await readSnapshotKey(reader))!)).toBe(canonicalSnapshot(added));
    expect((await readSnapshotKey(reader))!.flags.map((entry) => entry.key)).toEqual(added.flags.map((f) => f.key));
  });

  it('never gives a reader the revision of one write with entries of another', async () => {
    await a.snapshots.set(at(1));
    let writing = true;
    let reads = 0;
    const torn: string[] = [];
    const readLoop = (async () => {
      while (writing) {
        // What sdk-node's direct Redis mode does: one HGETALL, decoded.
        const read = snapshotFromHash(await reader.hgetall(key)) as Snapshot;
        reads++;
        // The layout keeps the order and each entry's JSON, so a whole snapshot reads back byte-equal.
        if (JSON.stringify(read) !== expectedJson(read.revision)) torn.push(`revision ${read.revision}`);
      }
    })();
    // Two replicas, each writing every other revision (so each one's previous is two behind: whole
    // snapshots and deltas both land while the reader reads).
    const writer = async (bus: RedisBus, parity: number) => {
      for (let revision = 2 + parity; revision <= 150; revision += 2) {
        await bus.snapshots.set(at(revision), at(revision - 1));
      }
    };
    await Promise.all([writer(a, 0), writer(b, 1)]);
    writing = false;
    await readLoop;
    process.stdout.write(`snapshot hash: ${reads} reads while 149 revisions were written, ${torn.length} torn\n`);
    expect(reads).toBeGreaterThan(10);
    expect(torn).toEqual([]);
    expect((await readSnapshotKey(reader))!.revision).toBe(150);
  }, 60_000);
});
