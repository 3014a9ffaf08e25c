import { describe, expect, it } from 'vitest';
import { ServerList } from '../src/server-list.js';

const A = 'http://a';
const B = 'http://b';
const C = 'http://c';
const why = { status: 503, retryAfter: '5' };

// The choice of server under Retry-After (sdk-node/README.md, "Failure modes"); time is passed in.
describe('ServerList hold-offs', () => {
  it('one server: held off for one kind of request only, until the time is up', () => {
    const servers = new ServerList([A]);
    servers.holdOff(A, 'stream', 5_000, why, 1_000);
    expect(servers.pick('stream', 1_000)).toBe(A);
    expect(servers.waitMs(A, 'stream', 1_000)).toBe(5_000);
    expect(servers.waitMs(A, 'stream', 5_999)).toBe(1);
    expect(servers.waitMs(A, 'stream', 6_000)).toBe(0);
    expect(servers.waitMs(A, 'snapshot', 1_000)).toBe(0);
    expect(servers.heldOff(A, 'stream', 2_000)).toMatchObject({ until: 6_000, status: 503, retryAfter: '5' });
  });

  it('a shorter Retry-After does not cut a longer one short', () => {
    const servers = new ServerList([A]);
    servers.holdOff(A, 'snapshot', 5_000, why, 0);
    servers.holdOff(A, 'snapshot', 1_000, why, 1_000);
    expect(servers.waitMs(A, 'snapshot', 1_000)).toBe(4_000);
  });

  it('several servers: a held-off one is skipped for a free one, which becomes current', () => {
    const servers = new ServerList([A, B, C]);
    servers.holdOff(A, 'stream', 5_000, why, 0);
    servers.holdOff(B, 'stream', 5_000, why, 0);
    expect(servers.pick('stream', 0)).toBe(C);
    expect(servers.current).toBe(C);
    // Other kinds go to the current server, held off for streams or not.
    expect(servers.pick('snapshot', 0)).toBe(C);
  });

  it('all held off: the one free soonest', () => {
    const servers = new ServerList([A, B, C]);
    servers.holdOff(A, 'metrics', 9_000, why, 0);
    servers.holdOff(B, 'metrics', 3_000, why, 0);
    servers.holdOff(C, 'metrics', 6_000, why, 0);
    expect(servers.pick('metrics', 0)).toBe(B);
    expect(servers.waitMs(B, 'metrics', 0)).toBe(3_000);
    expect(servers.pick('metrics', 3_000)).toBe(B);
    expect(servers.waitMs(B, 'metrics', 3_000)).toBe(0);
  });
});
