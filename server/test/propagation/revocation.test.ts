import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListeningApp } from './support/listening-app.js';
import { startListeningApp } from './support/listening-app.js';
import { freePort, RedisProcess } from './support/processes.js';
import { startReplica, type Replica } from './support/replica.js';
import { SseClient } from './support/sse-client.js';

/**
 * Revoking a token, or deleting its environment or project, ends its SDK streams on every replica
 * and makes its next request a 401 there: the revoking replica announces it on the bus, every
 * replica drops the token from its verification cache and closes the streams. The periodic safety
 * timer (off here: once an hour) re-checks the tokens of open streams when an announcement is lost.
 * Two replicas in this process on one PostgreSQL and a private Redis.
 */

interface Token {
  id: string;
  secret: string;
}

const streams: SseClient[] = [];
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Opens a stream on `baseUrl` (client tokens as `?key=`, like a browser) and waits for its put. */
async function openStream(baseUrl: string, token: Token): Promise<SseClient> {
  const client = token.secret.startsWith('sy_client_')
    ? new SseClient({ url: `${baseUrl}/api/v1/sdk/stream?key=${token.secret}` })
    : new SseClient({ url: `${baseUrl}/api/v1/sdk/stream`, token: token.secret });
  streams.push(client);
  await client.connect();
  await client.waitFor(() => client.snapshot !== undefined, 10_000, 'the put');
  return client;
}

async function snapshotStatus(baseUrl: string, token: Token): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v1/sdk/snapshot`, {
    headers: { authorization: `Bearer ${token.secret}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Waits for every stream to end; returns how long after `since` each one ended (ms). */
async function ends(clients: SseClient[], since: number, timeoutMs: number): Promise<number[]> {
  await Promise.all(clients.map((client) => client.waitForEnd(timeoutMs)));
  return clients.map((client) => client.endedAt! - since);
}

describe('revocation on the bus', () => {
  let redis: RedisProcess;
  let a: ListeningApp;
  let b: Replica;
  const propagation = { convergenceIntervalMs: 3_600_000 };

  // Active token names are unique: number them.
  let tokens = 0;
  const createToken = (kind: 'server' | 'client', project: string, environment: string) =>
    a.api.request<Token>('POST', '/tokens', {
      name: `${kind}-${project}-${environment}-${++tokens}`,
      kind,
      project,
      environment,
    });

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    a = await startListeningApp({ config: { redisUrl: redis.url }, propagation });
    b = await startReplica({ database: a.database, redisUrl: redis.url, propagation });
    await a.api.createProject('shop');
    await a.api.createEnvironment('shop', 'prod');
    await a.api.createEnvironment('shop', 'staging');
    await a.api.createFlag('shop', 'checkout', { clientSide: true });
  }, 120_000);

  afterAll(async () => {
    for (const client of streams) client.close();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('revoking a server and a client token ends their streams on both replicas; the next request is a 401 on both', async () => {
    const server = await createToken('server', 'shop', 'prod');
    const client = await createToken('client', 'shop', 'prod');
    const bystander = await createToken('client', 'shop', 'prod');
    const revoked = [
      await openStream(a.baseUrl, server),
      await openStream(b.baseUrl, server),
      await openStream(a.baseUrl, client),
      await openStream(b.baseUrl, client),
    ];
    const other = await openStream(b.baseUrl, bystander);
    // Both replicas have verified (and cached) both tokens.
    for (const replica of [a.baseUrl, b.baseUrl]) {
      expect(await snapshotStatus(replica, server)).toBe(200);
      expect(await snapshotStatus(replica, client)).toBe(200);
    }

    const revokedAt = Date.now();
    await a.api.request('DELETE', `/tokens/${server.id}`);
    await a.api.request('DELETE', `/tokens/${client.id}`);
    // At once, not after the 5 s verification cache.
    for (const replica of [a.baseUrl, b.baseUrl]) {
      expect(await snapshotStatus(replica, server)).toBe(401);
      expect(await snapshotStatus(replica, client)).toBe(401);
    }
    const times = await ends(revoked, revokedAt, 5_000);
    log(
      `revoked tokens: streams ended ${times.map((ms) => `${ms} ms`).join(', ')} after the first revocation was sent`,
    );

    // The other client token of the environment keeps its stream.
    expect(other.endedAt).toBeUndefined();
    await a.api.toggle('shop', 'checkout', 'prod', true);
    await other.waitForRevision(await a.api.revision('shop', 'prod'));
    expect(other.endedAt).toBeUndefined();
  });

  it('deleting an environment, then a project, ends their streams on both replicas', async () => {
    const staging = await createToken('server', 'shop', 'staging');
    const stagingStreams = [await openStream(a.baseUrl, staging), await openStream(b.baseUrl, staging)];
    const prod = await createToken('client', 'shop', 'prod');
    const prodStream = await openStream(b.baseUrl, prod);

    let deletedAt = Date.now();
    await a.api.request('DELETE', '/projects/shop/environments/staging?force=true');
    const environmentTimes = await ends(stagingStreams, deletedAt, 5_000);
    log(`deleted environment: streams ended ${environmentTimes.map((ms) => `${ms} ms`).join(', ')} after it was sent`);
    expect(await snapshotStatus(b.baseUrl, staging)).toBe(401);
    expect(prodStream.endedAt).toBeUndefined();

    await a.api.createProject('other');
    await a.api.createEnvironment('other', 'live');
    const live = await createToken('client', 'other', 'live');
    const liveStreams = [await openStream(a.baseUrl, live), await openStream(b.baseUrl, live)];
    expect(await snapshotStatus(b.baseUrl, live)).toBe(200);
    deletedAt = Date.now();
    await a.api.request('DELETE', '/projects/other?force=true');
    expect(await snapshotStatus(b.baseUrl, live)).toBe(401);
    const projectTimes = await ends(liveStreams, deletedAt, 5_000);
    log(`deleted project: streams ended ${projectTimes.map((ms) => `${ms} ms`).join(', ')} after it was sent`);
    expect(prodStream.endedAt).toBeUndefined();
  });
});

