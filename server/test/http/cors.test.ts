import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * Browsers on another origin call the SDK endpoints: the stream (EventSource, `?key=`) and the
 * snapshot (fetch with `Authorization` and `If-None-Match`, which need a preflight).
 */
const ORIGIN = 'https://shop.example';
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ corsOrigins: [ORIGIN] });
});
afterAll(async () => t?.close());

const preflight = (origin: string) =>
  t.app.inject({
    method: 'OPTIONS',
    url: '/api/v1/sdk/snapshot',
    headers: {
      origin,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization,if-none-match',
    },
  });

describe('CORS for browser SDK calls', () => {
  it('lets an allowed origin send Authorization and If-None-Match to the snapshot endpoint', async () => {
    const response = await preflight(ORIGIN);
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('if-none-match');
  });

  it('does not allow other origins', async () => {
    const response = await preflight('https://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes the ETag to allowed origins (the SDK sends it back as If-None-Match)', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/sdk/snapshot', headers: { origin: ORIGIN } });
    expect(response.statusCode).toBe(401); // no token: still a CORS-readable answer
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(response.headers['access-control-expose-headers']).toLowerCase()).toContain('etag');
  });
});
