import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminStream, parseSse } from '../src/api/admin-stream.js';

describe('the admin event stream parser', () => {
  it('keeps complete change events, skips pings, other events and malformed data, and returns the partial rest', () => {
    const change = { project: 'shop', environment: 'production', flags: ['checkout'], segments: [] };
    const { events, rest } = parseSse(
      `: connected\n\nevent: change\ndata: ${JSON.stringify(change)}\n\n: ping\n\nevent: other\ndata: {}\n\n` +
        'event: change\ndata: {not json\n\nevent: change\ndata: {"proj',
    );
    expect(events).toEqual([change]);
    expect(parseSse(`: connected\n\nevent: change\ndata: ${JSON.stringify(change)}\n\n`).resync).toBe(false);
    expect(rest).toBe('event: change\ndata: {"proj');
    expect(parseSse(`${rest}ect":"a","environment":"b","flags":[],"segments":["s"]}\n\n`).events).toEqual([
      { project: 'a', environment: 'b', flags: [], segments: ['s'] },
    ]);
  });

  it('reports a resync (changes may have been missed) besides the change events', () => {
    const change = { project: 'shop', environment: 'production', flags: [], segments: ['beta'] };
    const parsed = parseSse(`event: resync\ndata: {}\n\nevent: change\ndata: ${JSON.stringify(change)}\n\n: ping\n\n`);
    expect(parsed).toEqual({ events: [change], resync: true, rest: '' });
  });
});

describe('the admin event stream transport', () => {
  /** A response whose body sends `chunks`, then ends (or stays open with `open`). */
  const streamResponse = (chunks: string[], open = false) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          if (!open) controller.close();
        },
      }),
      { status: 200, headers: { 'content-type': 'text/event-stream' } },
    );
  const until = async (check: () => boolean) => {
    for (let waited = 0; !check(); waited += 10) {
      if (waited > 10_000) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  afterEach(() => vi.unstubAllGlobals());

  it('asks for a resync on a resync event and when the stream opens again after a drop, not on the first open', async () => {
    const change = { project: 'shop', environment: 'production', flags: ['checkout'], segments: [] };
    const responses = [
      streamResponse([': connected\n\n', `event: change\ndata: ${JSON.stringify(change)}\n\n`]),
      streamResponse([': connected\n\nevent: resync\ndata: {}\n\n'], true),
    ];
    const requested: string[] = [];
    vi.stubGlobal('sessionStorage', { getItem: () => 'sy_admin_test' });
    vi.stubGlobal('fetch', async (url: string) => {
      requested.push(url);
      return responses.shift() ?? new Promise(() => {});
    });
    const emitted: unknown[] = [];
    let resyncs = 0;
    const stop = adminStream()(
      (event) => emitted.push(event),
      () => resyncs++,
    );
    await until(() => emitted.length === 1);
    expect(resyncs).toBe(0); // the first stream: nothing was missed
    await until(() => requested.length === 2 && resyncs === 2); // reopened (1), then the resync event (2)
    expect(emitted).toEqual([change]);
    stop();
  });
});
