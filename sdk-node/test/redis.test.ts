import type { Snapshot } from '@switchyard/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesChannel } from '../../server/src/propagation/change-message.js';
import { snapshotHashKey as snapshotKey } from '../../server/src/propagation/snapshot-hash.js';
import { readSnapshotKey, replaceSnapshotKey } from '../../server/test/propagation/support/snapshot-key.js';
import { createClient, type ChangeEvent, type SwitchyardClient } from '../src/index.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';
import { nextEvent, waitFor } from './support/wait.js';

const REDIS_URL = process.env['SWITCHYARD_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

// Direct Redis mode against real Redis and a real server using it (REDIS_URL), then with the
// server stopped. The channel and key names are the server's own (imported from its source).
describe('direct Redis mode', () => {
  let t: TestServer | undefined;
  let redis: Redis;
  let project: string;
  let environment: string;
  const clients: SwitchyardClient[] = [];
  const redisClient = () => {
    const c = createClient({
      sdkKey: 'sy_server_unused-in-redis-mode',
      redis: { url: REDIS_URL, projectKey: project, environmentKey: environment, pollIntervalMs: 60_000 },
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    t = await startTestServer({ config: { redisUrl: REDIS_URL } });
    project = t.project;
    environment = t.environment;
    await seedFlags(t);
    // A replica keeps the snapshot in Redis for the environments its SDKs use: have one use it.
    await fetch(`${t.url}/api/v1/sdk/snapshot`, { headers: { authorization: `Bearer ${t.serverToken}` } });
    await waitFor(async () => (await redis.exists(snapshotKey(project, environment))) === 1, 'the snapshot in Redis');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t?.close();
    await redis.del(snapshotKey(project, environment));
    redis.disconnect();
  });

  it('loads the snapshot from Redis and follows changes announced on the channel, without HTTP', async () => {
    const c = redisClient();
    await c.ready();
    expect(c.getValue('max-items', 0, {})).toBe(50);
    const changed = nextEvent<ChangeEvent>((listener) => c.on('change', listener), 'change over Redis');
    await t!.toggle('max-items', false);
    expect((await changed).flags).toEqual(['max-items']);
    expect(c.getValue('max-items', 0, {})).toBe(5);
  });

  it('keeps serving and updating with the server stopped', async () => {
    const c = redisClient();
    await c.ready();
    await t!.close();
    t = undefined;

    // A fresh process starts while no flag server runs: the snapshot in Redis is enough.
    const late = redisClient();
    await late.ready();
    expect(late.getValue('max-items', 0, {})).toBe(5);

    // Another replica (elsewhere) publishes a change: both clients follow it.
    const stored = (await readSnapshotKey(redis, project, environment))!;
    const next: Snapshot = {
      ...stored,
      revision: stored.revision + 1,
      flags: stored.flags.map((flag) => (flag.key === 'max-items' ? { ...flag, offVariant: 'high' } : flag)),
    };
    await replaceSnapshotKey(redis, next);
    const message = {
      projectKey: project,
      environmentKey: environment,
      revision: next.revision,
      changed: { flags: ['max-items'], segments: [] },
    };
    await redis.publish(changesChannel(project, environment), JSON.stringify(message));
    await waitFor(() => c.revision === next.revision && late.revision === next.revision, 'the new revision');
    expect(c.getValue('max-items', 0, {})).toBe(50);
    expect(late.getValue('max-items', 0, {})).toBe(50);
  });

  it('reads the key again when a message announces a revision Redis does not hold yet', async () => {
    const c = redisClient();
    await c.ready();
    const stored = (await readSnapshotKey(redis, project, environment))!;
    const next: Snapshot = { ...stored, revision: stored.revision + 1 };
    // The announcement comes first; the snapshot is stored a moment later (as a rebuilding replica does).
    await redis.publish(
      changesChannel(project, environment),
      JSON.stringify({
        projectKey: project,
        environmentKey: environment,
        revision: next.revision,
        changed: { flags: [], segments: [] },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 120));
    await replaceSnapshotKey(redis, next);
    await waitFor(() => c.revision === next.revision, 'the late snapshot');
  });

  it('reads only the entries a change names when it follows the revision held', async () => {
    const c = redisClient();
    await c.ready();
    const stored = (await readSnapshotKey(redis, project, environment))!;
    const changed = stored.flags.find((flag) => flag.key === 'max-items')!;
    const other = stored.flags.find((flag) => flag.key !== 'max-items')!;
    // The next revision changes max-items. An entry the message does not name is altered too (no
    // server does that), so that only a read of the whole hash would see it.
    await redis.hset(
      snapshotKey(project, environment),
      'revision',
      String(stored.revision + 1),
      'f:max-items',
      JSON.stringify({ ...changed, version: changed.version + 1 }),
      `f:${other.key}`,
      JSON.stringify({ ...other, version: other.version + 100 }),
    );
    await redis.publish(
      changesChannel(project, environment),
      JSON.stringify({
        projectKey: project,
        environmentKey: environment,
        revision: stored.revision + 1,
        changed: { flags: ['max-items'], segments: [] },
      }),
    );
    await waitFor(() => c.revision === stored.revision + 1, 'the next revision');
    expect(c.snapshot!.flags.find((flag) => flag.key === 'max-items')!.version).toBe(changed.version + 1);
    expect(c.snapshot!.flags.find((flag) => flag.key === other.key)!.version).toBe(other.version);
  });
});

// A replica writes the snapshot key for environments it holds (SDK streams, recent snapshot
// requests), and the replica that publishes a change writes it for all others: a client with
// `redis` alone keeps following changes after every replica dropped its environment as idle.
describe('direct Redis mode, environment no replica holds', () => {
  let t: TestServer | undefined;
  let redis: Redis;
  let client: SwitchyardClient | undefined;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    t = await startTestServer({ config: { redisUrl: REDIS_URL } });
    await seedFlags(t);
  });
  afterAll(async () => {
    await client?.close();
    await t?.close();
    await redis.del(snapshotKey(t!.project, t!.environment));
    redis.disconnect();
  });

  it('follows a change made after the only replica dropped the environment', async () => {
    const { project, environment } = t!;
    await fetch(`${t!.url}/api/v1/sdk/snapshot`, { headers: { authorization: `Bearer ${t!.serverToken}` } });
    // What the safety timer does after 10 idle minutes, with a 0 ms idle limit instead.
    const { feeds } = t!.server.app.propagation;
    await waitFor(async () => {
      await feeds.checkAll('check', 0);
      return feeds.size === 0;
    }, 'the idle environment dropped');

    client = createClient({
      sdkKey: 'sy_server_unused-in-redis-mode',
      redis: { url: REDIS_URL, projectKey: project, environmentKey: environment, pollIntervalMs: 60_000 },
    });
    await client.ready();
    expect(client.getValue('max-items', 0, {})).toBe(50);
    const changed = nextEvent<ChangeEvent>((listener) => client!.on('change', listener), 'change over Redis');
    await t!.toggle('max-items', false);
    expect((await changed).flags).toEqual(['max-items']);
    expect(client.getValue('max-items', 0, {})).toBe(5);
    expect(feeds.size).toBe(0); // nobody held it meanwhile
  });
});
