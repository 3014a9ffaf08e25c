import { SCHEMA_VERSION, type Flag, type Snapshot } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { parseChangeMessage } from '../propagation/change-message.js';
import { ServerMetrics } from '../propagation/metrics.js';
import { EnvironmentFeed } from './environment-feed.js';
import type { BuiltSnapshot, ChangedEntries } from './snapshot-builder.js';
import { onFlag } from '../../../core/test/fixtures.js';

const flag = (key: string, clientSide: boolean, enabled: boolean, version: number): Flag =>
  onFlag(key, { enabled, version, clientSide });

const snapshot = (revision: number, flags: Flag[]): Snapshot => ({
  schemaVersion: SCHEMA_VERSION,
  projectKey: 'shop',
  environmentKey: 'prod',
  revision,
  flags,
  segments: [],
});

const hint = (revision: number, flags: string[]) => ({ revision, flags, segments: [], committedAt: new Date() });

/**
 * Another replica's toggle, announced with its entries (ChangeMessage.entries): a replica at the
 * revision before applies it without a database read, its client view stays filtered, and
 * anything it cannot apply in place (a gap) still reloads from the database.
 */
describe('a change announced with its entries', () => {
  function feedOver(database: { builds: BuiltSnapshot[]; changed: ChangedEntries[] }) {
    const reads = { build: 0, changed: 0 };
    const feed = new EnvironmentFeed('env', {
      build: async () => (reads.build++, database.builds.shift() ?? null),
      buildChanged: async () => (reads.changed++, database.changed.shift() ?? null),
      describe: async () => null,
      cache: undefined,
      metrics: new ServerMetrics({ defaultMetrics: false }),
      ringSize: 16,
      maxBufferedBytes: 1 << 20,
      onError: (error) => {
        throw error;
      },
      onKeys: () => {},
      onGone: () => {},
    });
    return { feed, reads };
  }

  it('is applied in place without reading the database, and the client view keeps server-only flags out', async () => {
    const start = snapshot(1, [flag('public', true, true, 1), flag('secret', false, true, 1)]);
    const { feed, reads } = feedOver({ builds: [{ environmentId: 'env', snapshot: start, hints: [] }], changed: [] });
    await feed.ready();
    expect(reads).toEqual({ build: 1, changed: 0 });
    // What a receiving replica gets from the bus (the message as published, parsed).
    const message = parseChangeMessage(
      JSON.stringify({
        projectKey: 'shop',
        environmentKey: 'prod',
        revision: 2,
        changed: { flags: ['secret'], segments: [] },
        entries: { flags: [flag('secret', false, false, 2)], segments: [] },
      }),
    )!;
    feed.noticeAnnounced(2, { hint: hint(2, ['secret']), ...message.entries! });
    expect(feed.state?.revision).toBe(2);
    expect(feed.state?.snapshot.flags.find((entry) => entry.key === 'secret')?.enabled).toBe(false);
    expect(feed.state?.client.flags.map((entry) => entry.key)).toEqual(['public']);
    expect(reads).toEqual({ build: 1, changed: 0 });
    feed.closeAll();
  });

  it('after a gap, reloads from the database instead', async () => {
    const start = snapshot(1, [flag('public', true, true, 1)]);
    const at4 = snapshot(4, [flag('public', true, false, 4)]);
    const { feed, reads } = feedOver({
      builds: [
        { environmentId: 'env', snapshot: start, hints: [] },
        { environmentId: 'env', snapshot: at4, hints: [hint(2, ['public']), hint(3, ['public']), hint(4, ['public'])] },
      ],
      changed: [],
    });
    await feed.ready();
    feed.noticeAnnounced(4, { hint: hint(4, ['public']), flags: [flag('public', true, false, 4)], segments: [] });
    await feed.refresh();
    expect(feed.state?.revision).toBe(4);
    expect(reads.build).toBe(2); // the gap made it a full read
    feed.closeAll();
  });

  it('is ignored when malformed: the message is still a hint', () => {
    const parsed = parseChangeMessage(
      JSON.stringify({
        projectKey: 'shop',
        environmentKey: 'prod',
        revision: 2,
        entries: { flags: [1], segments: [] },
      }),
    );
    expect(parsed).toMatchObject({ revision: 2 });
    expect(parsed?.entries).toBeUndefined();
  });
});
