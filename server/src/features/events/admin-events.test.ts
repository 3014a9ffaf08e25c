import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import type { UserPrincipal } from '../../auth/principal.js';
import type { ChangeMessage } from '../../propagation/change-message.js';
import { AdminEventStreams, MAX_BUFFERED_BYTES } from './admin-events.js';
import { holderOf } from './stream-holder.js';

/**
 * What a stream's periodic check does with a person's session (real Postgres): the stream lives
 * as long as the session, follows the person's project rights, and ends at the first check after
 * sign-out. (Token revocations end streams at once: events.test.ts.)
 */
let t: TestApp;

/** A stand-in for the stream's HTTP response: records frames and whether it was ended. */
class FakeResponse extends EventEmitter {
  readonly frames: string[] = [];
  ended = false;
  /** Bytes the client has not read yet (a real response's `writableLength`). */
  writableLength = 0;
  write(frame: string): boolean {
    this.frames.push(frame);
    return true;
  }
  end(): void {
    this.ended = true;
    this.emit('close');
  }
  /** The projects of the change events received. */
  changedProjects(): string[] {
    return this.frames
      .filter((frame) => frame.startsWith('event: change'))
      .map((frame) => (JSON.parse(frame.split('data: ')[1]!) as { project: string }).project);
  }
}

const message = (projectKey: string, revision: number): ChangeMessage => ({
  projectKey,
  environmentKey: 'production',
  revision,
  changed: { flags: ['checkout'], segments: [] },
});

beforeAll(async () => {
  t = await createTestApp();
  for (const key of ['shop', 'blog']) {
    expect((await t.api('POST', '/projects', { key, name: key })).status).toBe(201);
    expect((await t.api('POST', `/projects/${key}/environments`, { key: 'production', name: 'P' })).status).toBe(201);
  }
});
afterAll(async () => t?.close());

describe('an admin stream held by a signed-in person', () => {
  it('survives the checks while the session is valid, follows their project rights, ends after sign-out', async () => {
    const created = await t.api('POST', '/users', {
      email: 'ada@example.com',
      displayName: 'Ada',
      password: 'a long password 1',
    });
    expect(created.status).toBe(201);
    const userId = (created.body as { id: string }).id;
    expect((await t.api('PUT', `/projects/blog/members/${userId}`, { role: 'viewer' })).status).toBe(200);
    const session = await t.app.sessions.open(userId, { method: 'password' });
    const principal = (await t.app.sessions.authenticate({ type: 'session', secret: session.secret })) as UserPrincipal;

    const streams = new AdminEventStreams({
      prisma: t.db.prisma,
      sessionIdleTimeoutMs: t.config.sessionIdleTimeoutMs,
      stillAllowed: () => true,
    });
    const response = new FakeResponse();
    streams.add({
      response: response as unknown as ServerResponse,
      principal,
      holder: holderOf(principal),
      projectId: undefined,
    });
    await streams.publishMessage(message('shop', 1));
    await streams.publishMessage(message('blog', 1));
    await streams.ping();
    expect(response.ended).toBe(false);
    expect(response.frames).toContain(': ping\n\n');
    expect(response.changedProjects()).toEqual(['blog']);

    // Made a member of shop too: the next check widens the stream; removed from blog: narrows it.
    expect((await t.api('PUT', `/projects/shop/members/${userId}`, { role: 'viewer' })).status).toBe(200);
    expect((await t.api('DELETE', `/projects/blog/members/${userId}`)).status).toBe(204);
    await streams.ping();
    await streams.publishMessage(message('blog', 2));
    await streams.publishMessage(message('shop', 2));
    expect(response.changedProjects()).toEqual(['blog', 'shop']);

    await t.app.sessions.revoke(principal, session.id);
    await streams.ping();
    expect(response.ended).toBe(true);
    expect(streams.size).toBe(0);
  });
});

describe('an admin stream whose client does not read', () => {
  it(`is ended once more than ${MAX_BUFFERED_BYTES} bytes wait to be sent, instead of buffering without bound`, async () => {
    const streams = new AdminEventStreams({
      prisma: t.db.prisma,
      sessionIdleTimeoutMs: t.config.sessionIdleTimeoutMs,
      stillAllowed: () => true,
    });
    const principal = {
      kind: 'token',
      id: 'reader',
      display: 'reader',
      tokenKind: 'admin',
      instanceRole: 'admin',
      grants: [],
    } as const;
    const [reading, stuck] = [new FakeResponse(), new FakeResponse()];
    for (const response of [reading, stuck]) {
      streams.add({
        response: response as unknown as ServerResponse,
        principal,
        holder: holderOf(principal),
        projectId: undefined,
      });
    }
    stuck.writableLength = MAX_BUFFERED_BYTES + 1;
    await streams.publishMessage(message('shop', 10));
    expect(stuck.ended).toBe(true);
    expect(reading.ended).toBe(false);
    expect(reading.changedProjects()).toEqual(['shop']);
  });
});
