import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SseConnection } from '../../src/snapshots/sse-connection.js';

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

  it('exempts a snapshot larger than the limit until it drained, but still cuts on what queues behind it', () => {
    const response = stuckResponse();
    const closed: string[] = [];
    const connection = new SseConnection(response, 'server', 0, {
      tokenId: 'token',
      maxBufferedBytes: 10_000,
      onClose: (reason) => closed.push(reason),
    });
    // A 100 kB put: 10x the limit, and the client has not read a byte of it yet.
    expect(connection.sendSnapshot(1, Buffer.alloc(100_000, 'x'))).toBe(true);
    expect(closed).toEqual([]);
    expect(connection.revision).toBe(1);
    const frame = `event: patch\nid: 2\ndata: ${'x'.repeat(1_000)}\n\n`;
    let sent = 0;
    while (connection.send(sent + 2, frame)) sent++;
    // Patches behind the undrained put get the normal budget, then the stream is cut.
    expect(sent).toBeGreaterThanOrEqual(8);
    expect(sent).toBeLessThanOrEqual(10);
    expect(closed).toEqual(['slow']);
  });

  it('gives one snapshot grace at a time: a second put while the first is undrained cuts the stream', () => {
    const response = stuckResponse();
    const closed: string[] = [];
    const connection = new SseConnection(response, 'server', 0, {
      tokenId: 'token',
      maxBufferedBytes: 10_000,
      onClose: (reason) => closed.push(reason),
    });
    expect(connection.sendSnapshot(1, Buffer.alloc(100_000, 'x'))).toBe(true);
    expect(connection.sendSnapshot(2, Buffer.alloc(100_000, 'y'))).toBe(false);
    expect(closed).toEqual(['slow']);
  });

  it('ends the exemption once the snapshot drained', async () => {
    const drain: (() => void)[] = [];
    // Holds each write until released, like a socket whose reader pauses.
    const paused = new Writable({ highWaterMark: 1024, write: (_chunk, _encoding, callback) => drain.push(callback) });
    const closed: string[] = [];
    const connection = new SseConnection(paused as unknown as ServerResponse, 'server', 0, {
      tokenId: 'token',
      maxBufferedBytes: 10_000,
      onClose: (reason) => closed.push(reason),
    });
    connection.sendSnapshot(1, Buffer.alloc(100_000, 'x'));
    drain.shift()!(); // the client read the put
    await new Promise((resolve) => setImmediate(resolve));
    // Without the exemption, 20 kB of patches queued now pass the limit.
    const frame = `event: patch\nid: 2\ndata: ${'x'.repeat(1_000)}\n\n`;
    let sent = 0;
    while (sent < 20 && connection.send(sent + 2, frame)) sent++;
    expect(sent).toBeLessThan(20);
    expect(closed).toEqual(['slow']);
  });
});
