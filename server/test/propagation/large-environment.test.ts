import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFlag } from '../helpers/flag-copies.js';
import { startListeningApp, type ListeningApp } from './support/listening-app.js';
import { SseClient } from './support/sse-client.js';

const FLAGS = 10_000;

/**
 * A 10,000-flag environment: its snapshot (~2 MB here, ~6 MB with rules) is larger than the
 * per-stream slow-consumer limit (1 MiB), which used to drop every new stream at once.
 */
describe('a 10,000-flag environment', () => {
  let server: ListeningApp;
  const tokens: Record<'server' | 'client', string> = { server: '', client: '' };
  const streamUrl = () => `${server.baseUrl}/api/v1/sdk/stream`;

  beforeAll(async () => {
    server = await startListeningApp();
    await server.api.createProject('shop');
    await server.api.createEnvironment('shop', 'prod');
    await server.api.createFlag('shop', 'flag-00000', { clientSide: true });
    tokens.server = await server.api.createToken('server', 'shop', 'prod');
    tokens.client = await server.api.createToken('client', 'shop', 'prod');
    await copyFlag(server.db.prisma, 'flag-00000', FLAGS - 1);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ['a server token', 'server'],
    ['a client token as ?key= (what EventSource sends)', 'client'],
  ] as const)(
    'streams the whole initial state to a raw SSE client with %s, then patches',
    async (_name, kind) => {
      const client = new SseClient(
        kind === 'server'
          ? { url: streamUrl(), token: tokens.server }
          : { url: `${streamUrl()}?key=${encodeURIComponent(tokens.client)}` },
      );
      try {
        await client.connect();
        await client.waitFor(() => client.snapshot !== undefined || client.endedAt !== undefined, 30_000, 'a put');
        expect(client.endedAt).toBeUndefined();
        expect(client.snapshot!.flags).toHaveLength(FLAGS);
        const revision = client.revision!;
        await server.api.toggle('shop', 'flag-04242', 'prod', true);
        await client.waitForRevision(revision + 1);
        expect(client.snapshot!.flags.find((flag) => flag.key === 'flag-04242')!.enabled).toBe(true);
        expect(client.violations).toEqual([]);
        expect(client.endedAt).toBeUndefined();
      } finally {
        client.close();
      }
    },
    60_000,
  );
});
