import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandlers } from '../http/errors.js';
import { CONSOLE_CSP, consolePlugin, defaultConsoleDir } from './plugin.js';

const INDEX = '<!doctype html><title>console</title><script type="module" src="/assets/app-abc123.js"></script>';
const SCRIPT = 'console.log("app");'.repeat(50);

/** A bare app with the server's error handlers, one API route, and the console over `dir`. */
async function appWith(dir: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  installErrorHandlers(app);
  app.post('/api/v1/things', async () => ({ ok: true }));
  app.get('/api/v1/projects/:project', async () => ({ ok: true }));
  await app.register(consolePlugin, { dir });
  await app.ready();
  return app;
}

describe('the console at /', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'app-abc123.js'), SCRIPT);
    await writeFile(join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(SCRIPT));
    await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await appWith(dir);
  });
  afterAll(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers / and the console routes with index.html, never cached, under a strict CSP', async () => {
    for (const url of ['/', '/projects/demo/flags', '/projects/demo/flags/x/environments/production?q=1']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toBe(INDEX);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
  });

  it('serves hashed assets for a year, precompressed when the client accepts it', async () => {
    const plain = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/javascript/);
    const gzipped = await app.inject({
      method: 'GET',
      url: '/assets/app-abc123.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThan(SCRIPT.length);
    expect(gzipped.headers.vary).toMatch(/Accept-Encoding/i);
    const favicon = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('answers a missing asset with a 404, not the app', async () => {
    const response = await app.inject({ method: 'GET', url: '/assets/app-old999.js' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('reload the page') });
  });

  it("leaves the server's own paths alone: their unknown routes stay JSON 404s and 405s", async () => {
    for (const url of ['/api/v1/nowhere', '/ofrep/v1/x', '/docs/nothing', '/healthz/x', '/metrics/x', '/api']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toEqual({ error: 'not_found', message: `No route for GET ${url}` });
    }
    const wrongMethod = await app.inject({ method: 'GET', url: '/api/v1/things' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    // Only GETs fall back to the app: an unknown POST stays a 404.
    const post = await app.inject({ method: 'POST', url: '/somewhere' });
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ error: 'not_found' });
  });

  it('leaves what the router refuses to the router: a too-long path parameter is still a 414', async () => {
    // A catch-all route (`GET /*`) would catch it instead, and answer the app or a 404.
    const response = await app.inject({ method: 'GET', url: `/api/v1/projects/${'a'.repeat(150)}` });
    expect(response.statusCode).toBe(414);
  });

  it('serves nothing outside the build folder', async () => {
    for (const url of ['/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.body, url).not.toContain('root:');
      expect([200, 404], url).toContain(response.statusCode);
      if (response.statusCode === 200) expect(response.body).toBe(INDEX);
    }
  });

  it('explains, instead of crashing, when the console is not built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'switchyard-console-empty-'));
    const bare = await appWith(join(empty, 'missing'));
    try {
      const response = await bare.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('console is not built');
      expect(response.body).toContain('npm run build');
      expect((await bare.inject({ method: 'GET', url: '/api/v1/x' })).json()).toMatchObject({ error: 'not_found' });
    } finally {
      await bare.close();
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('finds console/dist beside the server workspace, from sources, the build or the image', () => {
    expect(defaultConsoleDir('file:///repo/server/src/console/plugin.ts')).toBe('/repo/console/dist');
    expect(defaultConsoleDir('file:///repo/server/dist/main.js')).toBe('/repo/console/dist');
    expect(defaultConsoleDir('file:///app/server/dist/console/plugin.js')).toBe('/app/console/dist');
  });
});
