import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserClient, type BrowserClient, type BrowserClientOptions } from '../src/index.js';
import { fastClientOptions } from './support/options.js';
import { booleanFlag, numberFlag, patch, planCopyFlag, snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';
import { MemoryStorage, nextEvent, waitFor } from './support/wait.js';

const KEY = 'sy_client_test';
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(revision = 1): Promise<ProtocolServer> {
  const server = new ProtocolServer(
    snapshot(revision, [booleanFlag('new-checkout'), planCopyFlag(), numberFlag('max-items', 25)]),
    KEY,
  );
  await server.start();
  cleanups.push(() => server.close());
  return server;
}

function client(server: ProtocolServer | string, options: Partial<BrowserClientOptions> = {}): BrowserClient {
  const created = createBrowserClient({
    ...fastClientOptions(typeof server === 'string' ? server : server.url, KEY),
    ...options,
  });
  cleanups.push(() => created.close());
  return created;
}

const streamRequests = (server: ProtocolServer) => server.requests.filter((r) => r.path === '/api/v1/sdk/stream');
const snapshotRequests = (server: ProtocolServer) => server.requests.filter((r) => r.path === '/api/v1/sdk/snapshot');

describe('browser client over a real SSE server', () => {
  it('connects with ?key=, becomes ready on the put, and evaluates locally', async () => {
    const server = await startServer();
    const sdk = client(server, { context: { userId: 'u-42', plan: 'pro' } });
    expect(sdk.evaluate('new-checkout', false)).toMatchObject({ value: false, errorCode: 'PROVIDER_NOT_READY' });
    await sdk.ready();
    expect(streamRequests(server)[0]).toMatchObject({ key: KEY, keyInUrl: true, lastEventId: null });
    expect(sdk.isEnabled('new-checkout')).toBe(true);
    expect(sdk.getValue('checkout-copy', 'x')).toBe('Upgrade your cart');
    expect(sdk.getVariant('checkout-copy')).toBe('pro');
    expect(sdk.getValue('max-items', 10)).toBe(25);
    expect(sdk.evaluate('checkout-copy')).toMatchObject({ reason: 'TARGETING_MATCH', ruleId: 'pro-plan' });
  });

  it('applies patches and emits change with the changed flag keys', async () => {
    const server = await startServer();
    const sdk = client(server);
    await sdk.ready();
    const change = nextEvent(sdk, 'change');
    server.publish(patch(2, [booleanFlag('new-checkout', { enabled: false, version: 2 })]));
    expect(await change).toEqual({ flags: ['new-checkout'] });
    expect(sdk.isEnabled('new-checkout', true)).toBe(false);
    expect(sdk.evaluate('new-checkout').reason).toBe('DISABLED');
  });

  it('refetches the full snapshot when a patch skips revisions (gap)', async () => {
    const server = await startServer();
    const sdk = client(server);
    await sdk.ready();
    server.replaceSilently(snapshot(3, [booleanFlag('new-checkout', { enabled: false })]));
    const change = nextEvent(sdk, 'change');
    server.publish(patch(4, [numberFlag('max-items', 50)]));
    expect((await change).flags).toEqual(expect.arrayContaining(['checkout-copy', 'max-items', 'new-checkout']));
    expect(snapshotRequests(server)).toHaveLength(1);
    expect(snapshotRequests(server)[0]!.ifNoneMatch).toBe('"1"');
    expect(sdk.getValue('max-items', 0)).toBe(50);
    expect(sdk.isEnabled('new-checkout')).toBe(false);
  });

  it('reconnects after the stream drops, resuming from the last revision', async () => {
    const server = await startServer();
    const sdk = client(server);
    await sdk.ready();
    const events: string[] = [];
    sdk.on('stale', () => events.push('stale'));
    sdk.on('ready', () => events.push('ready'));
    server.snapshotStatus = 503; // only the resumed stream can deliver the missed patch
    server.dropStreams();
    await waitFor(() => events.includes('stale'), 'stale');
    server.publish(patch(2, [numberFlag('max-items', 99)]));
    await waitFor(() => sdk.getValue('max-items', 0) === 99, 'the missed patch');
    expect(events.slice(0, 2)).toEqual(['stale', 'ready']);
    expect(streamRequests(server).slice(1)[0]).toMatchObject({ lastEventId: '1' });
  });

  it('falls back to polling while the stream endpoint fails, and picks up changes', async () => {
    const server = await startServer();
    server.streamStatus = 503;
    const errors: Error[] = [];
    const sdk = client(server);
    sdk.on('error', (error) => errors.push(error));
    await sdk.ready();
    expect(sdk.isEnabled('new-checkout')).toBe(true);
    server.replaceSilently(snapshot(2, [booleanFlag('new-checkout', { enabled: false })]));
    await waitFor(() => !sdk.isEnabled('new-checkout', true), 'a polled change');
    expect(errors.length).toBeGreaterThan(0);
    // Later polls are conditional on the revision held, and the stream keeps being retried.
    await waitFor(() => snapshotRequests(server).some((request) => request.ifNoneMatch === '"2"'), 'conditional poll');
    await waitFor(() => streamRequests(server).length >= 3, 'stream retries');
  });

  it('keeps its flags through garbage from the server and recovers', async () => {
    const server = await startServer();
    const sdk = client(server);
    await sdk.ready();
    const error = nextEvent(sdk, 'error');
    server.sendRaw('event: patch\nid: 2\ndata: {"not":"a patch"\n\n');
    expect((await error).message).toMatch(/invalid/);
    expect(sdk.isEnabled('new-checkout')).toBe(true);
    server.garbagePuts = 1;
    server.dropStreams();
    server.publish(patch(2, [numberFlag('max-items', 7)]));
    await waitFor(() => sdk.getValue('max-items', 0) === 7, 'recovery after garbage');
    expect(sdk.getValue('checkout-copy', '')).toBe('Buy now');
  });

  it('polls only when streaming is off, with conditional requests', async () => {
    const server = await startServer();
    const sdk = client(server, { streaming: false });
    await sdk.ready();
    await waitFor(() => snapshotRequests(server).length >= 3, 'polls');
    expect(streamRequests(server)).toHaveLength(0);
    expect(snapshotRequests(server)[0]!.ifNoneMatch).toBeUndefined();
    expect(snapshotRequests(server)[2]!.ifNoneMatch).toBe('"1"');
    // The key goes in the Authorization header: only the stream endpoint takes `?key=`.
    expect(snapshotRequests(server).every((request) => request.key === KEY && !request.keyInUrl)).toBe(true);
  });

  it('identify emits change only for flags whose answer changed', async () => {
    const server = await startServer();
    const sdk = client(server, { context: { userId: 'u-42', plan: 'basic' } });
    await sdk.ready();
    const change = nextEvent(sdk, 'change');
    await sdk.identify({ userId: 'u-43', plan: 'pro' });
    expect(await change).toEqual({ flags: ['checkout-copy'] });
    expect(sdk.getContext()).toEqual({ userId: 'u-43', plan: 'pro' });
    expect(sdk.getValue('checkout-copy', '')).toBe('Upgrade your cart');
  });

  it('rejects ready() when the first contact fails with nothing to serve, and keeps retrying', async () => {
    const server = await startServer();
    server.streamStatus = 500;
    server.snapshotStatus = 500;
    const sdk = client(server);
    await expect(sdk.ready()).rejects.toThrow();
    expect(sdk.getValue('max-items', 10)).toBe(10);
    server.streamStatus = 200;
    server.snapshotStatus = 200;
    await nextEvent(sdk, 'ready');
    expect(sdk.getValue('max-items', 10)).toBe(25);
  });

  it('caches the last snapshot and serves it when the server is unreachable', async () => {
    const server = await startServer();
    const storage = new MemoryStorage();
    const first = client(server, { storage });
    await first.ready();
    server.publish(patch(2, [numberFlag('max-items', 42)]));
    await waitFor(() => first.getValue('max-items', 0) === 42, 'patch');
    first.close();
    const url = server.url;
    await server.close();

    const offline = client(url, { storage });
    const stale = nextEvent(offline, 'stale');
    await offline.ready();
    await stale;
    expect(offline.getValue('max-items', 0)).toBe(42);
    expect(offline.evaluate('max-items').reason).toBe('STATIC');
  });
});

describe('bootstrap', () => {
  it('evaluates a bootstrap snapshot synchronously, before any network', async () => {
    const server = await startServer(5);
    const sdk = client(server, { bootstrap: server.snapshot, context: { plan: 'pro' } });
    expect(sdk.getValue('checkout-copy', '')).toBe('Upgrade your cart');
    await sdk.ready();
    await waitFor(() => streamRequests(server).length > 0, 'stream');
    expect(streamRequests(server)[0]!.lastEventId).toBe('5');
  });

  it('serves a value map as CACHED until the server snapshot replaces it, then reports what moved', async () => {
    const server = await startServer();
    const sdk = client(server, { bootstrap: { 'new-checkout': false, 'max-items': 25, 'only-here': 'x' } });
    expect(sdk.isEnabled('new-checkout', true)).toBe(false);
    expect(sdk.evaluate('max-items', 0)).toEqual({ value: 25, reason: 'CACHED' });
    expect(sdk.getValue('max-items', 'text')).toBe('text');
    expect(sdk.evaluate('max-items', 'text', 'string').errorCode).toBe('TYPE_MISMATCH');
    expect(sdk.evaluate('missing', 1).errorCode).toBe('FLAG_NOT_FOUND');
    const change = nextEvent(sdk, 'change');
    expect(await change).toEqual({ flags: ['checkout-copy', 'new-checkout', 'only-here'] });
    expect(sdk.isEnabled('new-checkout')).toBe(true);
    expect(sdk.evaluate('max-items').reason).toBe('STATIC');
  });

  it('offline: never touches the network and never throws', async () => {
    const sdk = createBrowserClient({
      url: 'http://127.0.0.1:9',
      clientKey: KEY,
      offline: true,
      storage: null,
      bootstrap: snapshot(1, [booleanFlag('a'), planCopyFlag()]),
    });
    await sdk.ready();
    expect(sdk.isEnabled('a')).toBe(true);
    expect(sdk.isEnabled('checkout-copy', true)).toBe(true);
    expect(sdk.evaluate('checkout-copy', 0, 'number')).toMatchObject({ value: 0, errorCode: 'TYPE_MISMATCH' });
    expect(sdk.evaluate('nope', 'd')).toMatchObject({ value: 'd', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(sdk.allFlags()).toEqual({ a: true, 'checkout-copy': 'Buy now' });
    const empty = createBrowserClient({ url: 'http://x', clientKey: KEY, offline: true, storage: null });
    await expect(empty.ready()).rejects.toThrow(/offline/);
    expect(empty.getValue('a', 3)).toBe(3);
  });
});
