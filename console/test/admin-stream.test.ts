import { describe, expect, it } from 'vitest';
import { parseSse } from '../src/api/admin-stream.js';

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
