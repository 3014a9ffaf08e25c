import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { verifySignature } from './signature.js';

/** A real receiver: verifies every signature, answers 500 to the first `failFirst` requests. */
class Receiver {
  readonly received: { body: string; headers: Record<string, string | string[] | undefined>; verified: boolean }[] = [];
  failFirst = 0;
  secret = '';
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const header = request.headers['switchyard-signature'];
        const check = verifySignature(
          typeof header === 'string' ? header : undefined,
          body,
          this.secret,
          Date.now() / 1000,
        );
        this.received.push({ body, headers: request.headers, verified: check.ok });
        response.statusCode = this.failFirst-- > 0 ? 500 : check.ok ? 204 : 401;
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}

let t: TestApp;
const receiver = new Receiver();
const HOUR = 60 * 60_000;

beforeAll(async () => {
  await receiver.start();
  t = await createTestApp({ jobPollMs: 0, secretKey: Buffer.alloc(32, 3) });
  expect((await t.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
  for (const key of ['production', 'development']) {
    expect((await t.api('POST', '/projects/shop/environments', { key, name: key })).status).toBe(201);
  }
  expect(
    (await t.api('POST', '/projects/shop/flags', { key: 'checkout', name: 'Checkout', type: 'boolean' })).status,
  ).toBe(201);
});
afterAll(async () => {
  await t?.close();
  await receiver.stop();
});

async function createWebhook(overrides: Record<string, unknown> = {}) {
  const response = await t.api('POST', '/webhooks', { name: 'ops', url: receiver.url, ...overrides });
  expect(response.status).toBe(201);
  receiver.secret = response.body.secret;
  return response.body as { id: string; secret: string };
}

describe('outgoing webhooks', () => {
  it('delivers a matching change, signed, and logs the delivery; the secret is shown once and encrypted at rest', async () => {
    const hook = await createWebhook({ project: 'shop', environments: ['production'], events: ['flag_config.*'] });
    expect(hook.secret).toMatch(/^whsec_/);
    const stored = await t.db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.secretCiphertext).not.toContain(hook.secret.slice(6));
    expect((await t.api('GET', `/webhooks/${hook.id}`)).body.secret).toBeUndefined();
    const audit = await t.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'webhook.created' } });
    expect(JSON.stringify(audit.after)).not.toContain(hook.secret);

    receiver.received.length = 0;
    // Not matching: another environment.
    expect(
      (await t.api('POST', '/projects/shop/flags/checkout/environments/development/kill', { reason: 'x' })).status,
    ).toBe(200);
    expect(
      (await t.api('POST', '/projects/shop/flags/checkout/environments/production/kill', { reason: 'incident 42' }))
        .status,
    ).toBe(200);
    const result = await t.app.jobs.tick();
    expect(result.done).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery!.verified).toBe(true);
    expect(JSON.parse(delivery!.body)).toMatchObject({
      type: 'flag_config.killed',
      project: 'shop',
      environment: 'production',
      target: { type: 'flag_config', key: 'checkout' },
      reason: 'incident 42',
      after: { enabled: false },
    });
    const log = await t.api('GET', `/webhooks/${hook.id}/deliveries`);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        eventType: 'flag_config.killed',
        state: 'succeeded',
        attempts: 1,
        responseStatus: 204,
      }),
    ]);
    expect(log.body.items[0].durationMs).toBeGreaterThanOrEqual(0);
    await t.api('DELETE', `/webhooks/${hook.id}`);
  });

  it('retries with exponential backoff until the receiver accepts, then redelivers on request', async () => {
    const hook = await createWebhook({ events: ['flag_config.restored'] });
    receiver.received.length = 0;
    receiver.failFirst = 2;
    expect((await t.api('POST', '/projects/shop/flags/checkout/environments/production/restore', {})).status).toBe(200);
    const start = Date.now();
    expect(await t.app.jobs.tick(new Date(start))).toMatchObject({ retried: 1 });
    // Not due yet 5 s later (first backoff is 10 s); due after 10 s, then after 20 s more.
    expect(await t.app.jobs.tick(new Date(start + 5_000))).toMatchObject({ done: 0, retried: 0 });
    expect(await t.app.jobs.tick(new Date(start + 10_000))).toMatchObject({ retried: 1 });
    let log = await t.api('GET', `/webhooks/${hook.id}/deliveries`);
    expect(log.body.items[0]).toMatchObject({ state: 'pending', attempts: 2, responseStatus: 500, error: 'HTTP 500' });
    expect(await t.app.jobs.tick(new Date(start + 29_000))).toMatchObject({ done: 0 });
    expect(await t.app.jobs.tick(new Date(start + 31_000))).toMatchObject({ done: 1 });
    expect(receiver.received.map((entry) => entry.verified)).toEqual([true, true, true]);
    log = await t.api('GET', `/webhooks/${hook.id}/deliveries`);
    expect(log.body.items[0]).toMatchObject({ state: 'succeeded', attempts: 3, responseStatus: 204, error: null });

    const again = await t.api('POST', `/webhooks/${hook.id}/deliveries/${log.body.items[0].id}/redeliver`);
    expect(again.status).toBe(202);
    expect(await t.db.prisma.auditEvent.count({ where: { action: 'webhook.redelivered', targetKey: hook.id } })).toBe(
      1,
    );
    expect(await t.app.jobs.tick(new Date(start + 32_000))).toMatchObject({ done: 1 });
    expect(receiver.received.at(-1)!.body).toBe(receiver.received[0]!.body);
    log = await t.api('GET', `/webhooks/${hook.id}/deliveries`);
    expect(log.body.items[0]).toMatchObject({ redeliveryOf: log.body.items[1].id, state: 'succeeded', attempts: 1 });
    await t.api('DELETE', `/webhooks/${hook.id}`);
  });

  it('gives up after the last attempt and marks the delivery failed', async () => {
    const hook = await createWebhook({ events: ['flag.updated'] });
    receiver.failFirst = 100;
    expect((await t.api('PATCH', '/projects/shop/flags/checkout', { name: 'Checkout v2' })).status).toBe(200);
    let now = Date.now();
    for (let attempt = 1; attempt <= 6; attempt++) {
      await t.app.jobs.tick(new Date(now));
      now += HOUR;
    }
    expect(await t.app.jobs.tick(new Date(now))).toMatchObject({ done: 0, retried: 0, failed: 0 });
    const log = await t.api('GET', `/webhooks/${hook.id}/deliveries`);
    expect(log.body.items[0]).toMatchObject({ state: 'failed', attempts: 6, responseStatus: 500 });
    receiver.failFirst = 0;
    await t.api('DELETE', `/webhooks/${hook.id}`);
  });

  it('sends a Slack-compatible { text } body with format slack', async () => {
    const hook = await createWebhook({ format: 'slack', events: ['flag_config.killed'] });
    receiver.received.length = 0;
    await t.api('POST', '/projects/shop/flags/checkout/environments/production/kill', { reason: 'slack test' });
    await t.app.jobs.tick();
    expect(JSON.parse(receiver.received[0]!.body)).toEqual({
      text: expect.stringContaining('*flag_config.killed* flag_config `checkout` in shop/production'),
    });
    await t.api('DELETE', `/webhooks/${hook.id}`);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const before = await t.db.prisma.webhook.count();
    const audits = await t.db.prisma.auditEvent.count();
    for (const body of [
      { name: 'x', url: 'ftp://example.com/hook' },
      { name: 'x', url: 'file:///etc/passwd' },
      { name: 'x', url: 'javascript:alert(1)' },
      { name: 'x', url: 'not a url' },
      { name: 'x', url: receiver.url, events: ['DROP TABLE'] },
      { name: 'x', url: receiver.url, project: 'nope' },
      { name: 'x', url: receiver.url, format: 'xml' },
      { name: 'x', url: receiver.url, secret: 'mine' },
    ]) {
      const response = await t.api('POST', '/webhooks', body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.error).toBe('bad_request');
    }
    expect((await t.api('PATCH', `/webhooks/00000000-0000-4000-8000-000000000000`, { name: 'y' })).status).toBe(404);
    expect((await t.api('GET', '/webhooks/not-a-uuid')).status).toBe(400);
    expect(await t.db.prisma.webhook.count()).toBe(before);
    expect(await t.db.prisma.auditEvent.count()).toBe(audits);
  });
});

