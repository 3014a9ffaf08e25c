import { toClientSnapshot, type Snapshot, type SnapshotPatch } from '@switchyard/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../src/snapshots/snapshot-builder.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';
import { AdminApi } from './support/api.js';
import { freePort, RedisProcess } from './support/processes.js';
import { startReplica, type Replica } from './support/replica.js';
import { canonicalSnapshot, SseClient } from './support/sse-client.js';

/**
 * A client token is public: whatever a browser receives on its stream or from the snapshot
 * endpoint must name only flags and segments of its client view. Random sequences of writes (flag
 * creation, toggles, clientSide flips, archive/unarchive/delete, segment creation, edits, use and
 * deletion; some of them concurrent) run on one replica while client streams listen there and on
 * a second replica that hears of the writes on the bus (and may catch up several revisions at
 * once); one more stream resumes mid-way on the second replica, with Last-Event-ID, from what the
 * first sent. Afterwards every frame, and every snapshot the endpoint served, is checked:
 * - no name appears that was never in the client view: not after any write (read from the
 *   database), nor possibly in between the writes of a burst (a flag made client-side, a segment
 *   such a flag used);
 * - a patch deletes only keys the stream holds, upserts only client-side flags and segments;
 * - the stream ends at exactly the client view of the database, like the snapshot endpoint;
 * - a usage report answers for server-only flags exactly as for keys that never existed.
 */

/** Sequences per run (default 25; 100 take about half a minute); the time limit grows with it. */
const RUNS = Number(process.env.PRIVACY_FUZZ_RUNS ?? 25);

const FLAGS = ['pub-a', 'pub-b', 'secret-launch', 'secret-merger'] as const;
const SEGMENTS = ['seg-beta', 'seg-vip'] as const;

type Operation =
  | { op: 'createFlag'; flag: string; clientSide: boolean }
  | { op: 'toggle'; flag: string; on: boolean }
  | { op: 'clientSide'; flag: string; clientSide: boolean }
  | { op: 'archive' | 'unarchive' | 'deleteFlag'; flag: string }
  | { op: 'useSegment'; flag: string; segment: string | null }
  | { op: 'createSegment' | 'deleteSegment'; segment: string }
  | { op: 'editSegment'; segment: string; value: string }
  | { op: 'burst'; operations: Operation[] };

const flagKey = fc.constantFrom(...FLAGS);
const segmentKey = fc.constantFrom(...SEGMENTS);
const single: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('createFlag' as const), flag: flagKey, clientSide: fc.boolean() }),
  fc.record({ op: fc.constant('toggle' as const), flag: flagKey, on: fc.boolean() }),
  fc.record({ op: fc.constant('clientSide' as const), flag: flagKey, clientSide: fc.boolean() }),
  fc.record({ op: fc.constantFrom('archive' as const, 'unarchive' as const, 'deleteFlag' as const), flag: flagKey }),
  fc.record({ op: fc.constant('useSegment' as const), flag: flagKey, segment: fc.option(segmentKey) }),
  fc.record({ op: fc.constantFrom('createSegment' as const, 'deleteSegment' as const), segment: segmentKey }),
  fc.record({ op: fc.constant('editSegment' as const), segment: segmentKey, value: fc.constantFrom('NO', 'SE', 'DK') }),
);
const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: single },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('burst' as const),
      operations: fc.array(single, { minLength: 2, maxLength: 4 }),
    }),
  },
);

