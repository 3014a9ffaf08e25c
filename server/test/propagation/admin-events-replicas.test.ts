import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAdminStream, type AdminStream, type AdminStreamEvent } from './support/admin-stream.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';
import { freePort, RedisProcess } from './support/processes.js';
import { startReplica, type Replica } from './support/replica.js';

/**
 * The console's live stream (`GET /api/v1/events`) across replicas: two apps on one Postgres
 * database and one Redis (the test's own redis-server, so it can be restarted). A change committed
 * through replica A reaches an admin stream opened on replica B, once; a caller with a role in one
 * project hears nothing of another's; after Redis comes back from an outage, streams get a `resync`.
 */
let redis: RedisProcess;
let a: ListeningApp;
let b: Replica;
const propagation = { outboxPollMs: 250, convergenceIntervalMs: 1_000 };

const kill = (project: string, reason = 'incident') =>
  a.api.request('POST', `/projects/${project}/flags/checkout/environments/production/kill`, { reason });
const restore = (project: string) =>
  a.api.request('POST', `/projects/${project}/flags/checkout/environments/production/restore`, { reason: 'fixed' });
/** The stream's change events as `project@revision`, from the first one matching `from` (earlier ones: changes committed just before it opened). */
const changes = (stream: AdminStream, from: (event: AdminStreamEvent) => boolean = () => true) => {
  const list = stream.events.filter((event) => event.event === 'change');
  return list
    .slice(Math.max(0, list.findIndex(from)))
    .map((event) => `${String(event.data['project'])}@${String(event.data['revision'])}`);
};
const about = (project: string, revision?: number) => (event: AdminStreamEvent) =>
  event.event === 'change' &&
  event.data['project'] === project &&
  (revision === undefined || event.data['revision'] === revision);

beforeAll(async () => {
  redis = new RedisProcess(await freePort());
  await redis.start();
  a = await startListeningApp({ config: { redisUrl: redis.url }, propagation });
  b = await startReplica({ database: a.database, redisUrl: redis.url, propagation });
  for (const project of ['x', 'y']) {
    await a.api.createProject(project);
    await a.api.createEnvironment(project, 'production');
    await a.api.createFlag(project, 'checkout');
  }
}, 120_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
  await redis?.stop();
});

describe('the admin event stream across replicas', () => {
  it('sends a change committed through replica A to a stream opened on replica B, once', async () => {
    const onB = await openAdminStream(b.baseUrl, a.api.adminToken);
    const onA = await openAdminStream(a.baseUrl, a.api.adminToken);
    expect([onB.status, onA.status]).toEqual([200, 200]);
    await kill('x');
    const killed = await onB.waitFor(about('x'));
    expect(killed?.data).toEqual({
      project: 'x',
      environment: 'production',
      revision: expect.any(Number),
      flags: ['checkout'],
      segments: [],
    });
    // Two later changes as markers: a second copy of the kill (A's own commit and the bus message
    // A receives too; an outbox drain repeating what was announced) would come before them.
    const revision = killed!.data['revision'] as number;
    await restore('x');
    await kill('y');
    for (const stream of [onA, onB]) await stream.waitFor(about('y'));
    const expected = [`x@${revision}`, `x@${revision + 1}`, expect.stringMatching(/^y@\d+$/)];
    expect(changes(onB, about('x', revision))).toEqual(expected);
    expect(changes(onA, about('x', revision))).toEqual(expected);
    onA.close();
    onB.close();
  });

  it('sends a caller with a role in project X nothing of project Y, on the other replica too', async () => {
    const viewer = await a.api.request<{ secret: string }>('POST', '/tokens', {
      name: 'x viewer',
      kind: 'admin',
      role: 'viewer',
      project: 'x',
    });
    const stream = await openAdminStream(b.baseUrl, viewer.secret);
    expect(stream.status).toBe(200);
    await restore('y');
    await kill('x');
    await stream.waitFor(about('x'));
    expect(changes(stream).filter((change) => change.startsWith('y@'))).toEqual([]);
    expect(changes(stream)).toContainEqual(expect.stringMatching(/^x@\d+$/));
    stream.close();
  });

  it('tells the streams to resync after a Redis restart, and brings what was committed meanwhile', async () => {
    await a.api.createFlag('x', 'outage');
    const onB = await openAdminStream(b.baseUrl, a.api.adminToken);
    await redis.stop(); // no persistence: it comes back empty, and B missed whatever was published
    await a.api.request('POST', '/projects/x/flags/outage/environments/production/kill', { reason: 'Redis down' });
    const committed = await a.api.revision('x', 'production');
    await redis.start();
    expect(await onB.waitFor((event) => event.event === 'resync', 30_000)).toEqual({ event: 'resync', data: {} });
    // The outbox kept the change's message; published once Redis is back, B's stream gets it.
    expect(await onB.waitFor(about('x', committed), 30_000)).not.toBeNull();
    expect(changes(onB, about('x', committed))).toEqual([`x@${committed}`]);
    onB.close();
  }, 90_000);
});
