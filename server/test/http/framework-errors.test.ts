import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * Errors fastify or Node raise themselves (routing, body parsing, the raw HTTP parser) answer in
 * the documented error shape `{ error, message, details? }` with the right status, like the
 * routes' own errors. Raw-socket cases go through a listening server: `inject` skips Node's parser.
 */
let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(async () => t?.close());

interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/** Writes `request` as-is to a new connection and reads until the server closes it or answers. */
function raw(request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? -1);
      const body = rest.join('\r\n\r\n');
      resolve({ status, headers: head, body: length >= 0 ? Buffer.from(body).subarray(0, length).toString() : body });
      socket.destroy();
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      const bodyStart = text.indexOf('\r\n\r\n');
      if (length !== undefined && bodyStart >= 0 && Buffer.byteLength(text) - bodyStart - 4 >= Number(length)) finish();
    });
    socket.on('end', finish);
    socket.on('error', (error) => (chunks.length > 0 ? finish() : reject(error)));
    socket.setTimeout(10_000, () => reject(new Error('no answer within 10 s')));
    socket.write(request);
  });
}

/** Asserts `status` and a JSON body that is exactly an ErrorBody with code `error`. */
function expectErrorShape(label: string, actual: { status: number; body: string }, status: number, error: string) {
  expect(actual.status, `${label} → ${actual.status} ${actual.body}`).toBe(status);
  const body = JSON.parse(actual.body) as Record<string, unknown>;
  expect(
    Object.keys(body).filter((key) => !['error', 'message', 'details'].includes(key)),
    label,
  ).toEqual([]);
  expect(body['error'], `${label} → ${actual.body}`).toBe(error);
  expect(typeof body['message'] === 'string' && body['message'].length > 0, label).toBe(true);
}

const auth = () => `Authorization: Bearer ${t.adminToken}\r\n`;

describe('errors from Node and fastify', () => {
  it('a URL path that is not percent-encoded UTF-8 (%zz): 400', async () => {
    const response = await raw(`GET /api/v1/projects/%zz HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`);
    expectErrorShape('GET /api/v1/projects/%zz', response, 400, 'bad_request');
    expect(JSON.parse(response.body).message).toContain('URL path');
  });

  it('a query value that is not percent-encoded UTF-8: 400 naming the parameter', async () => {
    const response = await raw(`GET /api/v1/audit?actor=%zz HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`);
    expectErrorShape('GET /api/v1/audit?actor=%zz', response, 400, 'bad_request');
    expect(JSON.parse(response.body).message).toContain('querystring.actor');
  });

  it('bad chunked encoding: 400', async () => {
    const response = await raw(
      `POST /api/v1/projects HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\n` +
        'Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    );
    expectErrorShape('bad chunk size', response, 400, 'bad_request');
  });

  it('headers too large: 431', async () => {
    const response = await raw(`GET /api/v1/projects HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectErrorShape('20 kB header', response, 431, 'request_header_fields_too_large');
  });

  it('a method HTTP does not know: 400', async () => {
    const response = await raw('FOO /api/v1/projects HTTP/1.1\r\nHost: x\r\n\r\n');
    expectErrorShape('FOO', response, 400, 'bad_request');
  });

  it('a path parameter longer than the router takes: 414', async () => {
    const url = `/api/v1/projects/${'a'.repeat(150)}`;
    const response = await t.app.inject({ method: 'GET', url, headers: t.adminHeaders });
    expectErrorShape(url, { status: response.statusCode, body: response.body }, 414, 'uri_too_long');
  });

  it('a body over the limit: 413; a content type other than JSON: 415', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { ...t.adminHeaders, 'content-type': 'application/json' },
      payload: JSON.stringify({ key: 'big', name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expectErrorShape('2 MiB body', { status: big.statusCode, body: big.body }, 413, 'payload_too_large');
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/v1/projects',
      headers: { ...t.adminHeaders, 'content-type': 'text/plain' },
      payload: 'key=x',
    });
    expectErrorShape('text/plain', { status: text.statusCode, body: text.body }, 415, 'unsupported_media_type');
  });

  it('unknown routes: 404; a known path with another method: 405 with Allow', async () => {
    // Other GET paths are the web console's pages (server/src/console/plugin.test.ts).
    for (const [method, url] of [
      ['GET', '/api/nope'],
      ['POST', '/nope'],
      ['GET', '/api/v1/projects/x/y/z/w'],
      ['DELETE', '/api/v1/projects/x/flags/y/z'],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: t.adminHeaders });
      expectErrorShape(`${method} ${url}`, { status: response.statusCode, body: response.body }, 404, 'not_found');
    }
    for (const [method, url, allow] of [
      ['PATCH', '/api/v1/audit?limit=1', 'GET, HEAD'],
      ['PUT', '/api/v1/projects/acme/flags/checkout', 'DELETE, GET, HEAD, PATCH'],
      ['DELETE', '/api/v1/projects', 'GET, HEAD, POST'],
    ] as const) {
      const response = await t.app.inject({ method, url, headers: t.adminHeaders });
      const label = `${method} ${url}`;
      expectErrorShape(label, { status: response.statusCode, body: response.body }, 405, 'method_not_allowed');
      expect(response.headers['allow'], label).toBe(allow);
    }
  });

  it('malformed or empty JSON where a body is required: 400', async () => {
    for (const payload of ['{"key":', '']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: { ...t.adminHeaders, 'content-type': 'application/json' },
        payload,
      });
      expectErrorShape(
        `body ${JSON.stringify(payload)}`,
        { status: response.statusCode, body: response.body },
        400,
        'bad_request',
      );
    }
  });
});
