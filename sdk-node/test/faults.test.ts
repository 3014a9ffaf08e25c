import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Snapshot } from '@switchyard/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent, SwitchyardClient } from '../src/index.js';
import { fastClients } from './support/fast-clients.js';
import { FaultProxy } from './support/fault-proxy.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';
import { nextEvent, waitFor } from './support/wait.js';

// Faults between the client and a real server, injected by a small HTTP proxy in front of it.
describe('client under faults', () => {
  let t: TestServer;
  let proxy: FaultProxy;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sdk-'));
  const { client, closeAll } = fastClients(() => ({ url: proxy.url, sdkKey: t.serverToken }));
  const errorsOf = (c: SwitchyardClient) => {
    const errors: Error[] = [];
    c.on('error', (error) => errors.push(error));
    return errors;
  };

  beforeAll(async () => {
    t = await startTestServer();
    await seedFlags(t);
    proxy = new FaultProxy(t.url);
    await proxy.up();
  });
  afterEach(async () => {
    await closeAll();
    proxy.mode = 'pass';
    await proxy.up().catch(() => {}); // a test may have left it down
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  it('server down at start: serves the bootstrap, then live data once the server is up', async () => {
    const live = (await (
      await fetch(`${t.url}/api/v1/sdk/snapshot`, { headers: { authorization: `Bearer ${t.serverToken}` } })
    ).json()) as Snapshot;
    // A bootstrap file from "build time": new-checkout on, at an older revision.
    const bootstrap: Snapshot = {
      ...live,
      revision: 1,
      flags: live.flags.map((flag) =>
        flag.key === 'new-checkout' ? { ...flag, enabled: true, defaultServe: { variant: 'on' } } : flag,
      ),
    };
    const file = join(dir, 'bootstrap.json');
    writeFileSync(file, JSON.stringify(bootstrap));
    await proxy.down();

    const c = client({ bootstrap: file });
    const errors = errorsOf(c);
    // Evaluation works from the first call, before any network.
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(true);
    await c.ready();
    expect(errors.length).toBeGreaterThan(0);
    expect(c.revision).toBe(1);

    const changed = nextEvent<ChangeEvent>((listener) => c.on('change', listener), 'change', 10_000);
    await proxy.up();
    expect((await changed).flags).toContain('new-checkout');
    expect(c.revision).toBe(live.revision);
    expect(c.isEnabled('new-checkout', { userId: 'u' })).toBe(false);
  });

  it('server down at start: the cache file of a previous run wins over an older bootstrap', async () => {
    const cacheFile = join(dir, 'nested', 'cache.json');
    const first = client({ cacheFile });
    await first.ready();
    await t.toggle('max-items', false); // serves "low" = 5 now
    await waitFor(() => first.getValue('max-items', 0, {}) === 5, 'the toggle');
    await first.close(); // flushes the cache file
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as Snapshot;
    expect(cached.revision).toBe(first.revision);

    await proxy.down();
    const old: Snapshot = { ...cached, revision: 1, flags: [] };
    const second = client({ cacheFile, bootstrap: old });
    expect(second.getValue('max-items', 0, {})).toBe(0); // the bootstrap has no flags; the cache is a fallback
    await second.ready();
    expect(second.revision).toBe(cached.revision);
    expect(second.getValue('max-items', 0, {})).toBe(5);

    await t.toggle('max-items', true);
    await proxy.up();
    await waitFor(() => second.getValue('max-items', 0, {}) === 50, 'live data after the server came up', 10_000);
  });

  it('stream cut mid-run: polls the snapshot while the stream is down, then streams again (Last-Event-ID)', async () => {
    const c = client();
    await c.ready();
    const revision = c.revision!;
    const snapshotsBefore = proxy.count('/api/v1/sdk/snapshot');
    proxy.mode = 'stream-down';
    proxy.cutStreams();
    await t.toggle('new-checkout', true);
    await waitFor(() => c.isEnabled('new-checkout', {}), 'the change through polling');
    expect(proxy.count('/api/v1/sdk/snapshot')).toBeGreaterThan(snapshotsBefore);

    const streamsBefore = proxy.count('/api/v1/sdk/stream');
    proxy.mode = 'pass';
    await waitFor(() => proxy.count('/api/v1/sdk/stream') > streamsBefore, 'a new stream');
    // The reconnect resumed from the revision held, so the server sends only what was missed.
    expect(Number(proxy.lastEventIds.at(-1))).toBeGreaterThan(revision);
    await t.toggle('new-checkout', false);
    await waitFor(() => !c.isEnabled('new-checkout', {}), 'the change after the stream is back');
    // The stream is up again, so polling has stopped.
    const polls = proxy.count('/api/v1/sdk/snapshot');
    await new Promise((resolve) => setTimeout(resolve, 400)); // 4 poll intervals
    expect(proxy.count('/api/v1/sdk/snapshot')).toBe(polls);
    await t.toggle('new-checkout', true);
    await waitFor(() => c.isEnabled('new-checkout', {}), 'a change through the stream');
    expect(proxy.count('/api/v1/sdk/snapshot')).toBe(polls);
  });

  for (const mode of ['error', 'garbage'] as const) {
    it(`server answering ${mode === 'error' ? '500' : 'garbage'}: keeps the last good snapshot, emits error, never throws`, async () => {
      const c = client();
      await c.ready();
      const revision = c.revision;
      const before = c.allFlags({ country: 'NO' });
      const errors = errorsOf(c);
      proxy.mode = mode;
      proxy.cutStreams();
      await waitFor(() => errors.length >= 3, 'errors');
      expect(errors.every((error) => error instanceof Error)).toBe(true);
      expect(c.revision).toBe(revision);
      expect(c.allFlags({ country: 'NO' })).toEqual(before);
      expect(c.evaluate('checkout-copy', { country: 'NO' }).variant).toBe('treatment');

      const recovered = nextEvent<void>((listener) => c.on('ready', listener), 'ready again');
      proxy.mode = 'pass';
      await recovered;
    });
  }

  it('a silent stream (no heartbeat) is taken for dead and reconnected', async () => {
    proxy.mode = 'silent-stream';
    const c = client({ heartbeatTimeoutMs: 200 });
    const errors = errorsOf(c);
    await c.ready(); // the snapshot fetch that follows the dead stream loads the flags
    await waitFor(() => proxy.count('/api/v1/sdk/stream') >= 3, 'reconnects');
    expect(errors.some((error) => /silent/.test(error.message))).toBe(true);
  });

  it('emits stale after staleAfterMs without contact, keeps serving, and ready when contact is back', async () => {
    const c = client({ staleAfterMs: 300 });
    await c.ready();
    const stale = nextEvent<void>((listener) => c.on('stale', listener), 'stale');
    await proxy.down();
    await stale;
    expect(c.getValue('checkout-copy', '', { country: 'SE' })).toBe('Complete your order');
    const ready = nextEvent<void>((listener) => c.on('ready', listener), 'ready');
    await proxy.up();
    await ready;
  });
});
