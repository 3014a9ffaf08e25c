import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Flag, Snapshot, SnapshotPatch } from '@switchyard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { booleanFlag, patchOf, snapshotOf } from '../../core/test/fixtures.js';
import { createClient, type ChangeEvent, type SwitchyardClient } from '../src/index.js';
import { nextEvent, waitFor } from './support/wait.js';

// Protocol corner cases the real server does not produce on demand, played by a scripted stub.
const flag = (key: string, on: boolean): Flag => booleanFlag({ key, defaultServe: { variant: on ? 'on' : 'off' } });
const snapshot = (revision: number, flags: Flag[]): Snapshot => snapshotOf(flags, [], revision);
const patch = (revision: number, flags: Flag[]): SnapshotPatch => patchOf(revision, { flags });

describe('protocol corner cases (scripted server)', () => {
  let server: Server | undefined;
  let client: SwitchyardClient | undefined;
  afterEach(async () => {
    await client?.close();
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
  });

  async function stub(handlers: { stream(res: ServerResponse): void; snapshot(): Snapshot }): Promise<string> {
    const calls: string[] = [];
    server = createServer((req, res) => {
      calls.push(req.url!);
      if (req.headers.authorization !== 'Bearer sy_server_stub') return void res.writeHead(401).end();
      if (req.url!.startsWith('/api/v1/sdk/stream')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return handlers.stream(res);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(handlers.snapshot()));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  it('a patch that skips a revision (gap) triggers a full snapshot fetch', async () => {
    let stream: ServerResponse | undefined;
    let fetched = 0;
    const url = await stub({
      stream: (res) => {
        stream = res;
        res.write(`event: put\nid: 1\ndata: ${JSON.stringify(snapshot(1, [flag('a', false), flag('b', false)]))}\n\n`);
      },
      snapshot: () => {
        fetched++;
        return snapshot(3, [flag('a', true), flag('b', true)]);
      },
    });
    client = createClient({ url, sdkKey: 'sy_server_stub', metrics: false });
    await client.ready();
    expect(client.revision).toBe(1);
    const changed = nextEvent<ChangeEvent>((listener) => client!.on('change', listener), 'change');
    // Revision 2 never arrives: the patch for 3 cannot be applied to 1.
    stream!.write(`event: patch\nid: 3\ndata: ${JSON.stringify(patch(3, [flag('b', true)]))}\n\n`);
    expect((await changed).flags).toEqual(['a', 'b']);
    expect(client.revision).toBe(3);
    expect(fetched).toBe(1);
    expect(client.isEnabled('a')).toBe(true);
  });

  it('applies consecutive patches, ignores stale ones, and survives junk events and comments', async () => {
    let stream: ServerResponse | undefined;
    const url = await stub({
      stream: (res) => {
        stream = res;
        res.write(`: hello\n\nevent: put\nid: 5\ndata: ${JSON.stringify(snapshot(5, [flag('a', false)]))}\n\n`);
      },
      snapshot: () => snapshot(5, [flag('a', false)]),
    });
    client = createClient({ url, sdkKey: 'sy_server_stub', metrics: false });
    await client.ready();
    stream!.write(`event: patch\nid: 5\ndata: ${JSON.stringify(patch(5, [flag('a', true)]))}\n\n`); // stale
    stream!.write(`event: something-else\ndata: whatever\n\n`);
    stream!.write(`event: patch\nid: 6\ndata: ${JSON.stringify(patch(6, [flag('c', true)]))}\n\n`);
    await waitFor(() => client!.revision === 6, 'revision 6');
    expect(client.isEnabled('a')).toBe(false);
    expect(client.isEnabled('c')).toBe(true);
  });
});
