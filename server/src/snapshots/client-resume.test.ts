import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { SCHEMA_VERSION, type Flag, type Snapshot, type SnapshotPatch } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { ServerMetrics } from '../propagation/metrics.js';
import { EnvironmentFeed } from './environment-feed.js';
import type { BuiltSnapshot } from './snapshot-builder.js';
import { testFlag } from '../../test/helpers/snapshot-changes.js';

const flag = (key: string, clientSide: boolean) => testFlag(key, { clientSide });

function snapshot(revision: number, flags: Flag[]): Snapshot {
  return { schemaVersion: SCHEMA_VERSION, projectKey: 'shop', environmentKey: 'prod', revision, flags, segments: [] };
}

/** A response that records what is written to it. */
function recordingResponse(): { response: ServerResponse; frames: string[] } {
  const frames: string[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      frames.push(chunk.toString());
      callback();
    },
  });
  return { response: writable as unknown as ServerResponse, frames };
}

/**
 * A replica that catches up several revisions at once builds client patches for a stream at the
 * start of that run: they name only what the client views at both ends hold. A client view in
 * between (revision 2 below, where `launch` was client-side, held by a browser that got it from
 * another replica) would need a deletion those patches cannot name without naming server-only
 * keys to everyone else, so such a stream resumes with a put.
 */
describe('client streams resuming inside a run of patches', () => {
  it('get a put; at the start of the run, the patches; server streams always the patches', async () => {
    const builds: BuiltSnapshot[] = [
      { environmentId: 'env', snapshot: snapshot(1, [flag('launch', false)]), hints: [] },
      {
        environmentId: 'env',
        snapshot: snapshot(3, [flag('launch', false)]),
        hints: [
          { revision: 2, flags: ['launch'], segments: [], committedAt: new Date() },
          { revision: 3, flags: ['launch'], segments: [], committedAt: new Date() },
        ],
      },
    ];
    const feed = new EnvironmentFeed('env', {
      build: async () => builds.shift() ?? null,
      buildChanged: async () => null,
      describe: async () => null,
      cache: undefined,
      metrics: new ServerMetrics(),
      ringSize: 16,
      maxBufferedBytes: 1 << 20,
      onError: (error) => {
        throw error;
      },
      onKeys: () => {},
      onGone: () => {},
    });
    await feed.ready();
    feed.notice(3, 'check'); // a run of two revisions, read at once
    await feed.refresh();
    expect(feed.state?.revision).toBe(3);

    const events = (frames: string[]) =>
      frames.map((frame) => /^event: (\w+)\nid: (\d+)/.exec(frame)?.slice(1).join(' '));
    const inside = recordingResponse();
    feed.attach(inside.response, 'client', 2, 'token');
    expect(events(inside.frames)).toEqual(['put 3']);
    expect(inside.frames.join('')).not.toContain('launch');

    const atStart = recordingResponse();
    feed.attach(atStart.response, 'client', 1, 'token');
    expect(events(atStart.frames)).toEqual(['patch 2', 'patch 3']);
    expect(atStart.frames.join('')).not.toContain('launch'); // never in the client view at 1 or 3

    const server = recordingResponse();
    feed.attach(server.response, 'server', 2, 'token');
    expect(events(server.frames)).toEqual(['patch 3']);
    feed.closeAll();
  });
});

/**
 * The privacy fuzzer's counterexample, made deterministic: `secret-merger` was created client-side
 * (revision 3); revisions 4 (it became server-only) and 5 (a segment no client-side flag uses was
 * deleted) were written concurrently, and this replica read them at once. Its client streams held
 * `secret-merger` at 3: patch 4 deletes it, and patch 5 must not delete it again (the stream no
 * longer holds it; the run's last patch also carries every key the views at 3 and 5 differ on).
 */
describe('client streams sent a run of patches', () => {
  it('are sent a deletion once, only of a key they hold', async () => {
    const segment = { key: 'seg-vip', conditions: [] };
    const builds: BuiltSnapshot[] = [
      {
        environmentId: 'env',
        snapshot: { ...snapshot(3, [flag('secret-merger', true)]), segments: [segment] },
        hints: [],
      },
      {
        environmentId: 'env',
        snapshot: snapshot(5, [flag('secret-merger', false)]),
        hints: [
          { revision: 4, flags: ['secret-merger'], segments: [], committedAt: new Date() },
          { revision: 5, flags: [], segments: ['seg-vip'], committedAt: new Date() },
        ],
      },
    ];
    const feed = new EnvironmentFeed('env', {
      build: async () => builds.shift() ?? null,
      buildChanged: async () => null,
      describe: async () => null,
      cache: undefined,
      metrics: new ServerMetrics(),
      ringSize: 16,
      maxBufferedBytes: 1 << 20,
      onError: (error) => {
        throw error;
      },
      onKeys: () => {},
      onGone: () => {},
    });
    await feed.ready();
    const live = recordingResponse();
    feed.attach(live.response, 'client', undefined, 'token');
    feed.notice(5, 'message'); // a run of two revisions, read at once
    await feed.refresh();
    const resumed = recordingResponse();
    feed.attach(resumed.response, 'client', 3, 'token');

    // A run of patches may come in one write (see FeedStreams): one SSE event per blank-line block.
    const deletions = (frames: string[]) =>
      frames
        .flatMap((frame) => frame.split('\n\n').filter((event) => event !== ''))
        .filter((frame) => frame.startsWith('event: patch'))
        .map((frame) => {
          const patch = JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) as SnapshotPatch;
          return [patch.revision, [...patch.deletedFlags, ...patch.deletedSegments]];
        });
    expect(deletions(live.frames)).toEqual([
      [4, ['secret-merger']],
      [5, []],
    ]);
    expect(deletions(resumed.frames)).toEqual(deletions(live.frames));
    feed.closeAll();
  });
});
