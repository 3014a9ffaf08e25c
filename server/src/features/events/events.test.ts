import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startListeningApp, type ListeningApp } from '../../../test/propagation/support/listening-app.js';

/**
 * The admin event stream: the console hears of changes made elsewhere within a second, without
 * polling. Real sockets (SSE), real database.
 */
let server: ListeningApp;
const api = <T>(method: string, path: string, body?: unknown, token?: string) =>
  server.api.request<T>(method, path, body, token);

interface Stream {
  /** The next `change` event's data, or null when the stream ended first. */
  next(timeoutMs?: number): Promise<Record<string, unknown> | null>;
  close(): void;
  status: number;
  contentType: string | null;
}

async function openStream(query = '', token?: string): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${server.baseUrl}/api/v1/events${query}`, {
    headers: { authorization: `Bearer ${token ?? (server.api as unknown as { adminToken: string }).adminToken}` },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    close: () => controller.abort(),
    async next(timeoutMs = 1000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = /event: change\ndata: (.*)\n\n/.exec(buffer);
        if (match) {
          buffer = buffer.slice(match.index + match[0].length);
          return JSON.parse(match[1]!) as Record<string, unknown>;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no change event within ${timeoutMs} ms; got ${JSON.stringify(buffer)}`);
        const chunk = await Promise.race([
          reader.read(),
          new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), left)),
        ]);
        if (chunk === 'timeout') continue;
        if (chunk.done) return null;
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
  };
}

beforeAll(async () => {
  server = await startListeningApp();
  for (const project of ['shop', 'blog']) {
    await server.api.createProject(project);
    await server.api.createEnvironment(project, 'production');
    await server.api.createFlag(project, 'checkout');
  }
});
afterAll(async () => server?.close());

describe('GET /events', () => {
  it('sends each committed change within a second, by project and environment keys', async () => {
    const stream = await openStream();
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain('text/event-stream');
    const started = Date.now();
    await api('POST', '/projects/shop/flags/checkout/environments/production/kill', { reason: 'incident' });
    expect(await stream.next()).toEqual({
      project: 'shop',
      environment: 'production',
      revision: expect.any(Number),
      flags: ['checkout'],
      segments: [],
    });
    expect(Date.now() - started).toBeLessThan(1000);
    stream.close();
  });

  it('narrows to one project with ?project=', async () => {
    const stream = await openStream('?project=blog');
    await api('POST', '/projects/shop/flags/checkout/environments/production/on', {});
    await api('POST', '/projects/blog/flags/checkout/environments/production/on', {});
    expect(await stream.next()).toMatchObject({ project: 'blog', flags: ['checkout'] });
    stream.close();
    const unknown = await fetch(`${server.baseUrl}/api/v1/events?project=nope`, {
      headers: { authorization: `Bearer ${(server.api as unknown as { adminToken: string }).adminToken}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('is for admin tokens only, and a revoked token’s stream ends instead of receiving changes', async () => {
    const serverToken = await server.api.createToken('server', 'shop', 'production');
    const refused = await fetch(`${server.baseUrl}/api/v1/events`, {
      headers: { authorization: `Bearer ${serverToken}` },
    });
    expect(refused.status).toBe(403);
    expect((await fetch(`${server.baseUrl}/api/v1/events`)).status).toBe(401);

    const alice = await api<{ id: string; secret: string }>('POST', '/tokens', { name: 'alice', kind: 'admin' });
    const stream = await openStream('', alice.secret);
    expect(stream.status).toBe(200);
    await api('DELETE', `/tokens/${alice.id}`);
    await api('POST', '/projects/shop/flags/checkout/environments/production/off', {});
    expect(await stream.next()).toBeNull();
  });

  it('answers HEAD with the stream headers without opening a stream', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/events`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${(server.api as unknown as { adminToken: string }).adminToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
  });
});