describe('client-token streams and snapshots', { timeout: Math.max(240_000, RUNS * 10_000) }, () => {
  let redis: RedisProcess;
  /** Takes the writes. */
  let server: ListeningApp;
  /** Hears of them on the bus, so it may catch up several revisions at once. */
  let replica: Replica;
  let run = 0;

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    const propagation = { heartbeatMs: 60_000 };
    server = await startListeningApp({ config: { redisUrl: redis.url }, propagation });
    replica = await startReplica({ database: server.database, redisUrl: redis.url, propagation });
  }, 120_000);

  afterAll(async () => {
    await replica?.close();
    await server?.close();
    await redis?.stop();
  });

  /** One write through the admin API; 4xx answers (a key that exists, a segment in use…) are fine. */
  async function apply(project: string, operation: Operation): Promise<void> {
    const flags = `/projects/${project}/flags`;
    const segments = `/projects/${project}/segments`;
    const send = (method: string, path: string, body?: unknown) =>
      server.api.request(method, path, body).catch((error: Error) => {
        if (!/→ 4\d\d/.test(error.message)) throw error;
      });
    switch (operation.op) {
      case 'createFlag':
        return send('POST', flags, {
          key: operation.flag,
          name: operation.flag,
          type: 'boolean',
          clientSide: operation.clientSide,
        });
      case 'toggle':
        return send('POST', `${flags}/${operation.flag}/environments/prod/${operation.on ? 'on' : 'off'}`, {});
      case 'clientSide':
        return send('PATCH', `${flags}/${operation.flag}`, { clientSide: operation.clientSide });
      case 'archive':
      case 'unarchive':
        return send('POST', `${flags}/${operation.flag}/${operation.op}`, {});
      case 'deleteFlag':
        return send('DELETE', `${flags}/${operation.flag}`);
      case 'useSegment': {
        const segmentsOfRule = operation.segment === null ? [] : [operation.segment];
        return send('PUT', `${flags}/${operation.flag}/environments/prod`, {
          enabled: true,
          offVariant: 'off',
          defaultServe: { variant: 'off' },
          rules: [{ id: 'r', conditions: [], segments: segmentsOfRule, serve: { variant: 'on' } }],
        });
      }
      case 'createSegment':
        return send('POST', segments, { key: operation.segment, name: operation.segment, conditions: [] });
      case 'editSegment':
        return send('PATCH', `${segments}/${operation.segment}`, {
          conditions: [{ attribute: 'country', operator: 'in', values: [operation.value] }],
        });
      case 'deleteSegment':
        return send('DELETE', `${segments}/${operation.segment}`);
      case 'burst':
        await Promise.all(operation.operations.map((inner) => apply(project, inner)));
        return;
    }
  }

  it('never name a flag or segment outside the client view', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 4, maxLength: 14 }), fc.nat(), async (operations, resumeAt) => {
        const project = `p${++run}`;
        await server.api.createProject(project);
        await server.api.createEnvironment(project, 'prod');
        const clientToken = await server.api.createToken('client', project, 'prod');
        const environmentId = (
          await server.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod', project: { key: project } } })
        ).id;
        const databaseView = async () =>
          toClientSnapshot((await buildSnapshot(server.db.prisma, environmentId))!.snapshot);
        const streams: SseClient[] = [];
        const heldAtStart = new Map<SseClient, Snapshot | undefined>();
        /** A stream; given `from` (what another stream holds), it resumes from there with Last-Event-ID. */
        const open = async (baseUrl: string, from?: Snapshot) => {
          const stream = new SseClient({ url: `${baseUrl}/api/v1/sdk/stream`, token: clientToken });
          stream.snapshot = from;
          heldAtStart.set(stream, from);
          streams.push(stream);
          await stream.connect();
          return stream;
        };
        try {
          const live = await open(server.baseUrl);
          const elsewhere = await open(replica.baseUrl);
          for (const stream of [live, elsewhere]) {
            await stream.waitFor(() => stream.snapshot !== undefined, 10_000, 'the put');
          }
          const visible = mayBecomeVisible(operations);
          const snapshotBodies: Snapshot[] = [];
          const resumeIndex = resumeAt % operations.length;
          for (const [index, step] of operations.entries()) {
            // Resumes on the other replica from what the writer's replica sent.
            if (index === resumeIndex) await open(replica.baseUrl, live.snapshot);
            await apply(project, step);
            const view = await databaseView();
            for (const flag of view.flags) visible.add(flag.key);
            for (const segment of view.segments) visible.add(segment.key);
            snapshotBodies.push((await server.api.snapshot(clientToken)).body as Snapshot);
            snapshotBodies.push((await new AdminApi(replica.baseUrl, '').snapshot(clientToken)).body as Snapshot);
          }
          const expected = await databaseView();
          for (const stream of streams) await stream.waitForRevision(expected.revision);

          const leaks: string[] = [];
          const check = (where: string, keys: readonly string[]) => {
            for (const key of keys) if (!visible.has(key)) leaks.push(`${where} names ${key}`);
          };
          for (const body of snapshotBodies) {
            check(`GET /sdk/snapshot at ${body.revision}`, [...namesOf(body)]);
          }
          for (const stream of streams) {
            expect(stream.violations).toEqual([]);
            let held = heldAtStart.get(stream);
            for (const event of stream.events) {
              if (event.event === 'put') {
                held = JSON.parse(event.data) as Snapshot;
                check(`put ${event.id}`, [...namesOf(held)]);
                continue;
              }
              if (event.event !== 'patch') continue;
              const patch = JSON.parse(event.data) as SnapshotPatch;
              check(`patch ${event.id}`, [
                ...patch.flags.map((flag) => flag.key),
                ...patch.deletedFlags,
                ...patch.segments.map((segment) => segment.key),
                ...patch.deletedSegments,
              ]);
              for (const flag of patch.flags) if (!flag.clientSide) leaks.push(`patch ${event.id} sends ${flag.key}`);
              const holds = held ? namesOf(held) : new Set<string>();
              for (const key of [...patch.deletedFlags, ...patch.deletedSegments]) {
                if (!holds.has(key)) leaks.push(`patch ${event.id} deletes ${key}, which the stream does not hold`);
              }
              if (held) held = { ...held, ...applyNames(held, patch) };
            }
            expect(canonicalSnapshot(stream.snapshot!)).toBe(canonicalSnapshot(expected));
          }
          expect(leaks).toEqual([]);

          // A usage report naming every flag: server-only, archived and deleted ones are unknown,
          // exactly like a key that never existed.
          const reported = [...FLAGS, 'never-existed'];
          const now = new Date().toISOString();
          const usage = await server.api.request<{ accepted: number; unknownFlags: string[] }>(
            'POST',
            '/sdk/metrics',
            { start: now, end: now, flags: Object.fromEntries(reported.map((key) => [key, { on: 1 }])) },
            clientToken,
          );
          const inView = new Set(expected.flags.map((flag) => flag.key));
          expect(usage.unknownFlags).toEqual(reported.filter((key) => !inView.has(key)).sort());
          expect(usage.accepted).toBe(inView.size);
        } finally {
          for (const stream of streams) stream.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true, examples: [REGRESSION] },
    );
  });
});

