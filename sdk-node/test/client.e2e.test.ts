import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ChangeEvent, type SwitchyardClient } from '../src/index.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';
import { nextEvent, waitFor } from './support/wait.js';

// The client against a real server built from server/src (in-process bus, fresh database).
describe('client against a real server', () => {
  let t: TestServer;
  const clients: SwitchyardClient[] = [];
  const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) => {
    const created = createClient({ url: t.url, sdkKey: t.serverToken, metrics: false, ...options });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    t = await startTestServer();
    await seedFlags(t);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await t?.close();
  });

  it('loads the snapshot and evaluates locally: isEnabled, getVariant, getValue, evaluate, allFlags', async () => {
    const c = client();
    await c.ready();
    const nordic = { userId: 'u-42', country: 'NO' };
    expect(c.isEnabled('new-checkout', nordic)).toBe(false);
    expect(c.evaluate('new-checkout', nordic)).toMatchObject({ value: false, variant: 'off', reason: 'DISABLED' });
    expect(c.getVariant('checkout-copy', nordic)).toEqual({ variant: 'treatment', value: 'Complete your order' });
    expect(c.getVariant('checkout-copy', { country: 'DE' })).toEqual({ variant: 'control', value: 'Buy now' });
    expect(c.evaluate('checkout-copy', nordic)).toEqual({
      value: 'Complete your order',
      variant: 'treatment',
      reason: 'TARGETING_MATCH',
      ruleId: 'nordics',
    });
    expect(c.getValue('max-items', 10, nordic)).toBe(50);
    expect(c.allFlags(nordic)).toEqual({
      'new-checkout': false,
      'checkout-copy': 'Complete your order',
      'max-items': 50,
    });
  });

  it('never throws: unknown flags, wrong types and a client without flags give the default with an error code', async () => {
    const c = client();
    await c.ready();
    expect(c.evaluate('nope', {}, 'x')).toMatchObject({ value: 'x', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    expect(c.getValue('max-items', 'text', {})).toBe('text');
    expect(c.evaluate('max-items', {}, 'text', 'string')).toMatchObject({ value: 'text', errorCode: 'TYPE_MISMATCH' });
    expect(c.isEnabled('checkout-copy', {}, true)).toBe(true); // a string flag is not a boolean
    expect(c.getVariant('nope')).toEqual({ variant: undefined, value: null });
    // Odd contexts do not throw either.
    expect(c.isEnabled('new-checkout', null as never)).toBe(false);
    expect(c.evaluate('checkout-copy', { country: 42 as never }).variant).toBe('control');

    const unreachable = createClient({
      url: 'http://127.0.0.1:9',
      sdkKey: 'sy_server_x',
      metrics: false,
      readyTimeoutMs: 200,
    });
    clients.push(unreachable);
    expect(unreachable.isEnabled('new-checkout', {}, true)).toBe(true);
    expect(unreachable.evaluate('new-checkout', {}, false)).toMatchObject({
      value: false,
      reason: 'ERROR',
      errorCode: 'PROVIDER_NOT_READY',
    });
    await expect(unreachable.ready()).rejects.toThrow(/no flags/);
  });

  it('follows a REST toggle: `change` names the flag and answers change', async () => {
    const c = client();
    await c.ready();
    const changes: ChangeEvent[] = [];
    c.on('change', (event) => changes.push(event));
    const changed = nextEvent<ChangeEvent>((listener) => c.on('change', listener), 'change');
    await t.toggle('new-checkout', true);
    expect((await changed).flags).toEqual(['new-checkout']);
    expect(c.isEnabled('new-checkout', { userId: 'u-1' })).toBe(true);
    expect(c.evaluate('new-checkout', { userId: 'u-1' })).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'STATIC',
    });
    expect(changes.flatMap((event) => event.flags)).toEqual(['new-checkout']);
  });

  it('applies the kill switch within the stream latency', async () => {
    const c = client();
    await c.ready();
    await t.toggle('new-checkout', true);
    await waitFor(() => c.isEnabled('new-checkout', { userId: 'u-1' }), 'the flag on');
    const started = Date.now();
    await t.kill('new-checkout');
    const killedAfter = Date.now() - started;
    await waitFor(() => !c.isEnabled('new-checkout', { userId: 'u-1' }), 'the kill to arrive', 2_000);
    expect(c.evaluate('new-checkout', { userId: 'u-1' }).reason).toBe('DISABLED');
    // The write itself took `killedAfter`; the stream adds little on top (informational).
    expect(Date.now() - started).toBeLessThan(killedAfter + 2_000);
  });

  it('sends usage metrics: per flag and variant counts reach the server and show as lastEvaluatedAt', async () => {
    const c = client({ metrics: { flushIntervalMs: 100 } });
    await c.ready();
    for (let i = 0; i < 10; i++) c.getVariant('checkout-copy', { country: i < 3 ? 'NO' : 'DE' });
    c.evaluate('ghost-flag', {}); // unknown flags are not counted
    c.allFlags({}); // nor bulk evaluation
    const rows = async () => {
      const found = await t.server.db.prisma.flagUsage.findMany({ include: { flag: { select: { key: true } } } });
      return found.map((row) => [row.flag.key, row.variant, Number(row.count)] as const).sort();
    };
    await waitFor(async () => (await rows()).length === 2, 'usage rows');
    expect(await rows()).toEqual([
      ['checkout-copy', 'control', 7],
      ['checkout-copy', 'treatment', 3],
    ]);
    const flag = await t.admin<{ lastEvaluatedAt: string | null }>('GET', `/projects/${t.project}/flags/checkout-copy`);
    expect(flag.lastEvaluatedAt).not.toBeNull();
    // The last counts are sent on close.
    c.isEnabled('new-checkout', {});
    await c.close();
    expect((await rows()).some(([key]) => key === 'new-checkout')).toBe(true);
  });

  it('keeps usage memory bounded: pairs beyond maxKeys are dropped and counted', async () => {
    const c = client({ metrics: { maxKeys: 2, flushIntervalMs: 60_000 } });
    await c.ready();
    c.isEnabled('new-checkout', {});
    c.getValue('max-items', 0, {});
    for (let i = 0; i < 5; i++) c.getValue('checkout-copy', '', {});
    c.isEnabled('new-checkout', {}); // a pair already held still counts
    expect(c.droppedUsageCount).toBe(5);
  });
});
