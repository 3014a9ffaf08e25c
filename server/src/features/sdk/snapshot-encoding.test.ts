import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../../test/propagation/support/listening-app.js';
import { preferredEncoding } from '../../http/content-coding.js';

describe('GET /sdk/snapshot encodings', () => {
  let server: ListeningApp;
  let token: string;
  const get = (headers: Record<string, string>, bearer = token) =>
    server.app.inject({
      method: 'GET',
      url: '/api/v1/sdk/snapshot',
      headers: { authorization: `Bearer ${bearer}`, ...headers },
    });
  /** Whole-snapshot serializations and compressions made so far, by kind. */
  const encodings = async () => {
    const { values } = await server.app.propagation.metrics.snapshotEncodings.get();
    return Object.fromEntries(values.map((value) => [value.labels.kind, value.value]));
  };

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

  it('sends identical JSON as identity, gzip and brotli, with one ETag', async () => {
    const plain = await get({});
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('accept-encoding');
    const zipped = await get({ 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const brotli = await get({ 'accept-encoding': 'gzip, deflate, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    for (const response of [zipped, brotli]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers.vary).toBe('accept-encoding');
      expect(response.headers.etag).toBe(plain.headers.etag);
    }
    expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(brotliDecompressSync(brotli.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(JSON.parse(plain.body).flags.map((flag: { key: string }) => flag.key)).toEqual(['checkout']);
    const refused = await get({ 'accept-encoding': 'gzip;q=0, br;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toBe(plain.body);
  });

  it('serializes and compresses once per revision and view: later requests reuse the bytes', async () => {
    await server.api.toggle('shop', 'checkout', 'prod', true); // a revision nobody fetched yet
    const first = await Promise.all([get({}), get({ 'accept-encoding': 'gzip' }), get({ 'accept-encoding': 'br' })]);
    const made = await encodings();
    const again = await Promise.all([get({}), get({ 'accept-encoding': 'gzip' }), get({ 'accept-encoding': 'br' })]);
    expect(await encodings()).toEqual(made);
    expect(made.gzip).toBeGreaterThanOrEqual(1);
    expect(made.br).toBeGreaterThanOrEqual(1);
    for (const [index, response] of again.entries()) {
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.equals(first[index]!.rawPayload)).toBe(true);
    }
    // A new revision is encoded again (once).
    await server.api.toggle('shop', 'checkout', 'prod', false);
    await get({ 'accept-encoding': 'gzip' });
    await get({ 'accept-encoding': 'gzip' });
    expect((await encodings()).gzip).toBe(made.gzip! + 1);
  });

  it('prefers brotli, reads q-values and wildcards', () => {
    expect(preferredEncoding(undefined)).toBeUndefined();
    expect(preferredEncoding('identity')).toBeUndefined();
    expect(preferredEncoding('gzip, deflate, br')).toBe('br');
    expect(preferredEncoding('br;q=0.5, gzip')).toBe('gzip');
    expect(preferredEncoding('GZIP;q=0.5')).toBe('gzip');
    expect(preferredEncoding('gzip;q=0')).toBeUndefined();
    expect(preferredEncoding('*')).toBe('br');
    expect(preferredEncoding('*, br;q=0')).toBe('gzip');
    expect(preferredEncoding(['deflate', 'x-gzip'])).toBe('gzip');
  });
});
