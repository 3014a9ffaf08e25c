import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStream, type OpenedStream } from '../http/support/raw-stream.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';

/**
 * GET /metrics is public (scraped without a token), and it labelled stream counts with project and
 * environment keys: anyone could list a deployment's customers and environments. By default it
 * now counts streams per token kind only; with SWITCHYARD_METRICS_TOKEN it needs that token and
 * keeps the detailed labels.
 */
const METRICS_TOKEN = 'prometheus-scrape-token-0123';
const open: OpenedStream[] = [];
afterEach(() => {
  for (const stream of open.splice(0)) stream.close();
});

async function withStream(server: ListeningApp): Promise<void> {
  await server.api.createProject('acme-bank');
  await server.api.createEnvironment('acme-bank', 'prod-eu');
  const token = await server.api.createToken('client', 'acme-bank', 'prod-eu');
  const stream = await openStream(`${server.baseUrl}/api/v1/sdk/stream`, { authorization: `Bearer ${token}` });
  open.push(stream);
  expect(stream.status).toBe(200);
  await stream.waitFor('event: put');
}

describe('GET /metrics without SWITCHYARD_METRICS_TOKEN', () => {
  let server: ListeningApp;
  beforeAll(async () => {
    server = await startListeningApp();
  });
  afterAll(async () => server?.close());

  it('is public and names no project or environment', async () => {
    await withStream(server);
    const response = await fetch(`${server.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^switchyard_sdk_streams\{kind="client"\} 1$/m);
    expect(text).not.toContain('acme-bank');
    expect(text).not.toContain('prod-eu');
  });
});

describe('GET /metrics with SWITCHYARD_METRICS_TOKEN', () => {
  let server: ListeningApp;
  beforeAll(async () => {
    server = await startListeningApp({ config: { metricsToken: METRICS_TOKEN } });
  });
  afterAll(async () => server?.close());

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-metrics-token' }],
    ['an admin token', undefined],
  ])('answers 401 in the error shape to %s', async (_what, headers) => {
    const admin = await server.api.request<{ secret: string }>('POST', '/tokens', {
      name: `admin for ${_what}`, // active token names are unique
      kind: 'admin',
    });
    const response = await fetch(`${server.baseUrl}/metrics`, {
      headers: headers ?? { authorization: `Bearer ${admin.secret}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({
      error: 'unauthorized',
      message: expect.stringContaining('SWITCHYARD_METRICS_TOKEN') as unknown,
    });
  });

  it('serves the detailed labels to the token', async () => {
    await withStream(server);
    const response = await fetch(`${server.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(
      /^switchyard_sdk_streams\{project="acme-bank",environment="prod-eu",kind="client"\} 1$/m,
    );
  });
});
