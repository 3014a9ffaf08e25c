import { EventSource } from 'eventsource';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBrowserClient } from '../src/index.js';
import { booleanFlag, numberFlag, patch, snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';
import { waitFor } from './support/wait.js';

/** A stand-in for `document` with just the visibility API, so the pause logic runs in Node. */
class FakeDocument extends EventTarget {
  visibilityState: 'visible' | 'hidden' = 'visible';
  set(state: 'visible' | 'hidden'): void {
    this.visibilityState = state;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

describe('visibility pause', () => {
  let fakeDocument: FakeDocument;
  let server: ProtocolServer;

  beforeEach(async () => {
    fakeDocument = new FakeDocument();
    (globalThis as { document?: unknown }).document = fakeDocument;
    server = new ProtocolServer(snapshot(1, [booleanFlag('a'), numberFlag('n', 1)]), 'k');
    await server.start();
  });

  afterEach(async () => {
    delete (globalThis as { document?: unknown }).document;
    await server.close();
  });

  it('closes the stream after the page is hidden for hiddenPauseMs and resumes from the last revision', async () => {
    const client = createBrowserClient({
      url: server.url,
      clientKey: 'k',
      EventSource,
      storage: null,
      hiddenPauseMs: 100,
    });
    await client.ready();
    await waitFor(() => server.streamCount === 1, 'stream open');

    fakeDocument.set('hidden');
    fakeDocument.set('visible'); // shown again before the pause: the stream stays
    fakeDocument.set('hidden');
    await waitFor(() => server.streamCount === 0, 'stream closed while hidden');
    const connections = server.requests.length;
    server.publish(patch(2, [numberFlag('n', 2)]));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(client.getValue('n', 0)).toBe(1); // paused: nothing received, no polling either
    expect(server.requests.length).toBe(connections);

    fakeDocument.set('visible');
    await waitFor(() => client.getValue('n', 0) === 2, 'catch-up after resume');
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/v1/sdk/stream', lastEventId: '1' });
    client.close();
    await waitFor(() => server.streamCount === 0, 'closed');
    fakeDocument.set('hidden');
    fakeDocument.set('visible');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.streamCount).toBe(0); // a closed client never reconnects
  });
});
