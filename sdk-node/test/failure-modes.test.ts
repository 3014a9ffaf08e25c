import { createServer, type Socket } from 'node:net';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import type { Snapshot } from '@switchyard/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SwitchyardProvider } from '../src/openfeature.js';
import { fastClients } from './support/fast-clients.js';
import { FaultProxy } from './support/fault-proxy.js';
import { runScript } from './support/script.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';
import { nextEvent, waitFor } from './support/wait.js';

/** A port nothing listens on (bound, then released). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A server that accepts connections and never answers (a hung replica, a black-holing proxy). */
async function hangingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const SDK_PATHS = ['/api/v1/sdk/stream', '/api/v1/sdk/snapshot', '/api/v1/sdk/metrics'];

/** The script of issue 11: create a client, await ready(), use it. */
const READY_SCRIPT = `
import { createClient } from '@switchyard/sdk-node';
const client = createClient({
  url: process.env.SWITCHYARD_URL,
  sdkKey: process.env.SWITCHYARD_SDK_KEY,
  readyTimeoutMs: Number(process.env.READY_TIMEOUT_MS),
});
await client.ready();
console.log('new-checkout is', client.isEnabled('new-checkout'));
await client.close();
`;

// What an application sees when the server is down or refuses its key (issue 11, item 9).
describe('SDK failure modes', () => {
  let t: TestServer;
  let proxy: FaultProxy;
  const { client, track, closeAll } = fastClients(() => ({ url: proxy.url, sdkKey: t.serverToken }));
  const sdkRequests = (target: FaultProxy) => SDK_PATHS.reduce((sum, path) => sum + target.count(path), 0);

  beforeAll(async () => {
    t = await startTestServer();
    await seedFlags(t);
    proxy = new FaultProxy(t.url);
    await proxy.up();
  });
  afterEach(async () => {
    await closeAll();
    proxy.mode = 'pass';
    proxy.requests.clear();
  });
  afterAll(async () => {
    await OpenFeature.clearProviders();
    await proxy?.close();
    await t?.close();
  });

  describe('a script awaiting ready()', () => {
    it('with the server down: ready() rejects after readyTimeoutMs, naming the URL and the cause', async () => {
      const url = await deadUrl();
      const run = await runScript(READY_SCRIPT, {
        SWITCHYARD_URL: url,
        SWITCHYARD_SDK_KEY: t.serverToken,
        READY_TIMEOUT_MS: '1500',
      });
      console.info(`server down: the script ended after ${run.ms} ms with code ${run.code}`);
      // Not 13 ("unsettled top-level await", the process emptied its event loop while waiting).
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Switchyard: no flags after 1500 ms');
      expect(run.stderr).toContain(`could not reach ${url} (ECONNREFUSED)`);
      expect(run.stdout).toBe('');
    });

    it('with a wrong token: ready() rejects at once with the 401 and the server message', async () => {
      const run = await runScript(READY_SCRIPT, {
        SWITCHYARD_URL: proxy.url,
        SWITCHYARD_SDK_KEY: 'sy_server_wrong',
        READY_TIMEOUT_MS: '20000',
      });
      console.info(`wrong token: the script ended after ${run.ms} ms with code ${run.code}`);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Switchyard: ${proxy.url} rejected the sdkKey (401`);
      expect(run.stderr).toContain('will not retry');
      // It did not wait for readyTimeoutMs (20 s) to say so.
      expect(run.stderr).not.toContain('no flags after');
    });

    it('that never calls ready() ends normally, with no unhandled rejection', async () => {
      const run = await runScript(
        `import { createClient } from '@switchyard/sdk-node';
         const client = createClient({ url: process.env.SWITCHYARD_URL, sdkKey: 'sy_server_wrong', readyTimeoutMs: 200 });
         console.log('default', client.isEnabled('new-checkout', {}, true));
         setTimeout(() => console.log('still running'), 600);`,
        { SWITCHYARD_URL: proxy.url },
      );
      expect(run).toMatchObject({ code: 0, stdout: 'default true\nstill running\n', stderr: '' });
    });
  });

  describe('a refused key (401/403) is fatal', () => {
    it('a wrong token: one request, ready() rejects, `failed`, no retries; evaluation serves the bootstrap', async () => {
      const live = (await (
        await fetch(`${t.url}/api/v1/sdk/snapshot`, { headers: { authorization: `Bearer ${t.serverToken}` } })
      ).json()) as Snapshot;
      const bootstrap: Snapshot = {
        ...live,
        flags: live.flags.map((flag) => (flag.key === 'new-checkout' ? { ...flag, enabled: true } : flag)),
      };
      const c = client({ sdkKey: 'sy_server_wrong', bootstrap, metrics: {} });
      const failed = nextEvent<Error>((listener) => c.on('failed', listener), 'failed');
      await expect(c.ready()).rejects.toThrow(/rejected the sdkKey \(401/);
      expect((await failed).message).toMatch(/will not retry/);
      expect(c.failure).toBe(await failed);
      // Retries would have come every 20–100 ms: give them time to show up.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sdkRequests(proxy)).toBe(1);
      expect(c.isEnabled('new-checkout', { userId: 'u' }, false)).toBe(true);
      expect(c.getValue('max-items', 0, {})).toBe(50);
      await c.close(); // sends no usage report with the refused key
      expect(sdkRequests(proxy)).toBe(1);
    });

    it('polling only: the first 401 snapshot answer is fatal too', async () => {
      const c = client({ sdkKey: 'sy_server_wrong', streaming: false });
      await expect(c.ready()).rejects.toThrow(/401/);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(proxy.count('/api/v1/sdk/snapshot')).toBe(1);
      expect(c.isEnabled('new-checkout', {}, true)).toBe(true); // the caller's default
    });

    it('an admin token on the SDK endpoints (403) is fatal', async () => {
      const adminToken = (t.server.api as unknown as { adminToken: string }).adminToken;
      const c = client({ sdkKey: adminToken });
      await expect(c.ready()).rejects.toThrow(/refused the sdkKey \(403/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sdkRequests(proxy)).toBe(1);
    });

    it('a token revoked while running: the next connection fails for good, the last snapshot stays', async () => {
      const created = await t.admin<{ id: string; secret: string }>('POST', '/tokens', {
        name: 'revoked-later',
        kind: 'server',
        project: t.project,
        environment: t.environment,
      });
      const c = client({ sdkKey: created.secret });
      await c.ready();
      const before = c.getValue('checkout-copy', '', { country: 'NO' });
      const failed = nextEvent<Error>((listener) => c.on('failed', listener), 'failed');
      await t.admin('DELETE', `/tokens/${created.id}`);
      proxy.cutStreams(); // the server may keep an open stream of a revoked token; a reconnect may not
      expect((await failed).message).toMatch(/401/);
      const seen = sdkRequests(proxy);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(sdkRequests(proxy)).toBe(seen);
      expect(c.getValue('checkout-copy', '', { country: 'NO' })).toBe(before);
    });

    it('puts the OpenFeature provider in FATAL; evaluation returns the defaults', async () => {
      const domain = 'switchyard-fatal';
      const provider = new SwitchyardProvider({
        url: proxy.url,
        sdkKey: 'sy_server_wrong',
        metrics: false,
        reconnectMinMs: 20,
        reconnectMaxMs: 100,
      });
      track(provider.client);
      const errors: string[] = [];
      OpenFeature.getClient(domain).addHandler(ProviderEvents.Error, (details) => errors.push(details?.message ?? ''));
      await expect(OpenFeature.setProviderAndWait(domain, provider)).rejects.toThrow(/401/);
      const client = OpenFeature.getClient(domain);
      expect(client.providerStatus).toBe(ProviderStatus.FATAL);
      expect(errors.some((message) => /rejected the sdkKey/.test(message))).toBe(true);
      expect(await client.getBooleanDetails('new-checkout', true)).toMatchObject({
        value: true,
        errorCode: 'PROVIDER_FATAL',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sdkRequests(proxy)).toBe(1);
    });

    it('a key revoked after initialization turns a READY provider FATAL', async () => {
      const created = await t.admin<{ id: string; secret: string }>('POST', '/tokens', {
        name: 'provider-revoked',
        kind: 'server',
        project: t.project,
        environment: t.environment,
      });
      const domain = 'switchyard-revoked';
      const provider = new SwitchyardProvider({ url: proxy.url, sdkKey: created.secret, metrics: false });
      track(provider.client);
      await OpenFeature.setProviderAndWait(domain, provider);
      const client = OpenFeature.getClient(domain);
      expect(client.providerStatus).toBe(ProviderStatus.READY);
      await t.admin('DELETE', `/tokens/${created.id}`);
      proxy.cutStreams();
      await waitFor(() => client.providerStatus === ProviderStatus.FATAL, 'FATAL');
    });
  });

  describe('several server URLs', () => {
    let second: FaultProxy;
    beforeAll(async () => {
      second = new FaultProxy(t.url);
      await second.up();
    });
    afterEach(() => {
      second.mode = 'pass';
      second.requests.clear();
    });
    afterAll(async () => {
      await second?.close();
    });

    it('the first unreachable: the client gets its flags from the second', async () => {
      const c = client({ url: [await deadUrl(), second.url] });
      await c.ready();
      expect(c.revision).toBeGreaterThan(0);
      expect(c.getValue('max-items', 0, {})).toBe(50);
      await waitFor(() => second.count('/api/v1/sdk/stream') > 0, 'a stream to the second server');
    });

    it('the first hung (accepts, never answers): after requestTimeoutMs the client moves on', async () => {
      const hung = await hangingServer();
      try {
        const c = client({ url: [hung.url, second.url], requestTimeoutMs: 300 });
        const errors: Error[] = [];
        c.on('error', (error) => errors.push(error));
        await c.ready();
        expect(c.getValue('max-items', 0, {})).toBe(50);
        expect(errors.some((error) => error.message.includes(`no answer to the stream request within 300 ms`))).toBe(
          true,
        );
      } finally {
        await hung.close();
      }
    });

    it('the first answering 500: the client moves on to the second, and follows changes there', async () => {
      proxy.mode = 'error';
      const c = client({ url: [proxy.url, second.url] });
      await c.ready();
      await t.toggle('max-items', false);
      await waitFor(() => c.getValue('max-items', 0, {}) === 5, 'the change through the second server');
      await t.toggle('max-items', true);
      await waitFor(() => c.getValue('max-items', 0, {}) === 50, 'the change back');
    });

    it('the server in use goes down: the client fails over to the other and keeps following changes', async () => {
      const c = client({ url: [proxy.url, second.url] });
      await c.ready();
      expect(proxy.count('/api/v1/sdk/stream')).toBe(1);
      await proxy.down();
      await waitFor(() => second.count('/api/v1/sdk/stream') > 0, 'a stream to the second server');
      await t.toggle('new-checkout', true);
      await waitFor(() => c.isEnabled('new-checkout', {}), 'the change through the second server');
      await t.toggle('new-checkout', false);
      await waitFor(() => !c.isEnabled('new-checkout', {}), 'the change back');
      await proxy.up();
    });
  });
});
