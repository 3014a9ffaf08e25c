import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleWith } from '../../core/test/fixtures.js';
import type * as ClientModule from '../src/index.js';
import type { Flag } from '@switchyard/core';
import type { Snapshot } from '../src/index.js';
import { booleanFlag, patch, snapshot } from './support/flags.js';
import { fastClientOptions } from './support/options.js';
import { ProtocolServer } from './support/sse-server.js';
import { MemoryStorage, waitFor } from './support/wait.js';

// The built client, whose cidr/date/semver operators are dist/operators-extra.js, imported when a
// snapshot or patch uses them (src/operators.ts): what ships is what is tested.
const distClient = new URL('../dist/index.js', import.meta.url);
const { createBrowserClient } = (await import(distClient.href)) as typeof ClientModule;

/** A boolean flag serving `on` to contexts that meet `conditions` (and `segments`), `off` otherwise. */
const targeted = (key: string, conditions: Flag['rules'][number]['conditions'], segments: string[] = []): Flag =>
  booleanFlag(key, { defaultServe: { variant: 'off' }, rules: [ruleWith(conditions, { segments })] });

const context = { ip: '10.1.2.3', version: '2.1.0', signedUp: '2024-03-01', plan: 'pro' };

/** A snapshot with each rare operator family (a cidr segment too), and a flag without any. */
function rareSnapshot(revision = 1): Snapshot {
  return {
    ...snapshot(revision, [
      targeted('office', [], ['office-network']),
      targeted('new-app', [{ attribute: 'version', operator: 'semver_gte', values: ['2.0.0'] }]),
      targeted('early', [{ attribute: 'signedUp', operator: 'date_before', values: ['2025-01-01'] }]),
      targeted('not-early', [{ attribute: 'signedUp', operator: 'date_after', values: ['2025-01-01'] }]),
      targeted('pro', [{ attribute: 'plan', operator: 'in', values: ['pro'] }]),
    ]),
    segments: [{ key: 'office-network', conditions: [{ attribute: 'ip', operator: 'cidr', values: ['10.0.0.0/8'] }] }],
  };
}

const expectedValues = { office: true, 'new-app': true, early: true, 'not-early': false, pro: true };

