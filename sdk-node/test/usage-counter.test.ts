import { describe, expect, it } from 'vitest';
import { UsageCounter } from '../src/usage-counter.js';

describe('UsageCounter', () => {
  it('counts served results and defaults per flag and variant, and starts afresh after take()', () => {
    const counter = new UsageCounter(100);
    const onByRule = Object.freeze({ value: true, variant: 'on', reason: 'TARGETING_MATCH', ruleId: 'r1' });
    const onByDefault = Object.freeze({ value: true, variant: 'on', reason: 'DEFAULT' });
    for (let i = 0; i < 3; i++) counter.recordResult('a', onByRule);
    counter.recordResult('a', onByDefault);
    counter.recordResult('a', Object.freeze({ value: false, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' }));
    counter.record('b', 'x');
    const report = counter.take(Date.parse('2026-01-01T00:01:00Z'))!;
    expect(report.flags).toEqual({ a: { on: 4, '': 1 }, b: { x: 1 } });
    expect(report.end).toBe('2026-01-01T00:01:00.000Z');
    expect(counter.take()).toBeUndefined();
  });

  it('holds at most maxKeys keys and counts what it drops', () => {
    const counter = new UsageCounter(2);
    const results = ['v1', 'v2', 'v3'].map((variant) => Object.freeze({ value: variant, variant, reason: 'STATIC' }));
    for (const result of results) for (let i = 0; i < 10; i++) counter.recordResult('f', result);
    counter.record('g', 'v');
    expect(counter.size).toBe(2);
    expect(counter.dropped).toBe(11);
    expect(counter.take()!.flags).toEqual({ f: { v1: 10, v2: 10 } });
  });

  it('puts an unsent report back into the next one', () => {
    const counter = new UsageCounter(10);
    counter.record('a', 'on');
    const unsent = counter.take()!;
    counter.record('a', 'on');
    counter.restore(unsent);
    const next = counter.take()!;
    expect(next.flags).toEqual({ a: { on: 2 } });
    expect(next.start).toBe(unsent.start);
  });
});
