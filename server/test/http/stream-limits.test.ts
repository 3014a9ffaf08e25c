import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../propagation/support/listening-app.js';
import { openStream, type OpenedStream } from './support/raw-stream.js';

/**
 * A client token is public: without caps, one script opened 20,000 streams with it, the process
 * ran out of file descriptors and /healthz stopped answering. Streams are capped per replica
 * (503) and per client token and address (429), both with Retry-After, and everything else keeps
 * answering while the cap is reached.
 */
const MAX_STREAMS = 12;
const PER_CLIENT_IP = 3;
let server: ListeningApp;
let clientToken: string;
let otherClientToken: string;
let serverToken: string;
const open: OpenedStream[] = [];

beforeAll(async () => {
  server = await startListeningApp({
    config: { maxStreams: MAX_STREAMS, maxStreamsPerClientIp: PER_CLIENT_IP },
  });
  await server.api.createProject('shop');
  await server.api.createEnvironment('shop', 'prod');
  clientToken = await server.api.createToken('client', 'shop', 'prod');
  otherClientToken = await server.api.createToken('client', 'shop', 'prod');
  serverToken = await server.api.createToken('server', 'shop', 'prod');
});
afterEach(() => {
  for (const stream of open.splice(0)) stream.close();
});
afterAll(async () => server?.close());

const streamUrl = () => `${server.baseUrl}/api/v1/sdk/stream`;

async function stream(token: string, how: 'header' | 'query' = 'header'): Promise<OpenedStream> {
  const opened =
    how === 'query'
      ? await openStream(`${streamUrl()}?key=${token}`)
      : await openStream(streamUrl(), { authorization: `Bearer ${token}` });
  if (opened.status === 200) open.push(opened);
  return opened;
}

/** The replica's count drops when the server sees the socket close: wait until a stream fits again. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition never held');
}

describe('SDK stream limits', () => {
  it('refuses a client token more streams from one address than the limit, with 429 and Retry-After', async () => {
    for (let i = 0; i < PER_CLIENT_IP; i++) {
      const ok = await stream(clientToken, i % 2 === 0 ? 'header' : 'query');
      expect(ok.status).toBe(200);
      await ok.waitFor('event: put');
    }
    const refused = await stream(clientToken);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: 'too_many_requests', message: expect.stringContaining('streams') });

    // Another client token, and server tokens (secret, many pods behind one address), are not affected.
    expect((await stream(otherClientToken)).status).toBe(200);
    expect((await stream(serverToken)).status).toBe(200);

    // A closed stream gives its slot back.
    open.shift()!.close();
    await eventually(async () => (await stream(clientToken)).status === 200);
  });

  it('answers 503 with Retry-After once the replica holds its maximum, and health and admin calls still answer', async () => {
    // The streams of the previous test are gone once the server has seen their sockets close.
    while (open.length < MAX_STREAMS) await eventually(async () => (await stream(serverToken)).status === 200);
    const refused = await stream(serverToken);
    expect(refused.status).toBe(503);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(5);
    expect(retryAfter).toBeLessThanOrEqual(15);
    expect(refused.body).toMatchObject({ error: 'unavailable', message: expect.stringContaining(`${MAX_STREAMS}`) });
    expect((await stream(clientToken)).status).toBe(503);

    // The bound is a hang guard, not a speed check: before the limits these simply never answered.
    const signal = () => AbortSignal.timeout(5_000);
    expect((await fetch(`${server.baseUrl}/healthz`, { signal: signal() })).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/readyz`, { signal: signal() })).status).toBe(200);
    await expect(server.api.request('GET', '/projects')).resolves.toBeDefined();
    const snapshot = await fetch(`${server.baseUrl}/api/v1/sdk/snapshot`, {
      headers: { authorization: `Bearer ${clientToken}` },
      signal: signal(),
    });
    expect(snapshot.status).toBe(200);

    const metrics = await (await fetch(`${server.baseUrl}/metrics`, { signal: signal() })).text();
    expect(metrics).toMatch(/^switchyard_sdk_streams_refused_total\{reason="replica_full"\} [2-9]/m);
    expect(metrics).toMatch(/^switchyard_sdk_streams_refused_total\{reason="per_client_ip"\} [1-9]/m);

    open.pop()!.close();
    await eventually(async () => (await stream(serverToken)).status === 200);
  });
});
