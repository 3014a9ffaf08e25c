import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureServerBuilt, freePort, ServerProcess } from '../../server/test/propagation/support/processes.js';
import { createClient, type SwitchyardClient } from '../src/index.js';
import { startReplica, type Replica } from './support/replica.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';
import { waitFor } from './support/wait.js';

/** How long the replica stays down: long enough for an exponential backoff to grow well past 2 s. */
const DOWN_MS = 8_000;
/** Clients measured at once (each draws its own jittered delays). */
const CLIENTS = 5;

// Issue 11: after a replica restart SDKs were back after 14.8–19.9 s (57.6 s in a kill drill).
// With the default backoff (capped at 1.5 s, full jitter) they are back within about 2 s of the
// restart, however long the replica was down. The assertion is functional (every client gets the
// state written while the replica was down); the wait budget is generous (2.5 × the 2 s target),
// and the measured times are printed.
describe('a replica restart', () => {
  let t: TestServer;
  let clients: SwitchyardClient[] = [];

  beforeAll(async () => {
    t = await startTestServer(); // the replica that takes the writes
    await seedFlags(t);
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Clients (default backoff) on `url`, ready, with new-checkout `on` as given. */
  async function clientsOn(url: string, on: boolean): Promise<void> {
    clients = Array.from({ length: CLIENTS }, () => createClient({ url, sdkKey: t.serverToken, metrics: false }));
    await Promise.all(clients.map((c) => c.ready()));
    expect(clients.every((c) => c.isEnabled('new-checkout', {}) === on)).toBe(true);
  }

  /** Waits until every client serves new-checkout `on`; returns the ms each took from `since`, sorted. */
  async function timesUntil(on: boolean, since: number): Promise<number[]> {
    const backAfter: number[] = [];
    await Promise.all(
      clients.map(async (c) => {
        const what = 'the state written while the replica was down';
        await waitFor(() => c.isEnabled('new-checkout', {}) === on, what, 5_000);
        backAfter.push(Date.now() - since);
      }),
    );
    return backAfter.sort((a, b) => a - b);
  }

  it('stopped and started again on its port: clients follow it within about 2 s', async () => {
    let replica: Replica | undefined = await startReplica(t.server.database);
    try {
      const port = replica.port;
      await clientsOn(replica.url, false);
      await replica.close(); // a graceful stop: it ends its streams
      replica = undefined;
      await t.toggle('new-checkout', true); // written through the other replica while this one is down
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      replica = await startReplica(t.server.database, port);
      const backAfter = await timesUntil(true, Date.now());
      console.info(`restart after ${DOWN_MS} ms down: clients had the new state ${backAfter.join(', ')} ms after it`);
      expect(backAfter).toHaveLength(CLIENTS);
    } finally {
      await replica?.close();
    }
  }, 60_000);

  it('killed (SIGKILL, a kill drill) and started again: clients follow it within about 2 s', async () => {
    ensureServerBuilt();
    const adminToken = (t.server.api as unknown as { adminToken: string }).adminToken;
    const replica = new ServerProcess({ port: await freePort(), databaseUrl: t.server.database.url, adminToken });
    try {
      await replica.start();
      await clientsOn(replica.baseUrl, true);
      await replica.stop('SIGKILL');
      await t.toggle('new-checkout', false);
      await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
      await replica.start(); // resolves once /readyz answers
      const backAfter = await timesUntil(false, Date.now());
      console.info(
        `kill drill, ${DOWN_MS} ms down: clients had the new state ${backAfter.join(', ')} ms after /readyz`,
      );
      expect(backAfter).toHaveLength(CLIENTS);
    } finally {
      await replica.stop('SIGKILL');
    }
  }, 120_000);
});
