import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { SCHEMA_VERSION, type Snapshot, type SnapshotPatch } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { ServerMetrics } from '../propagation/metrics.js';
import { feedState, type FeedState } from './feed-state.js';
import { FeedStreams } from './feed-streams.js';
import { testFlag } from '../../test/helpers/snapshot-changes.js';

function snapshot(revision: number): Snapshot {
  return {
    schemaVersion: SCHEMA_VERSION,
    projectKey: 'shop',
    environmentKey: 'prod',
    revision,
    flags: [testFlag('launch', { clientSide: true })],
    segments: [],
  };
}

function state(revision: number): FeedState {
  const at = snapshot(revision);
  return feedState(at, at);
}

function patch(revision: number): SnapshotPatch {
  const { flags } = snapshot(revision);
  return { schemaVersion: SCHEMA_VERSION, revision, flags, deletedFlags: [], segments: [], deletedSegments: [] };
}

/** A response that records the events written to it, in order, and how many writes carried them. */
function recordingResponse(): { response: ServerResponse; events: string[]; writes: number[] } {
  const events: string[] = [];
  const writes: number[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const found = [...chunk.toString().matchAll(/^event: (\w+)\nid: (\d+)\ndata: (.*)\n\n/gm)];
      for (const [, event, id, data] of found) {
        // Each event whole: its data is the JSON of the patch of that revision.
        if (event === 'patch') expect((JSON.parse(data!) as SnapshotPatch).revision).toBe(Number(id));
        events.push(`${event} ${id}`);
      }
      writes.push(found.length);
      callback();
    },
  });
  return { response: writable as unknown as ServerResponse, events, writes };
}

const labels = { project: 'shop', environment: 'prod' };
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('fan-out to many streams', () => {
  it('writes a slice per turn of the event loop, so other work runs in between, and keeps each stream in order', async () => {
    const metrics = new ServerMetrics();
    const streams = new FeedStreams({ ringSize: 16, maxBufferedBytes: 1 << 20, metrics, fanoutSlice: 4 });
    const at1 = state(1);
    const clients = Array.from({ length: 10 }, () => recordingResponse());
    for (const client of clients)
      streams.open(client.response, 'server', 1, 'token', { state: at1, served: undefined, labels });

    streams.publish(1, [patch(2)], [patch(2)], state(2), undefined);
    // The first slice is written at once; the rest waits for the event loop.
    expect(clients.map((client) => client.events.length)).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(streams.pendingFanouts).toBe(1);

    // A second change arrives while the first is still being written: queued behind it.
    streams.publish(2, [patch(3)], [patch(3)], state(3), undefined);
    expect(streams.pendingFanouts).toBe(2);

    // Something else (a request) gets the event loop between slices.
    let answeredDuringFanout = false;
    setImmediate(() => (answeredDuringFanout = streams.pendingFanouts > 0));
    while (streams.pendingFanouts > 0) await nextTurn();
    expect(answeredDuringFanout).toBe(true);

    for (const client of clients) expect(client.events).toEqual(['patch 2', 'patch 3']);
    // The streams the first fan-out had reached got the second patch alone; the others got both in
    // one write (one packet instead of two when changes come faster than the fan-out writes).
    expect(clients.map((client) => client.writes)).toEqual([
      ...Array.from({ length: 4 }, () => [1, 1]),
      ...Array.from({ length: 6 }, () => [2]),
    ]);
    const total = async (counter: typeof metrics.streamPatches) => (await counter.get()).values[0]?.value;
    expect(await total(metrics.streamPatchWrites)).toBe(4 * 2 + 6);
    expect(await total(metrics.streamPatches)).toBe(10 * 2);
  });

  it('skips streams closed meanwhile and does not resend to a stream that opened with the newer state', async () => {
    const streams = new FeedStreams({
      ringSize: 16,
      maxBufferedBytes: 1 << 20,
      metrics: new ServerMetrics(),
      fanoutSlice: 1,
    });
    const at1 = state(1);
    const first = recordingResponse();
    const closing = recordingResponse();
    const connections = [first, closing].map((client) =>
      streams.open(client.response, 'server', 1, 'token', { state: at1, served: undefined, labels }),
    );
    const at2 = state(2);
    streams.publish(1, [patch(2)], [patch(2)], at2, undefined);
    connections[1]!.close('server');
    // Opened after the change was published: the ring already holds patch 2.
    const late = recordingResponse();
    streams.open(late.response, 'server', 1, 'token', { state: at2, served: undefined, labels });
    while (streams.pendingFanouts > 0) await nextTurn();

    expect(first.events).toEqual(['patch 2']);
    expect(closing.events).toEqual([]);
    expect(late.events).toEqual(['patch 2']);
  });

  it('sends a stream behind the first queued run the newest state whole, once, and nothing after it', async () => {
    const streams = new FeedStreams({
      ringSize: 16,
      maxBufferedBytes: 1 << 20,
      metrics: new ServerMetrics(),
      fanoutSlice: 1,
    });
    const at1 = state(1);
    const reachedFirst = recordingResponse();
    const behind = recordingResponse();
    streams.open(reachedFirst.response, 'server', 1, 'token', { state: at1, served: undefined, labels });
    // Both hold revision 1 (one resumed at it, one got its put); revision 2 came as a whole state.
    streams.open(behind.response, 'server', undefined, 'token', {
      state: at1,
      served: undefined,
      labels,
    });
    streams.publish(2, [patch(3)], [patch(3)], state(3), undefined);
    streams.publish(3, [patch(4)], [patch(4)], state(4), undefined);
    while (streams.pendingFanouts > 0) await nextTurn();

    // Both at 1, behind the runs (from 2): the first slice, written before the second change came,
    // got the state of then whole and the next patch; the stream reached after both were queued
    // got the newest state whole, and the second run did not write to it again.
    expect(reachedFirst.events).toEqual(['put 3', 'patch 4']);
    expect(behind.events).toEqual(['put 1', 'put 4']);
  });
});
