import { createServer } from 'node:http';
import { stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createEmbeddedTestApp, type EmbeddedTestApp } from '../../test/helpers/embedded.js';
import { verifySignature } from '../features/webhooks/signature.js';

/** Embedded mode (PGlite, one connection) runs jobs too: a schedule applies and a webhook is delivered, signed. */
let embedded: EmbeddedTestApp;

beforeAll(async () => {
  embedded = await createEmbeddedTestApp('sy-jobs-');
}, 180_000);
afterAll(() => embedded?.close());

it('applies a schedule and delivers a signed webhook on embedded PGlite, with a generated secret key', async () => {
  const { app, adminHeaders: headers } = embedded;
  const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const response = await app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() };
  };
  let secret = '';
  const received: boolean[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const header = request.headers['switchyard-signature'] as string | undefined;
      received.push(verifySignature(header, body, secret, Date.now() / 1000).ok);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await call('POST', '/projects', { key: 'p', name: 'P' });
    await call('POST', '/projects/p/environments', { key: 'prod', name: 'Prod' });
    await call('POST', '/projects/p/flags', { key: 'a', name: 'a', type: 'boolean' });
    const hook = await call('POST', '/webhooks', { name: 'w', url, events: ['flag_config.enabled'] });
    expect(hook.status).toBe(201);
    secret = hook.body.secret;
    const keyFile = await stat(join(app.config.dataDir, 'secret.key'));
    expect(keyFile.mode & 0o777).toBe(0o600);
    const at = new Date(Date.now() + 60_000);
    const created = await call('POST', '/projects/p/flags/a/schedules', {
      environment: 'prod',
      at: at.toISOString(),
      change: { kind: 'enable' },
    });
    expect(created.status).toBe(201);
    // The schedule's tick records the change; the next tick's fan-out delivers it.
    await app.jobs.tick(new Date(at.getTime() + 1_000));
    await app.jobs.tick(new Date(at.getTime() + 2_000));
    expect((await call('GET', `/projects/p/flags/a/schedules/${created.body.id}`)).body.state).toBe('applied');
    expect((await call('GET', '/projects/p/flags/a/environments/prod')).body.enabled).toBe(true);
    // The replica's own runner (polling every second, as in production) may be the one delivering it.
    await vi.waitFor(
      async () => {
        await app.jobs.tick();
        const log = await call('GET', `/webhooks/${hook.body.id}/deliveries`);
        expect(log.body.items).toEqual([
          expect.objectContaining({ eventType: 'flag_config.enabled', state: 'succeeded' }),
        ]);
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(received).toEqual([true]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
