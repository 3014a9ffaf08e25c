import { compileSnapshot, serveFlag, type EvaluationContext, type EvaluationResult } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { createIncrementalSnapshotStore } from '@switchyard/core/sync/incremental';
import { booleanFlag, onFlag, patchOf, snapshotOf } from '../../core/test/fixtures.js';
import { createClient } from '../src/client.js';
import { UsageCounter } from '../src/usage-counter.js';

/** A snapshot where `a` serves `on` by rule r1 to `country: NO` and `off` otherwise; `b` serves `on`. */
const snapshot = (revision = 1) =>
  snapshotOf(
    [
      booleanFlag({
        key: 'a',
        rules: [
          {
            id: 'r1',
            conditions: [{ attribute: 'country', operator: 'in', values: ['NO'] }],
            segments: [],
            serve: { variant: 'on' },
          },
        ],
      }),
      onFlag('b'),
    ],
    [],
    revision,
  );

/** Evaluates `flagKey` through the counter's table and counts it, as the client does. */
function evaluateCounted(counter: UsageCounter, flagKey: string, context = {}): EvaluationResult | undefined {
  const flag = counter.flag(flagKey);
  if (flag === undefined) return undefined;
  const result = serveFlag(flag.compiled, flag.handle, context, 'boolean');
  counter.count(flag, result);
  return result;
}

describe('UsageCounter', () => {
  it('counts served results and defaults per flag and variant, and starts afresh after take()', () => {
    const counter = new UsageCounter(100);
    counter.bind(compileSnapshot(snapshot()));
    for (let i = 0; i < 3; i++) evaluateCounted(counter, 'a', { country: 'NO' });
    evaluateCounted(counter, 'a', { country: 'SE' });
    evaluateCounted(counter, 'b');
    counter.count(counter.flag('b')!, undefined); // the caller's default
    expect(counter.flag('ghost')).toBeUndefined(); // unknown flags are not counted
    counter.add('c', 'x', 2);
    const report = counter.take(Date.parse('2026-01-01T00:01:00Z'))!;
    expect(report.flags).toEqual({ a: { on: 3, off: 1 }, b: { on: 1, '': 1 }, c: { x: 2 } });
    expect(report.end).toBe('2026-01-01T00:01:00.000Z');
    expect(counter.take()).toBeUndefined();
    evaluateCounted(counter, 'b');
    expect(counter.take()!.flags).toEqual({ b: { on: 1 } });
  });

  it('merges results of one variant (several rules, reasons) and keeps counts across snapshot changes', () => {
    const counter = new UsageCounter(100);
    counter.bind(compileSnapshot(snapshot(1)));
    evaluateCounted(counter, 'a', { country: 'NO' }); // on, TARGETING_MATCH
    evaluateCounted(counter, 'a', { country: 'DE' }); // off, DEFAULT
    counter.bind(compileSnapshot(snapshot(2))); // new result objects from here on
    evaluateCounted(counter, 'a', { country: 'NO' });
    evaluateCounted(counter, 'b');
    counter.bind(undefined); // no flags at all: nothing is counted
    expect(evaluateCounted(counter, 'a')).toBeUndefined();
    expect(counter.take()!.flags).toEqual({ a: { on: 2, off: 1 }, b: { on: 1 } });
  });

  it('holds at most maxKeys keys and counts what it drops', () => {
    const counter = new UsageCounter(2);
    counter.bind(compileSnapshot(snapshot()));
    for (let i = 0; i < 10; i++) evaluateCounted(counter, 'a', { country: 'NO' });
    for (let i = 0; i < 10; i++) evaluateCounted(counter, 'a', { country: 'SE' });
    for (let i = 0; i < 10; i++) evaluateCounted(counter, 'b');
    counter.add('g', 'v', 1);
    expect(counter.size).toBe(2);
    expect(counter.dropped).toBe(11);
    expect(counter.take()!.flags).toEqual({ a: { on: 10, off: 10 } });
  });

  it('puts an unsent report back into the next one', () => {
    const counter = new UsageCounter(10);
    counter.bind(compileSnapshot(snapshot()));
    evaluateCounted(counter, 'b');
    const unsent = counter.take()!;
    evaluateCounted(counter, 'b');
    counter.restore(unsent);
    const next = counter.take()!;
    expect(next.flags).toEqual({ b: { on: 2 } });
    expect(next.start).toBe(unsent.start);
  });
});

