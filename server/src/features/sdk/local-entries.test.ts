import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import type { ChangeEvent } from '../../changes/index.js';
import { buildSnapshot } from './snapshot-builder.js';

/**
 * A configuration write committed by this replica brings the flag's new snapshot entry with its
 * change event; the replica's snapshot cache applies it in place (no read back from Postgres), and
 * must end exactly where a full read of the database would.
 */
let t: TestApp;
let environmentId: string;
let sdkToken: string;

async function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers = {}) {
  const response = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...t.adminHeaders, ...headers },
    ...(payload ? { payload } : {}),
  });
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response;
}

beforeAll(async () => {
  t = await createTestApp();
  await call('POST', '/projects', { key: 'local', name: 'Local' });
  await call('POST', '/projects/local/environments', { key: 'prod', name: 'Prod' });
  await call('POST', '/projects/local/flags', { key: 'a', name: 'a', type: 'boolean', salt: 'pepper' });
  await call('POST', '/projects/local/flags', { key: 'b', name: 'b', type: 'boolean', clientSide: true });
  const token = await call('POST', '/tokens', { name: 'sdk', kind: 'server', project: 'local', environment: 'prod' });
  sdkToken = token.json().secret;
  environmentId = (await t.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } })).id;
  // The first SDK request creates and loads this replica's feed of the environment.
  await snapshotBody();
});
afterAll(() => t?.close());

const feed = () => t.app.propagation.feeds.feed(environmentId);

async function snapshotBody(): Promise<string> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/api/v1/sdk/snapshot',
    headers: { authorization: `Bearer ${sdkToken}` },
  });
  expect(response.statusCode).toBe(200);
  return response.body;
}

/** The feed's revision at the moment each change is announced (its listener runs before this one). */
function revisionsSeenAtAnnouncement(): { seen: { event: number; feed: number | undefined }[]; stop: () => void } {
  const seen: { event: number; feed: number | undefined }[] = [];
  const stop = t.app.changes.onChange((event: ChangeEvent) => {
    const revision = event.revisions.find((entry) => entry.environmentId === environmentId)?.revision;
    if (revision !== undefined) seen.push({ event: revision, feed: feed().state?.revision });
  });
  return { seen, stop };
}

it('applies toggles, a kill and a PUT in place, and ends where a full read of the database ends', async () => {
  const { seen, stop } = revisionsSeenAtAnnouncement();
  try {
    const url = '/projects/local/flags/a/environments/prod';
    await call('POST', `${url}/on`);
    await call('POST', '/projects/local/flags/b/environments/prod/on', { reason: 'client flag too' });
    await call('POST', `${url}/kill`, { reason: 'test' });
    const current = await call('GET', url);
    await call(
      'PUT',
      url,
      {
        ...current.json(),
        enabled: true,
        rules: [{ id: 'r', conditions: [], segments: [], rollout: { percent: 25 }, serve: { variant: 'on' } }],
      },
      { 'if-match': current.headers.etag },
    );
    await expect.poll(() => seen.length).toBe(4);
  } finally {
    stop();
  }
  // Already at the announced revision when the announcement went round: no database read needed.
  expect(seen.map(({ event, feed: at }) => at === event)).toEqual([true, true, true, true]);
  const built = await buildSnapshot(t.db.prisma, environmentId);
  expect(feed().state!.revision).toBe(built!.snapshot.revision);
  // Byte for byte what a full read gives (same entries, same key order).
  expect(await snapshotBody()).toBe(JSON.stringify(built!.snapshot));
  expect(feed().state!.json('client')).toBe(
    JSON.stringify({ ...built!.snapshot, flags: built!.snapshot.flags.filter((flag) => flag.clientSide) }),
  );
});