describe('SWITCHYARD_WEBHOOK_DENY_PRIVATE', () => {
  it('refuses private targets when set: literal addresses at once, resolved ones at delivery (no retry)', async () => {
    const strict = await createTestApp({ jobPollMs: 0, secretKey: Buffer.alloc(32, 4), webhookDenyPrivate: true });
    try {
      for (const url of [
        'http://127.0.0.1/x',
        'http://10.1.2.3/x',
        'http://[::1]/x',
        'http://169.254.169.254/latest',
        'http://localhost:80/',
      ]) {
        expect((await strict.api('POST', '/webhooks', { name: 'x', url })).status).toBe(400);
      }
      // A name that resolves to loopback passes the URL check (say it resolved elsewhere when created) but
      // is refused when connecting: the delivery fails at once, without retries, and nothing arrives.
      const created = await strict.api('POST', '/webhooks', { name: 'x', url: 'http://example.com/hook' });
      expect(created.status).toBe(201);
      const port = new URL(receiver.url).port;
      await strict.db.prisma.webhook.update({
        where: { id: created.body.id },
        data: { url: `http://localhost:${port}/hook` },
      });
      receiver.received.length = 0;
      expect((await strict.api('PATCH', `/webhooks/${created.body.id}`, { name: 'renamed' })).status).toBe(200);
      expect(await strict.app.jobs.tick()).toMatchObject({ done: 0, retried: 0, failed: 1 });
      expect(receiver.received).toEqual([]);
      const log = await strict.api('GET', `/webhooks/${created.body.id}/deliveries`);
      expect(log.body.items[0]).toMatchObject({ eventType: 'webhook.updated', state: 'failed', attempts: 1 });
      expect(log.body.items[0].error).toContain('private address');
    } finally {
      await strict.close();
    }
  });

  it('refuses to create webhooks without a secret key in PostgreSQL mode (409), writing nothing', async () => {
    const keyless = await createTestApp({ jobPollMs: 0 });
    try {
      const response = await keyless.api('POST', '/webhooks', { name: 'x', url: receiver.url });
      expect(response.status).toBe(409);
      expect(response.body.message).toContain('SWITCHYARD_SECRET_KEY');
      expect(await keyless.db.prisma.webhook.count()).toBe(0);
    } finally {
      await keyless.close();
    }
  });
});