describe('client usage counting', () => {
  it('counts isEnabled, getValue and evaluate per variant; errors as the default; unknown flags not at all', async () => {
    const sent: unknown[] = [];
    const client = createClient({
      url: 'http://127.0.0.1:9',
      sdkKey: 'sy_server_test',
      bootstrap: snapshot(),
      streaming: false,
      pollIntervalMs: 3_600_000,
      // Snapshot requests fail (the bootstrap is served); metrics are recorded.
      fetch: async (url, init) => {
        if (!String(url).endsWith('/metrics')) throw new Error('offline');
        sent.push(JSON.parse(String(init?.body)));
        return new Response(null, { status: 202 });
      },
      metrics: { flushIntervalMs: 3_600_000 },
    });
    await client.ready();
    expect(client.isEnabled('a', { country: 'NO' })).toBe(true);
    expect(client.isEnabled('a', { country: 'SE' })).toBe(false);
    expect(client.isEnabled('b')).toBe(true);
    expect(client.getValue('b', 'x')).toBe('x'); // type mismatch: the default, counted as ''
    expect(client.evaluate('b', {}, 'x', 'string')).toMatchObject({ errorCode: 'TYPE_MISMATCH', value: 'x' });
    expect(client.evaluate('a', { country: 'NO' })).toMatchObject({ variant: 'on', reason: 'TARGETING_MATCH' });
    expect(client.isEnabled('ghost', {}, true)).toBe(true);
    expect(client.evaluate('ghost')).toMatchObject({ errorCode: 'FLAG_NOT_FOUND' });
    await client.close();
    expect(sent).toHaveLength(1);
    expect((sent[0] as { flags: unknown }).flags).toEqual({ a: { on: 2, off: 1 }, b: { on: 1, '': 2 } });
  });

  it('isEnabled never throws: a context that throws gives the default, and is counted as such', async () => {
    const client = createClient({
      url: 'http://127.0.0.1:9',
      sdkKey: 'sy_server_test',
      bootstrap: snapshot(),
      streaming: false,
      pollIntervalMs: 3_600_000,
      fetch: async () => Promise.reject(new Error('offline')),
      metrics: { flushIntervalMs: 3_600_000 },
    });
    await client.ready();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(client.isEnabled('a', hostile, true)).toBe(true);
    expect(client.isEnabled('a', null as unknown as EvaluationContext)).toBe(false);
    await client.close();
  });

  it('after a patch, folds only the flags it replaced: the others keep their entries (O(patch), not O(flags used))', () => {
    const store = createIncrementalSnapshotStore(snapshot(1));
    const counter = new UsageCounter(100);
    counter.bind(store.compiled);
    evaluateCounted(counter, 'a', { country: 'NO' });
    evaluateCounted(counter, 'b');
    const usageOfB = counter.flags.get('b');
    store.applyPatch(patchOf(2, { flags: [booleanFlag({ key: 'a', enabled: false })] }));
    counter.bind(store.compiled, store.replacedFlagKeys());
    expect([...counter.flags.keys()]).toEqual(['b']);
    expect(counter.flags.get('b')).toBe(usageOfB);
    expect(counter.size).toBe(2); // a's folded pair, b's slot
    expect(evaluateCounted(counter, 'a', { country: 'NO' })?.reason).toBe('DISABLED');
    evaluateCounted(counter, 'b');
    expect(counter.take()!.flags).toEqual({ a: { on: 1, off: 1 }, b: { on: 2 } });
    // A whole snapshot replaces every handle: everything is folded.
    evaluateCounted(counter, 'b');
    store.applyPut(snapshot(3));
    counter.bind(store.compiled, store.replacedFlagKeys());
    expect(counter.flags.size).toBe(0);
    expect(counter.take()!.flags).toEqual({ b: { on: 1 } });
  });
});
