import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../../test/propagation/support/listening-app.js';
import { acceptsGzip } from './routes.js';

describe('GET /sdk/snapshot encodings', () => {
  let server: ListeningApp;
  let token: string;
  const get = (headers: Record<string, string>) =>
    server.app.inject({
      method: 'GET',
      url: '/api/v1/sdk/snapshot',
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  beforeAll(async () => {
    server = await startListeningApp();
    await server.api.createProject('shop');
    await server.api.createEnvironment('shop', 'prod');
    token = await server.api.createToken('server', 'shop', 'prod');
    await server.api.createFlag('shop', 'checkout');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('gzips the body for clients that accept gzip, identity otherwise, the same JSON either way', async () => {
    const plain = await get({});
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    const zipped = await get({ 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zipped.headers.etag).toBe(plain.headers.etag);
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    expect(JSON.parse(plain.body).flags.map((flag: { key: string }) => flag.key)).toEqual(['checkout']);
    const refused = await get({ 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
  });

  it('reads Accept-Encoding lists, q-values and wildcards', () => {
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip(['deflate', 'x-gzip'])).toBe(true);
  });
});
