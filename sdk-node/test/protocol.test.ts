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

  it('applies patches of segments and prerequisites incrementally: change events name the users and dependents', async () => {
    let stream: ServerResponse | undefined;
    const usesBeta = booleanFlag({
      key: 'uses-beta',
      rules: [{ id: 'r', conditions: [], segments: ['beta'], serve: { variant: 'on' } }],
    });
    const child = booleanFlag({ key: 'child', prerequisites: [{ flagKey: 'parent', variants: ['on'] }] });
    const start = snapshotOf(
      [flag('parent', true), child, usesBeta, flag('other', true)],
      [{ key: 'beta', conditions: [] }],
      1,
    );
    const url = await stub({
      stream: (res) => {
        stream = res;
        res.write(`event: put\nid: 1\ndata: ${JSON.stringify(start)}\n\n`);
      },
      snapshot: () => start,
    });
    client = createClient({ url, sdkKey: 'sy_server_stub', metrics: false });
    await client.ready();
    expect(client.isEnabled('uses-beta', { plan: 'free' })).toBe(true);
    const onSegment = nextEvent<ChangeEvent>((listener) => client!.on('change', listener), 'change');
    const beta = { key: 'beta', conditions: [{ attribute: 'plan', operator: 'in' as const, values: ['pro'] }] };
    stream!.write(`event: patch\nid: 2\ndata: ${JSON.stringify(patchOf(2, { segments: [beta] }))}\n\n`);
    expect((await onSegment).flags).toEqual(['uses-beta']);
    expect(client.isEnabled('uses-beta', { plan: 'free' })).toBe(false);
    expect(client.isEnabled('uses-beta', { plan: 'pro' })).toBe(true);
    const onParent = nextEvent<ChangeEvent>((listener) => client!.on('change', listener), 'change');
    stream!.write(`event: patch\nid: 3\ndata: ${JSON.stringify(patch(3, [flag('parent', false)]))}\n\n`);
    expect((await onParent).flags).toEqual(['child', 'parent']);
    expect(client.evaluate('child').reason).toBe('PREREQUISITE_FAILED');
    const onDelete = nextEvent<ChangeEvent>((listener) => client!.on('change', listener), 'change');
    stream!.write(
      `event: patch\nid: 4\ndata: ${JSON.stringify(patchOf(4, { deletedFlags: ['parent'], deletedSegments: ['beta'] }))}\n\n`,
    );
    expect((await onDelete).flags).toEqual(['child', 'parent', 'uses-beta']);
    expect(client.evaluate('child').reason).toBe('ERROR');
    expect(client.isEnabled('uses-beta', { plan: 'pro' })).toBe(false);
    expect(client.snapshot?.flags.map((item) => item.key)).toEqual(['child', 'uses-beta', 'other']);
    expect(client.snapshot?.segments).toEqual([]);
  });
});
