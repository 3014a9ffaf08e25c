import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/db.js';
import { ensureServerBuilt, freePort, ServerProcess } from './propagation/support/processes.js';

/**
 * The built server (what `npm start` and the image run) prints the one-time link that creates the
 * first owner, the link works once, and a restart after that prints no link.
 */
let database: TestDatabase;
let server: ServerProcess | undefined;

beforeAll(async () => {
  ensureServerBuilt();
  database = await createTestDatabase();
}, 600_000);
afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

async function start(port: number): Promise<ServerProcess> {
  const started = new ServerProcess({
    port,
    databaseUrl: database.url,
    adminToken: 'first-run-banner-admin-token',
    env: { SWITCHYARD_PUBLIC_URL: 'https://flags.example/', LOG_LEVEL: 'silent' },
  });
  await started.start();
  return started;
}

describe('first run', () => {
  it('prints "Create the first owner: <public URL>/setup#token=…", which creates the owner once', async () => {
    const port = await freePort();
    server = await start(port);
    const banner = server.output.join('');
    const match = /Create the first owner: https:\/\/flags\.example\/setup#token=(sy_setup_[\w-]+)/.exec(banner);
    expect(match, banner).not.toBeNull();
    const body = { token: match![1], email: 'first@example.com', password: 'first owner pass', displayName: 'First' };
    const post = () =>
      fetch(`${server!.baseUrl}/api/v1/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(410);
    // SWITCHYARD_ADMIN_TOKEN keeps working.
    const users = await fetch(`${server.baseUrl}/api/v1/users`, {
      headers: { authorization: 'Bearer first-run-banner-admin-token' },
    });
    expect(users.status).toBe(200);
    await server.stop();

    server = await start(port);
    expect(server.output.join('')).not.toContain('Create the first owner');
  }, 180_000);
});