describe('operators loaded on demand (dist/operators-extra.js)', () => {
  const servers: ProtocolServer[] = [];
  const serve = async (initial: Snapshot): Promise<ProtocolServer> => {
    const server = new ProtocolServer(initial, 'sy_client_ops');
    servers.push(server);
    await server.start();
    return server;
  };
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  it('a snapshot from the server using cidr, semver and date operators evaluates correctly after ready()', async () => {
    const server = await serve(rareSnapshot());
    const client = createBrowserClient({ ...fastClientOptions(server.url, 'sy_client_ops'), context });
    await client.ready();
    expect(client.allFlags()).toEqual(expectedValues);
    expect(client.evaluate('new-app', false)).toEqual({
      value: true,
      variant: 'on',
      reason: 'TARGETING_MATCH',
      ruleId: 'r1',
    });
    client.close();
  });

  it('so do a bootstrap snapshot and a cached one', async () => {
    const bootstrapped = createBrowserClient({
      url: 'http://127.0.0.1:9',
      clientKey: 'sy_client_ops',
      offline: true,
      storage: null,
      bootstrap: rareSnapshot(),
      context,
    });
    await bootstrapped.ready();
    expect(bootstrapped.allFlags()).toEqual(expectedValues);

    const storage = new MemoryStorage();
    storage.setItem('switchyard:http://127.0.0.1:9:sy_client_ops', JSON.stringify(rareSnapshot()));
    const cached = createBrowserClient({
      url: 'http://127.0.0.1:9',
      clientKey: 'sy_client_ops',
      offline: true,
      storage,
      context,
    });
    await cached.ready();
    expect(cached.allFlags()).toEqual(expectedValues);
  });

  it('with such a cache and the server up to date, `ready` waits for the file, then comes with those answers and no `change`', async () => {
    // The client copied next to an operators file that waits for the test's go (a slow network).
    const directory = await mkdtemp(join(tmpdir(), 'switchyard-slow-operators-'));
    const gate = globalThis as { releaseOperators?: Promise<void> };
    let release!: () => void;
    gate.releaseOperators = new Promise((resolve) => (release = resolve));
    await copyFile(distClient, join(directory, 'index.js'));
    await copyFile(new URL('../dist/index.js.map', import.meta.url), join(directory, 'index.js.map'));
    await writeFile(
      join(directory, 'operators-extra.js'),
      `await globalThis.releaseOperators;\nexport { operators } from ${JSON.stringify(new URL('../dist/operators-extra.js', import.meta.url).href)};\n`,
    );
    const slow = (await import(pathToFileURL(join(directory, 'index.js')).href)) as typeof ClientModule;
    const server = await serve(rareSnapshot());
    const storage = new MemoryStorage();
    storage.setItem(`switchyard:${server.url}:sy_client_ops`, JSON.stringify(rareSnapshot()));
    const client = slow.createBrowserClient({ ...fastClientOptions(server.url, 'sy_client_ops'), storage, context });
    const atReady: unknown[] = [];
    const changes: string[][] = [];
    client.on('ready', () => atReady.push(client.allFlags()));
    client.on('change', ({ flags }) => changes.push(flags));
    // The stream opens, up to date (the cache's revision): the open alone says "in sync".
    await waitFor(() => server.streamCount > 0, 'the stream');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(atReady).toEqual([]);
    release();
    await client.ready();
    client.close();
    await rm(directory, { recursive: true, force: true });
    expect(atReady).toEqual([expectedValues]);
    expect(changes).toEqual([]);
  });

  it('a patch introducing such an operator, and the patch after it, apply in order', async () => {
    const server = await serve(snapshot(1, [booleanFlag('plain')]));
    const client = createBrowserClient({ ...fastClientOptions(server.url, 'sy_client_ops'), context });
    await client.ready();
    // Each change, with the answers at that moment: an update needing the module is applied once it is loaded.
    const changes: [string[], Record<string, unknown>][] = [];
    client.on('change', ({ flags }) => changes.push([flags, client.allFlags()]));
    const snapshotFetches = () => server.requests.filter((request) => request.path.endsWith('/snapshot')).length;
    const fetchesBefore = snapshotFetches();
    // Revision 3 arrives while the module that revision 2 needs is loading: it must wait behind it.
    server.publish(
      patch(2, [targeted('new-app', [{ attribute: 'version', operator: 'semver_gte', values: ['2.0.0'] }])]),
    );
    server.publish(patch(3, [booleanFlag('plain', { enabled: false })]));
    await waitFor(() => changes.length == 2, 'a change event per patch');
    expect(changes).toEqual([
      [['new-app'], { plain: true, 'new-app': true }],
      [['plain'], { plain: false, 'new-app': true }],
    ]);
    // Applied as they came: neither was stale nor a gap (a gap would have fetched the snapshot).
    expect(snapshotFetches()).toBe(fetchesBefore);
    client.close();
  });

  describe('when the module cannot be loaded', () => {
    // The built client alone in a directory, without dist/operators-extra.js: its import fails.
    let directory: string;
    let isolated: typeof ClientModule;
    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'switchyard-no-operators-'));
      await copyFile(distClient, join(directory, 'index.js'));
      await copyFile(new URL('../dist/index.js.map', import.meta.url), join(directory, 'index.js.map'));
      isolated = (await import(pathToFileURL(join(directory, 'index.js')).href)) as typeof ClientModule;
    });
    afterAll(() => rm(directory, { recursive: true, force: true }));

    it('ready() settles, and flags using those operators give the default with an error, never a throw', async () => {
      const server = await serve(rareSnapshot());
      const client = isolated.createBrowserClient({ ...fastClientOptions(server.url, 'sy_client_ops'), context });
      await client.ready();
      for (const key of ['office', 'new-app', 'early', 'not-early']) {
        expect(client.evaluate(key, 'default')).toEqual({
          value: 'default',
          reason: 'ERROR',
          errorCode: 'GENERAL',
          errorMessage: key,
        });
        expect(client.isEnabled(key, true)).toBe(true);
        expect(client.isEnabled(key, false)).toBe(false);
      }
      // The other flags are unaffected, and later updates still apply.
      expect(client.isEnabled('pro')).toBe(true);
      server.publish(patch(2, [booleanFlag('pro', { enabled: false })]));
      await waitFor(() => !client.isEnabled('pro', true), 'the patch after the failed import');
      client.close();
    });

    it('an offline client bootstrapped with such a snapshot gets ready too', async () => {
      const client = isolated.createBrowserClient({
        url: 'http://127.0.0.1:9',
        clientKey: 'sy_client_ops',
        offline: true,
        storage: null,
        bootstrap: rareSnapshot(),
        context,
      });
      await client.ready();
      expect(client.evaluate('early', null)).toMatchObject({ value: null, errorCode: 'GENERAL' });
      expect(client.evaluate('pro', null)).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    });
  });
});
