import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SseConnection } from '../../src/features/sdk/sse-connection.js';

/** A response whose client never reads: nothing written ever leaves the buffer. */
function stuckResponse(): ServerResponse & { destroyedBy?: string } {
  const stuck = new Writable({ highWaterMark: 1024, write: () => {} });
  return stuck as unknown as ServerResponse;
}

describe('slow consumers', () => {
  it('drops a stream whose unsent backlog passes the limit, and only then', () => {
    const response = stuckResponse();
    const closed: string[] = [];
    const connection = new SseConnection(response, 'server', 0, {
      tokenId: 'token',
      maxBufferedBytes: 10_000,
      onClose: (reason) => closed.push(reason),
    });
    const frame = `event: patch\nid: 1\ndata: ${'x'.repeat(1_000)}\n\n`;
    let sent = 0;
    while (connection.send(sent + 1, frame)) sent++;
    // The first writes fit in the budget; the one that overflows it ends the stream.
    expect(sent).toBeGreaterThanOrEqual(8);
    expect(sent).toBeLessThanOrEqual(10);
    expect(closed).toEqual(['slow']);
    expect(connection.closed).toBe(true);
    expect((response as unknown as Writable).destroyed).toBe(true);
    expect(connection.write(': ping\n\n')).toBe(false);
  });

  it('keeps a stream that reads', async () => {
    const chunks: string[] = [];
    const reading = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const closed: string[] = [];
    const connection = new SseConnection(reading as unknown as ServerResponse, 'client', 0, {
      tokenId: 'token',
      maxBufferedBytes: 10_000,
      onClose: (reason) => closed.push(reason),
    });
    const frame = `event: patch\nid: 1\ndata: ${'x'.repeat(1_000)}\n\n`;
    for (let i = 1; i <= 100; i++) {
      expect(connection.send(i, frame)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(closed).toEqual([]);
    expect(connection.revision).toBe(100);
    expect(chunks.length).toBe(100);
  });
});
