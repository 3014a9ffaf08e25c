import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client.js';
import { SwitchyardProvider } from '../src/openfeature.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';

/**
 * track() end to end: events reach a real server attributed to the variants the client served
 * each context, through the client and through OpenFeature's `track()`.
 */
let t: TestServer;

interface EventsAnswer {
  variants: Record<string, { count: number; sum: number; mean: number | null }>;
}
const eventsOf = (event: string) =>
  t.admin<EventsAnswer>(
    'GET',
    `/projects/${t.project}/flags/new-checkout/events?environment=${t.environment}&event=${event}`,
  );

beforeAll(async () => {
  t = await startTestServer();
  await seedFlags(t);
  // A 50/50 split by userId: each user sees one variant, always the same.
  await t.configure('new-checkout', {
    enabled: true,
    offVariant: 'off',
    defaultServe: {
      split: [
        { variant: 'on', percent: 50 },
        { variant: 'off', percent: 50 },
      ],
    },
    rules: [],
  });
});
afterAll(async () => t?.close());

describe('client.track', () => {
  it('sends events attributed to the variant each user was served; close() flushes them', async () => {
    const client = createClient({ url: t.url, sdkKey: t.serverToken, metrics: { flushIntervalMs: 60_000 } });
    await client.ready();
    // Served variants are remembered from the first track() on: this first event is unattributed.
    client.getVariant('new-checkout', { userId: 'early' });
    expect(client.trackedEventStats.contexts).toBe(0); // an app that never tracks keeps no table
    client.track('checkout_ms', { userId: 'early' }, 1);
    const served: Record<string, number> = { on: 0, off: 0 };
    for (let i = 0; i < 40; i++) {
      const user = { userId: `user-${i}` };
      const variant = client.getVariant('new-checkout', user).variant!;
      served[variant]!++;
      client.track('checkout_ms', user, variant === 'on' ? 300 : 100);
    }
    client.track('checkout_ms', { userId: 'never-evaluated' }, 5000); // nothing to attribute it to
    expect(client.trackedEventStats).toMatchObject({ unattributed: 2, invalid: 0, contexts: 40 });
    await client.close();
    const answer = await eventsOf('checkout_ms');
    expect(answer.variants).toEqual({
      on: expect.objectContaining({ count: served.on, mean: 300 }),
      off: expect.objectContaining({ count: served.off, mean: 100 }),
    });
    expect(served.on).toBeGreaterThan(0);
    expect(served.off).toBeGreaterThan(0);
  });

  it('never throws, also after close and with the server unreachable', async () => {
    const offline = createClient({ url: 'http://127.0.0.1:9', sdkKey: t.serverToken, readyTimeoutMs: 50 });
    expect(() => offline.track('x', { userId: 'u' })).not.toThrow();
    expect(() => offline.track('bad name' as string, { userId: 'u' }, Number.NaN)).not.toThrow();
    await offline.close();
    expect(() => offline.track('x', { userId: 'u' })).not.toThrow();
    const noMetrics = createClient({ url: t.url, sdkKey: t.serverToken, metrics: false });
    expect(() => noMetrics.track('x', { userId: 'u' })).not.toThrow();
    expect(noMetrics.trackedEventStats.contexts).toBe(0);
    await noMetrics.close();
  });
});

describe('OpenFeature track()', () => {
  it('records the event with details.value for the targetingKey’s served variant', async () => {
    const provider = new SwitchyardProvider({
      url: t.url,
      sdkKey: t.serverToken,
      metrics: { flushIntervalMs: 60_000 },
    });
    await OpenFeature.setProviderAndWait('track-test', provider);
    const client = OpenFeature.getClient('track-test');
    const context = { targetingKey: 'of-user-1' };
    client.track('cart_value', context, { value: 1000 }); // before any evaluation: unattributed, not sent
    const details = await client.getBooleanDetails('new-checkout', false, context);
    client.track('cart_value', context, { value: 42 });
    client.track('cart_value', context); // value 1 by default
    await OpenFeature.clearProviders(); // closes the provider, which flushes
    const answer = await eventsOf('cart_value');
    expect(answer.variants).toEqual({ [details.variant!]: expect.objectContaining({ count: 2, sum: 43 }) });
  });
});