describe('fan-out without an enabled webhook', () => {
  it('marks the outbox processed under the drain lock (one-statement writes at once, without waking the runner), and a webhook enabled later gets only later changes', async () => {
    const app = await createTestApp({ jobPollMs: 0, secretKey: Buffer.alloc(32, 5) });
    const pending = () => app.db.prisma.eventOutbox.count({ where: { processedAt: null } });
    try {
      expect((await app.api('POST', '/projects', { key: 'shop', name: 'Shop' })).status).toBe(201);
      expect((await app.api('POST', '/projects/shop/environments', { key: 'prod', name: 'Prod' })).status).toBe(201);
      const flag = { key: 'checkout', name: 'Checkout', type: 'boolean' };
      expect((await app.api('POST', '/projects/shop/flags', flag)).status).toBe(201);
      const path = '/projects/shop/flags/checkout/environments/prod';
      expect((await app.api('POST', `${path}/on`, {})).status).toBe(200);
      expect(await pending()).toBeGreaterThan(0);

      // Another replica draining (it holds the lock): this one leaves the rows alone.
      await app.db.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('switchyard:event_outbox'))::text AS locked`;
        await app.app.jobs.tick();
        expect(await pending()).toBeGreaterThan(0);
      });

      await app.app.jobs.tick();
      expect(await pending()).toBe(0);
      expect(await app.db.prisma.webhookDelivery.count()).toBe(0);

      // A one-statement toggle with no webhook enabled: its row is processed as it is written, and
      // the job runner is not woken for it (there is nothing to drain).
      const wake = vi.spyOn(app.app.jobs, 'wake');
      const lastEvent = async () =>
        app.db.prisma.eventOutbox.findFirstOrThrow({
          orderBy: { id: 'desc' },
          select: { eventType: true, processedAt: true },
        });
      expect((await app.api('POST', `${path}/off`, {})).status).toBe(200);
      expect((await app.api('POST', `${path}/on`, {})).status).toBe(200);
      expect(await lastEvent()).toMatchObject({ eventType: 'flag_config.enabled', processedAt: expect.any(Date) });
      expect(await pending()).toBe(0);
      await new Promise((resolve) => setImmediate(resolve)); // the announcement follows the response
      expect(wake).not.toHaveBeenCalled();

      const created = await app.api('POST', '/webhooks', { name: 'ops', url: receiver.url, events: ['flag_config.*'] });
      expect(created.status).toBe(201);
      receiver.secret = created.body.secret;
      receiver.received.length = 0;
      expect((await app.api('POST', `${path}/off`, { reason: 'after the webhook' })).status).toBe(200);
      expect(await lastEvent()).toMatchObject({ eventType: 'flag_config.disabled', processedAt: null });
      await vi.waitFor(() => expect(wake).toHaveBeenCalled()); // pending: the runner is woken
      expect(await app.app.jobs.tick()).toMatchObject({ done: 1 });
      expect(receiver.received.map(({ body }) => JSON.parse(body).type)).toEqual(['flag_config.disabled']);
      expect(await pending()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