describe('revocation when the announcement is lost', () => {
  let redis: RedisProcess;
  let writer: ListeningApp;
  let reader: Replica;

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    writer = await startListeningApp({
      config: { redisUrl: redis.url },
      propagation: { convergenceIntervalMs: 3_600_000 },
    });
    // The safety timer of the replica that must notice runs every 200 ms here (default 5 s).
    reader = await startReplica({
      database: writer.database,
      redisUrl: redis.url,
      propagation: { convergenceIntervalMs: 200 },
    });
    // The writer's announcements never reach the bus.
    writer.app.propagation.bus.publishRevocation = async () => {};
    await writer.api.createProject('shop');
    await writer.api.createEnvironment('shop', 'prod');
  }, 120_000);

  afterAll(async () => {
    for (const client of streams) client.close();
    await reader?.close();
    await writer?.close();
    await redis?.stop();
  });

  it('the safety timer ends the streams of a revoked token and of a deleted environment', async () => {
    const token = await writer.api.request<Token>('POST', '/tokens', {
      name: 'client',
      kind: 'client',
      project: 'shop',
      environment: 'prod',
    });
    const stream = await openStream(reader.baseUrl, token);
    expect(await snapshotStatus(reader.baseUrl, token)).toBe(200);
    const revokedAt = Date.now();
    await writer.api.request('DELETE', `/tokens/${token.id}`);
    const [revokedTime] = await ends([stream], revokedAt, 10_000);
    log(`lost announcement: the safety timer ended the stream ${revokedTime} ms after the revocation was sent`);
    expect(await snapshotStatus(reader.baseUrl, token)).toBe(401);

    await writer.api.createEnvironment('shop', 'staging');
    const staging = await writer.api.request<Token>('POST', '/tokens', {
      name: 'server',
      kind: 'server',
      project: 'shop',
      environment: 'staging',
    });
    const stagingStream = await openStream(reader.baseUrl, staging);
    const deletedAt = Date.now();
    await writer.api.request('DELETE', '/projects/shop/environments/staging?force=true');
    const [deletedTime] = await ends([stagingStream], deletedAt, 10_000);
    log(
      `lost announcement: the safety timer ended the deleted environment's stream ${deletedTime} ms after the deletion was sent`,
    );
  });
  it('the safety timer ends the streams of a token that expired (an expiry is never announced)', async () => {
    const token = await writer.api.request<Token>('POST', '/tokens', {
      name: 'expiring',
      kind: 'server',
      project: 'shop',
      environment: 'prod',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const stream = await openStream(reader.baseUrl, token);
    const expiredAt = Date.now();
    await writer.app.db.prisma.apiToken.update({ where: { id: token.id }, data: { expiresAt: new Date(expiredAt) } });
    await ends([stream], expiredAt, 10_000);
    expect(await snapshotStatus(reader.baseUrl, token)).toBe(401);
  });
});
