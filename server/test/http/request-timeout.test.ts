import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../propagation/support/listening-app.js';
import { openStream } from './support/raw-stream.js';

/**
 * A body sent at one byte every few seconds kept its connection (and descriptor) open for 130 s and
 * more: Node's default is 300 s for a whole request. The request timeout bounds receiving the
 * request (headers and body) only; a stream, whose response goes on for hours, is not cut.
 */
const REQUEST_TIMEOUT_MS = 1_000;
/** Far above the timeout plus Node's check interval (a tenth of it): reaching it means no timeout. */
const GIVE_UP_MS = 15_000;
let server: ListeningApp;
let port: number;

beforeAll(async () => {
  server = await startListeningApp({
    config: { requestTimeoutMs: REQUEST_TIMEOUT_MS },
    propagation: { heartbeatMs: 300 },
  });
  port = Number(new URL(server.baseUrl).port);
});
afterAll(async () => server?.close());

interface Trickled {
  /** Everything the server sent before closing. */
  response: string;
  /** Bytes of the request we had sent when the server closed the connection. */
  sent: number;
  closedByServer: boolean;
}

/** Sends `head` at once, then `trickle` one byte every `everyMs`, until the server closes or we give up. */
function trickle(head: string, trickle: string, everyMs: number): Promise<Trickled> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => finish(false), GIVE_UP_MS);
    const finish = (closedByServer: boolean) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ response, sent, closedByServer });
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (response += chunk));
    socket.on('close', () => finish(true));
    socket.on('error', () => {});
    socket.on('connect', () => {
      if (head !== '') socket.write(head); // even an empty write would start Node's headers timeout
      timer = setInterval(() => {
        if (sent < trickle.length && socket.writable) socket.write(trickle[sent++]!);
      }, everyMs);
    });
  });
}

describe('request timeout', () => {
  it('answers 408 in the error shape and closes a connection whose body trickles in', async () => {
    const { secret } = await server.api.request<{ secret: string }>('POST', '/tokens', { name: 'slow', kind: 'admin' });
    const body = JSON.stringify({ key: 'slow', name: 'a body sent one byte at a time' });
    const result = await trickle(
      `POST /api/v1/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${secret}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
      200,
    );
    expect(result.closedByServer).toBe(true);
    expect(result.sent).toBeLessThan(body.length);
    expect(result.response).toMatch(/^HTTP\/1\.1 408 /);
    expect(result.response).toContain('{"error":"request_timeout","message":"The request was not received in time"}');
    // Nothing was written.
    expect(await server.db.prisma.project.count({ where: { key: 'slow' } })).toBe(0);
  });

  it('closes a connection whose headers trickle in', async () => {
    const result = await trickle('GET /healthz HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(200) + '\r\n\r\n', 200);
    expect(result.closedByServer).toBe(true);
    expect(result.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that sends nothing at all', async () => {
    const result = await trickle('', '', 1_000);
    expect(result.closedByServer).toBe(true);
    expect(result.response).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('keeps an idle keep-alive connection for its next request past that bound', async () => {
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (response += chunk));
    const request = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 2 * REQUEST_TIMEOUT_MS));
    socket.write(request);
    await new Promise((resolve) => setTimeout(resolve, 500));
    socket.destroy();
    expect(response.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
  });

  it('does not cut an SDK stream that lasts longer than the request timeout', async () => {
    await server.api.createProject('shop');
    await server.api.createEnvironment('shop', 'prod');
    const token = await server.api.createToken('server', 'shop', 'prod');
    const stream = await openStream(`${server.baseUrl}/api/v1/sdk/stream`, { authorization: `Bearer ${token}` });
    try {
      expect(stream.status).toBe(200);
      await stream.waitFor('event: put');
      await new Promise((resolve) => setTimeout(resolve, 3 * REQUEST_TIMEOUT_MS));
      // Still open: heartbeats keep arriving after the timeout has passed several times.
      const before = (await stream.waitFor(': ping')).split(': ping').length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = (await stream.waitFor(': ping')).split(': ping').length;
      expect(after).toBeGreaterThan(before);
    } finally {
      stream.close();
    }
  });
});
