import { createServer, type Server, type Socket } from 'node:net';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserClient, type BrowserClient, type BrowserClientOptions } from '../src/index.js';
import { SwitchyardWebProvider } from '../src/openfeature.js';
import { booleanFlag, numberFlag, patch, snapshot } from './support/flags.js';
import { fastClientOptions } from './support/options.js';
import { ProtocolServer } from './support/sse-server.js';
import { nextEvent, waitFor } from './support/wait.js';

const KEY = 'sy_client_failures';
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(revision = 1, port = 0): Promise<ProtocolServer> {
  const server = new ProtocolServer(
    snapshot(revision, [booleanFlag('new-checkout'), numberFlag('max-items', 25)]),
    KEY,
  );
  await server.start(port);
  cleanups.push(() => server.close());
  return server;
}

function client(url: string | string[], options: Partial<BrowserClientOptions> = {}): BrowserClient {
  const created = createBrowserClient({ ...fastClientOptions('', KEY), url, ...options });
  cleanups.push(() => created.close());
  return created;
}

/** A port nothing listens on (bound, then released). */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** A server that accepts connections and never answers (a hung replica, a black-holing proxy). */
async function hangingUrl(): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After a fatal 401/403: exactly one snapshot request (fetches never stack up, and the first answer
 * is the fatal one), then nothing more, though retries would come every 20–100 ms. EventSource hides
 * the stream's status, so stream retries already due before that answer may go out too (how many
 * depends on how slow the answer is), and one opened just before the close may reach the server a
 * moment later: count once it has.
 */
async function expectNoRequestsAfterFatal(server: ProtocolServer): Promise<string[]> {
  await sleep(300);
  const paths = server.requests.map((request) => request.path);
  expect(paths.filter((path) => path == '/api/v1/sdk/snapshot')).toHaveLength(1);
  await sleep(500);
  expect(server.requests).toHaveLength(paths.length);
  return paths;
}

