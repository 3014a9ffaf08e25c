import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openMigratedTestDatabase, type OpenTestDatabase } from '../helpers/db.js';

/**
 * A browser on an origin the server does not allow saw only "Failed to fetch", and the server said
 * nothing. Now the refusal is logged (warn: origin, method, path; never the query, which may hold
 * a client key) and a refused preflight gets a 403 in the error shape naming the origin and the
 * variable to set, which devtools shows. Same-origin requests (they send Origin too) are no refusal.
 */
interface LogLine {
  level: number;
  msg: string;
  origin?: string;
  method?: string;
  path?: string;
  preflight?: boolean;
}

const ALLOWED = 'https://shop.example';
const REFUSED = 'https://evil.example';
const WARN = 40;

function logCapture() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      callback();
    },
  });
  return { lines, stream, warnings: () => lines.filter((line) => line.level === WARN) };
}

async function start(corsOrigins: string[]) {
  const database = await openMigratedTestDatabase();
  const config = { ...loadConfig({ DATABASE_URL: database.database.url }), corsOrigins };
  const log = logCapture();
  const app = await buildApp({ db: database.db, config, logger: { level: 'warn', stream: log.stream } });
  await app.ready();
  return { app, database, log };
}

const preflight = (app: App, origin: string, url = '/api/v1/sdk/snapshot') =>
  app.inject({
    method: 'OPTIONS',
    url,
    headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
  });

describe.each([
  ['with SWITCHYARD_CORS_ORIGINS set', [ALLOWED], 'origin not in SWITCHYARD_CORS_ORIGINS'],
  ['with CORS off', [], 'SWITCHYARD_CORS_ORIGINS is empty'],
])('CORS refusals %s', (_what, origins, reason) => {
  let server: { app: App; database: OpenTestDatabase; log: ReturnType<typeof logCapture> };
  beforeAll(async () => {
    server = await start(origins);
  });
  beforeEach(() => {
    server.log.lines.length = 0;
  });
  afterAll(async () => {
    await server?.app.close();
    await server?.database.close();
  });

  it('answers a refused preflight 403 in the error shape, naming the origin, and logs it', async () => {
    const response = await preflight(server.app, REFUSED);
    expect(response.statusCode).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.json()).toEqual({
      error: 'forbidden',
      message: `Origin ${REFUSED} may not call this server: add it to SWITCHYARD_CORS_ORIGINS`,
    });
    expect(server.log.warnings()).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining(reason) as unknown,
        origin: REFUSED,
        method: 'GET',
        path: '/api/v1/sdk/snapshot',
        preflight: true,
      }),
    ]);
  });

  it('logs a refused actual request without its query (it may hold a client key), once a minute per origin', async () => {
    const origin = 'https://other.example';
    for (let i = 0; i < 3; i++) {
      const response = await server.app.inject({
        method: 'GET',
        url: '/api/v1/sdk/stream?key=sy_client_secretish',
        headers: { origin },
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    }
    const warnings = server.log.warnings();
    expect(warnings).toEqual([
      expect.objectContaining({ origin, method: 'GET', path: '/api/v1/sdk/stream', preflight: false }),
    ]);
    expect(JSON.stringify(server.log.lines)).not.toContain('sy_client_secretish');
  });

  it('does not count a same-origin request as a refusal', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'http://switchyard.internal:4242', host: 'switchyard.internal:4242' },
    });
    expect(response.statusCode).toBe(200);
    expect(server.log.warnings()).toEqual([]);
  });
});

describe('CORS for an allowed origin', () => {
  let server: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    server = await start([ALLOWED]);
  });
  afterAll(async () => {
    await server?.app.close();
    await server?.database.close();
  });

  it('still answers its preflight 204 and logs nothing', async () => {
    const response = await preflight(server.app, ALLOWED);
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(server.log.warnings()).toEqual([]);
  });
});