/**
 * A sequence that once failed under load: `secret-merger`, client-side at revision 3, was made
 * server-only (4) in a burst with a segment deletion (5); a replica that read 4 and 5 at once
 * deleted it in patch 4 and again in patch 5, from a stream that no longer held it. Whether a
 * replica reads both at once is timing; `patches.test.ts` and `client-resume.test.ts` pin it down.
 */
const REGRESSION: [Operation[], number] = [
  [
    { op: 'editSegment', segment: 'seg-vip', value: 'DK' },
    { op: 'createSegment', segment: 'seg-vip' },
    { op: 'deleteSegment', segment: 'seg-beta' },
    { op: 'createFlag', flag: 'secret-merger', clientSide: true },
    {
      op: 'burst',
      operations: [
        { op: 'deleteSegment', segment: 'seg-vip' },
        { op: 'toggle', flag: 'pub-a', on: false },
        { op: 'clientSide', flag: 'secret-merger', clientSide: false },
      ],
    },
    { op: 'editSegment', segment: 'seg-vip', value: 'SE' },
    {
      op: 'burst',
      operations: [
        { op: 'createFlag', flag: 'pub-b', clientSide: true },
        { op: 'archive', flag: 'pub-a' },
        { op: 'useSegment', flag: 'pub-a', segment: 'seg-vip' },
      ],
    },
    { op: 'archive', flag: 'pub-a' },
    {
      op: 'burst',
      operations: [
        { op: 'createFlag', flag: 'pub-b', clientSide: true },
        { op: 'clientSide', flag: 'pub-a', clientSide: false },
        { op: 'useSegment', flag: 'pub-a', segment: 'seg-beta' },
        { op: 'createFlag', flag: 'secret-merger', clientSide: true },
      ],
    },
    { op: 'createSegment', segment: 'seg-vip' },
    { op: 'useSegment', flag: 'pub-b', segment: 'seg-vip' },
    {
      op: 'burst',
      operations: [
        { op: 'clientSide', flag: 'secret-launch', clientSide: false },
        { op: 'clientSide', flag: 'pub-a', clientSide: false },
        { op: 'deleteSegment', segment: 'seg-beta' },
      ],
    },
    { op: 'deleteSegment', segment: 'seg-vip' },
    { op: 'editSegment', segment: 'seg-vip', value: 'SE' },
  ],
  2147483619,
];

/** Keys that may have been in the client view in between the concurrent writes of a burst. */
function mayBecomeVisible(operations: readonly Operation[]): Set<string> {
  const all = operations.flatMap((operation) => (operation.op === 'burst' ? operation.operations : [operation]));
  const flags = new Set<string>();
  for (const operation of all) {
    if ((operation.op === 'createFlag' || operation.op === 'clientSide') && operation.clientSide)
      flags.add(operation.flag);
  }
  const names = new Set(flags);
  for (const operation of all) {
    if (operation.op === 'useSegment' && operation.segment !== null && flags.has(operation.flag))
      names.add(operation.segment);
  }
  return names;
}

function namesOf(snapshot: Pick<Snapshot, 'flags' | 'segments'>): Set<string> {
  return new Set([...snapshot.flags.map((flag) => flag.key), ...snapshot.segments.map((segment) => segment.key)]);
}

/** The flags and segments of `held` after `patch` (only the keys matter here). */
function applyNames(held: Snapshot, patch: SnapshotPatch): Pick<Snapshot, 'flags' | 'segments'> {
  const flags = new Map(held.flags.map((flag) => [flag.key, flag]));
  for (const flag of patch.flags) flags.set(flag.key, flag);
  for (const key of patch.deletedFlags) flags.delete(key);
  const segments = new Map(held.segments.map((segment) => [segment.key, segment]));
  for (const segment of patch.segments) segments.set(segment.key, segment);
  for (const key of patch.deletedSegments) segments.delete(key);
  return { flags: [...flags.values()], segments: [...segments.values()] };
}