describe('browser client failure modes', () => {
  it('ready() settles after readyTimeoutMs when the server never answers', async () => {
    const sdk = client(await hangingUrl(), { readyTimeoutMs: 300 });
    await expect(sdk.ready()).rejects.toThrow('Switchyard: readyTimeoutMs');
    expect(sdk.getValue('max-items', 10)).toBe(10);
  });

  it('ready() rejects with the URL and the cause when the server is down', async () => {
    const url = await deadUrl();
    const sdk = client(url);
    await expect(sdk.ready()).rejects.toThrow(`Switchyard: ${url}/api/v1/sdk/snapshot: TypeError`);
  });

  it('a wrong key is fatal: ready() rejects, `failed`, and no request after the first round', async () => {
    const server = await startServer();
    const sdk = client(server.url, { clientKey: 'sy_client_wrong' });
    const failed = nextEvent(sdk, 'failed');
    await expect(sdk.ready()).rejects.toThrow(`${server.url}/api/v1/sdk/snapshot: 401`);
    expect((await failed).message).toMatch(/401/);
    const paths = await expectNoRequestsAfterFatal(server);
    expect(paths[0]).toBe('/api/v1/sdk/stream');
    expect(sdk.isEnabled('new-checkout', true)).toBe(true); // the caller's default
  });

  it('a 403 is fatal too, and the bootstrap keeps being served', async () => {
    const server = await startServer();
    server.streamStatus = 403;
    server.snapshotStatus = 403;
    const sdk = client(server.url, { bootstrap: { 'new-checkout': false, 'max-items': 7 } });
    await sdk.ready(); // the bootstrap makes it ready at once
    await nextEvent(sdk, 'failed');
    await expectNoRequestsAfterFatal(server);
    expect(sdk.getValue('max-items', 0)).toBe(7);
    expect(sdk.isEnabled('new-checkout', true)).toBe(false);
  });

  it('works offline without a url: bootstrap only, no network', async () => {
    const fetches: unknown[] = [];
    const sdk = createBrowserClient({
      clientKey: KEY,
      offline: true,
      storage: null,
      bootstrap: snapshot(3, [numberFlag('max-items', 42)]),
      fetch: (...args: unknown[]) => {
        fetches.push(args);
        return Promise.reject(new Error('no network'));
      },
      EventSource: class {
        constructor() {
          throw new Error('no network');
        }
      } as unknown as BrowserClientOptions['EventSource'],
    });
    await sdk.ready();
    expect(sdk.getValue('max-items', 0)).toBe(42);
    const empty = createBrowserClient({ clientKey: KEY, offline: true, storage: null });
    await expect(empty.ready()).rejects.toThrow('Switchyard: offline');
    expect(empty.isEnabled('new-checkout', true)).toBe(true);
    expect(fetches).toEqual([]);
  });

  describe('several server URLs', () => {
    it('the first unreachable: flags come from the second', async () => {
      const server = await startServer();
      const sdk = client([await deadUrl(), server.url]);
      await sdk.ready();
      expect(sdk.getValue('max-items', 0)).toBe(25);
      await waitFor(() => server.streamCount > 0, 'a stream to the second server');
    });

    it('the server in use goes down: the client follows the other one', async () => {
      const first = await startServer();
      const second = await startServer();
      const sdk = client([first.url, second.url]);
      await sdk.ready();
      expect(first.streamCount).toBe(1);
      await first.close();
      second.replaceSilently(snapshot(2, [booleanFlag('new-checkout'), numberFlag('max-items', 99)]));
      await waitFor(() => sdk.getValue('max-items', 0) === 99, 'the second server’s snapshot');
      await waitFor(() => second.streamCount > 0, 'a stream to the second server');
    });
  });

  it('with the default backoff, clients follow a restarted server within about 2 s', async () => {
    const DOWN_MS = 8_000;
    let server = await startServer(1);
    const url = server.url;
    const port = Number(new URL(url).port);
    const sdks = Array.from({ length: 5 }, () =>
      client(url, { reconnectMinMs: undefined, reconnectMaxMs: undefined, pollIntervalMs: undefined }),
    );
    await Promise.all(sdks.map((sdk) => sdk.ready()));
    await server.close();
    await sleep(DOWN_MS);
    server = await startServer(2, port);
    server.replaceSilently(snapshot(2, [booleanFlag('new-checkout'), numberFlag('max-items', 99)]));
    const restartedAt = Date.now();
    const backAfter: number[] = [];
    await Promise.all(
      sdks.map(async (sdk) => {
        await waitFor(() => sdk.getValue('max-items', 0) === 99, 'the restarted server’s snapshot', 5_000);
        backAfter.push(Date.now() - restartedAt);
      }),
    );
    backAfter.sort((a, b) => a - b);
    console.info(
      `after ${DOWN_MS} ms down, browser clients had the new state ${backAfter.join(', ')} ms after the restart`,
    );
    expect(backAfter).toHaveLength(5);
  }, 30_000);
});

describe('OpenFeature web provider failure modes', () => {
  afterEach(async () => {
    await OpenFeature.close();
  });

  it('emits READY before any CONFIGURATION_CHANGED', async () => {
    const server = await startServer();
    const seen: string[] = [];
    for (const event of [ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]) {
      OpenFeature.addHandler(event, () => seen.push(event));
    }
    const provider = new SwitchyardWebProvider(fastClientOptions(server.url, KEY));
    await OpenFeature.setProviderAndWait(provider, { targetingKey: 'u-1' });
    server.publish(patch(2, [numberFlag('max-items', 26)]));
    await waitFor(() => seen.includes(ProviderEvents.ConfigurationChanged), 'CONFIGURATION_CHANGED');
    expect(seen).toEqual([ProviderEvents.Ready, ProviderEvents.ConfigurationChanged]);
  });

  it('a wrong key puts the provider in FATAL; evaluation returns the defaults', async () => {
    const server = await startServer();
    const provider = new SwitchyardWebProvider(fastClientOptions(server.url, 'sy_client_wrong'));
    await expect(OpenFeature.setProviderAndWait(provider)).rejects.toThrow(/401/);
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.FATAL);
    expect(OpenFeature.getClient().getNumberDetails('max-items', 3)).toMatchObject({
      value: 3,
      errorCode: 'PROVIDER_FATAL',
    });
    await expectNoRequestsAfterFatal(server);
  });
});
