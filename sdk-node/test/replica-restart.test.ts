import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SwitchyardClient } from '../src/index.js';
import { startReplica, type Replica } from './support/replica.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';
import { waitFor } from './support/wait.js';

/** How long the replica stays down: long enough for an exponential backoff to grow well past 2 s. */
const DOWN_MS = 8_000;
/** Clients measured at once (each draws its own jittered delays). */
const CLIENTS = 5;

// Issue 11: after a replica restart SDKs were back after 14.8–19.9 s. With the default backoff
// (capped at 1.5 s, full jitter) they are back within about 2 s of the restart, however long the
// replica was down. The assertion is functional (every client gets the state written while the
// replica was down); the wait budget is generous (2.5 × the 2 s target), and the measured times are
// printed.
describe('a replica restart', () => {
  let t: TestServer;
  let replica: Replica | undefined;
  const clients: SwitchyardClient[] = [];

  beforeAll(async () => {
    t = await startTestServer(); // the replica that takes the writes
    await seedFlags(t);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await replica?.close();
    await t?.close();
  });

  it('clients with the default backoff follow the restarted replica within about 2 s', async () => {
    replica = await startReplica(t.server.database);
    const port = replica.port;
    for (let i = 0; i < CLIENTS; i++) {
      clients.push(createClient({ url: replica.url, sdkKey: t.serverToken, metrics: false }));
    }
    await Promise.all(clients.map((c) => c.ready()));
    expect(clients.every((c) => !c.isEnabled('new-checkout', {}))).toBe(true);

    await replica.close();
    replica = undefined;
    await t.toggle('new-checkout', true); // written through the other replica while this one is down
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));

    replica = await startReplica(t.server.database, port);
    const restartedAt = Date.now();
    const backAfter: number[] = [];
    await Promise.all(
      clients.map(async (c) => {
        await waitFor(() => c.isEnabled('new-checkout', {}), 'the state written while the replica was down', 5_000);
        backAfter.push(Date.now() - restartedAt);
      }),
    );
    backAfter.sort((a, b) => a - b);
    console.info(`after ${DOWN_MS} ms down, clients had the new state ${backAfter.join(', ')} ms after the restart`);
    expect(backAfter).toHaveLength(CLIENTS);
  }, 60_000);
});
