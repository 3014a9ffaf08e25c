import { describe, expect, it } from 'vitest';
import { EventCounter } from '../src/event-counter.js';
import { EventTracker } from '../src/event-tracker.js';
import { contextKeyOf, ExposureTable } from '../src/exposures.js';
import { safeLogger } from '../src/logger.js';

const limits = { maxContexts: 100, maxFlagsPerContext: 10, maxKeys: 100 };
function tracker(overrides: Partial<typeof limits> = {}, warnings: string[] = []) {
  return new EventTracker({ ...limits, ...overrides }, safeLogger({ warn: (message) => warnings.push(message) }));
}

describe('contextKeyOf', () => {
  it('is the userId, else the sessionId, as core’s default hashing unit', () => {
    expect(contextKeyOf({ userId: 'u1', sessionId: 's1' })).toBe('u1');
    expect(contextKeyOf({ sessionId: 's1' })).toBe('s1');
    expect(contextKeyOf({ userId: 42 as unknown as string })).toBe('42');
    expect(contextKeyOf({ userId: '' })).toBeUndefined();
    expect(contextKeyOf({ country: 'NO' })).toBeUndefined();
  });
});

describe('ExposureTable', () => {
  it('remembers the variant last served per context and flag', () => {
    const table = new ExposureTable(10, 10);
    table.record('u1', 'a', 'on');
    table.record('u1', 'b', 'x');
    table.record('u1', 'a', 'off');
    expect(Object.fromEntries(table.served('u1')!)).toEqual({ a: 'off', b: 'x' });
    expect(table.served('u2')).toBeUndefined();
  });

  it('stays bounded: forgets the least recently evaluated context and the oldest flag of a context', () => {
    const table = new ExposureTable(3, 2);
    for (const user of ['u1', 'u2', 'u3']) table.record(user, 'a', 'on');
    table.record('u1', 'a', 'on'); // u1 is now the most recent: u2 goes first
    table.record('u4', 'a', 'on');
    expect(table.size).toBe(3);
    expect(table.served('u2')).toBeUndefined();
    expect(table.served('u1')).toBeDefined();
    table.record('u1', 'b', 'on');
    table.record('u1', 'c', 'on');
    expect([...table.served('u1')!.keys()]).toEqual(['b', 'c']);
    for (let i = 0; i < 10_000; i++) table.record(`user-${i}`, `flag-${i % 7}`, 'on');
    expect(table.size).toBe(3);
  });
});

describe('EventCounter', () => {
  it('sums per flag, variant and event; drops and counts new keys past the cap; restores unsent reports', () => {
    const counter = new EventCounter(2);
    counter.add('a', 'on', 'buy', { count: 1, sum: 10, sumSquares: 100 });
    counter.add('a', 'on', 'buy', { count: 1, sum: 20, sumSquares: 400 });
    counter.add('a', 'off', 'buy', { count: 1, sum: 5, sumSquares: 25 });
    counter.add('b', 'on', 'buy', { count: 3, sum: 3, sumSquares: 3 }); // a third key: dropped
    expect(counter.dropped).toBe(3);
    const report = counter.take()!;
    expect(report.events).toEqual({
      a: { on: { buy: { count: 2, sum: 30, sumSquares: 500 } }, off: { buy: { count: 1, sum: 5, sumSquares: 25 } } },
    });
    expect(counter.take()).toBeUndefined();
    counter.restore(report);
    expect(counter.take()!.events).toEqual(report.events);
  });
});

describe('EventTracker', () => {
  it('attributes an event to every variant served to the same context, with its value', () => {
    const events = tracker();
    events.served({ userId: 'u1' }, 'checkout', 'on');
    events.served({ userId: 'u1', country: 'NO' }, 'banner', 'blue');
    events.served({ userId: 'u2' }, 'checkout', 'off');
    events.track('latency_ms', { userId: 'u1' }, 120);
    events.track('latency_ms', { userId: 'u1' }, 80);
    events.track('purchase', { userId: 'u2' }, 1);
    events.track('purchase', { userId: 'stranger' }, 1);
    events.track('purchase', {}, 1);
    expect(events.unattributed).toBe(2);
    expect(events.take()!.events).toEqual({
      checkout: {
        on: { latency_ms: { count: 2, sum: 200, sumSquares: 20_800 } },
        off: { purchase: { count: 1, sum: 1, sumSquares: 1 } },
      },
      banner: { blue: { latency_ms: { count: 2, sum: 200, sumSquares: 20_800 } } },
    });
  });

  it('never throws on bad input: drops bad names and values, warns once per name', () => {
    const warnings: string[] = [];
    const events = tracker({}, warnings);
    events.served({ userId: 'u1' }, 'checkout', 'on');
    const bad: [unknown, unknown, unknown][] = [
      ['bad name', { userId: 'u1' }, 1],
      ['bad name', { userId: 'u1' }, 1],
      ['', { userId: 'u1' }, 1],
      ['x'.repeat(101), { userId: 'u1' }, 1],
      [42, { userId: 'u1' }, 1],
      ['ok', { userId: 'u1' }, Number.NaN],
      ['ok', { userId: 'u1' }, Infinity],
      ['ok', { userId: 'u1' }, 1e10],
      ['ok', { userId: 'u1' }, '5'],
      ['ok', null, 1],
      ['ok', 'u1', 1],
    ];
    for (const [name, context, value] of bad) {
      expect(() => events.track(name as string, context as never, value as number)).not.toThrow();
    }
    expect(events.invalid).toBe(9);
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(() => events.served(hostile, 'checkout', 'on')).not.toThrow();
    expect(() => events.served(null as never, 'checkout', 'on')).not.toThrow();
    expect(warnings.filter((warning) => warning.includes('"bad name"'))).toHaveLength(1);
    expect(events.take()).toBeUndefined();
  });

  it('keeps Σx² consistent with (Σx)²/n for the server despite rounding', () => {
    const events = tracker();
    events.served({ userId: 'u1' }, 'checkout', 'on');
    for (let i = 0; i < 1000; i++) events.track('latency_ms', { userId: 'u1' }, 0.1);
    const sums = events.take()!.events['checkout']!['on']!['latency_ms']!;
    expect(sums.sumSquares * sums.count).toBeGreaterThanOrEqual(sums.sum * sums.sum * (1 - 1e-12));
  });

  it('holds bounded memory under a flood of contexts, flags and event names', () => {
    const events = tracker({ maxContexts: 50, maxFlagsPerContext: 5, maxKeys: 200 });
    for (let i = 0; i < 20_000; i++) {
      events.served({ userId: `u${i}` }, `flag-${i % 40}`, `v${i % 3}`);
      events.track(`event-${i % 97}`, { userId: `u${i}` }, i);
    }
    expect(events.exposures.size).toBe(50);
    expect(events.counter.size).toBe(200);
    expect(events.dropped).toBeGreaterThan(0);
  });
});
