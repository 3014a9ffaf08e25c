import { createServer, type Server } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { SseClient } from './sse-client.js';

// The propagation and chaos tests' SSE client: a stream the server refuses is retried (the chaos
// test failed under load when a reconnect landed on a replica answering 503 and never tried again).
let server: Server | undefined;
let client: SseClient | undefined;
afterEach(async () => {
  client?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

it('reconnects after a non-200 answer when asked to reconnect', async () => {
  let requests = 0;
  server = createServer((request, response) => {
    requests++;
    if (requests <= 2) return void response.writeHead(503, { 'retry-after': '1' }).end('{"error":"unavailable"}');
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(`event: put\nid: 7\ndata: ${JSON.stringify({ revision: 7, flags: [], segments: [] })}\n\n`);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  client = new SseClient({ url: `http://127.0.0.1:${port}/api/v1/sdk/stream`, reconnect: true });
  await expect(client.connect()).rejects.toThrow('stream answered 503');
  await client.waitForRevision(7, 10_000);
  expect(requests).toBe(3);
});
