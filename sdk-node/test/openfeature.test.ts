import { OpenFeature, ProviderEvents, ProviderStatus, type EventDetails } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchyardProvider } from '../src/openfeature.js';
import { FaultProxy } from './support/fault-proxy.js';
import { seedFlags, startTestServer, type TestServer } from './support/server.js';
import { waitFor } from './support/wait.js';

// The provider through @openfeature/server-sdk itself, against a real server behind a fault proxy.
describe('OpenFeature server provider', () => {
  let t: TestServer;
  let proxy: FaultProxy;
  let provider: SwitchyardProvider;
  const domain = 'switchyard-test';
  const events: { type: string; details?: EventDetails }[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    await seedFlags(t);
    proxy = new FaultProxy(t.url);
    await proxy.up();
    provider = new SwitchyardProvider({
      url: proxy.url,
      sdkKey: t.serverToken,
      metrics: false,
      staleAfterMs: 300,
      reconnectMinMs: 20,
      reconnectMaxMs: 50,
      pollIntervalMs: 100,
    });
    const client = OpenFeature.getClient(domain);
    for (const type of [
      ProviderEvents.Ready,
      ProviderEvents.ConfigurationChanged,
      ProviderEvents.Stale,
      ProviderEvents.Error,
    ]) {
      client.addHandler(type, (details) => events.push({ type, details }));
    }
    await OpenFeature.setProviderAndWait(domain, provider);
  });
  afterAll(async () => {
    await OpenFeature.clearProviders();
    await proxy?.close();
    await t?.close();
  });

  it('is READY after initialization and resolves every type with OpenFeature details', async () => {
    const client = OpenFeature.getClient(domain);
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(events.map((event) => event.type)).toContain(ProviderEvents.Ready);
    const nordic = { targetingKey: 'u-42', country: 'NO' };

    expect(await client.getBooleanValue('new-checkout', true, nordic)).toBe(false);
    expect(await client.getBooleanDetails('new-checkout', true, nordic)).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
    });
    const copy = await client.getStringDetails('checkout-copy', 'x', nordic);
    expect(copy).toMatchObject({ value: 'Complete your order', variant: 'treatment', reason: 'TARGETING_MATCH' });
    expect(copy.flagMetadata).toMatchObject({ ruleId: 'nordics' });
    expect(typeof copy.flagMetadata.revision).toBe('number');
    expect(await client.getStringValue('checkout-copy', 'x', { country: 'DE' })).toBe('Buy now');
    expect(await client.getNumberDetails('max-items', 0, nordic)).toMatchObject({ value: 50, reason: 'STATIC' });
  });

  it('maps errors to OpenFeature error codes and returns the default', async () => {
    const client = OpenFeature.getClient(domain);
    expect(await client.getBooleanDetails('missing', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(await client.getNumberDetails('checkout-copy', 7)).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
    expect(await client.getObjectDetails('new-checkout', { a: 1 })).toMatchObject({
      value: { a: 1 },
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('maps targetingKey to userId for stickiness', async () => {
    await t.configure('max-items', {
      enabled: true,
      offVariant: 'low',
      defaultServe: { variant: 'high' },
      rules: [
        {
          id: 'vip',
          conditions: [{ attribute: 'userId', operator: 'in', values: ['vip-1'] }],
          segments: [],
          serve: { variant: 'low' },
        },
      ],
    });
    const client = OpenFeature.getClient(domain);
    await waitFor(() => provider.client.evaluate('max-items').reason === 'DEFAULT', 'the new rule');
    expect(await client.getNumberValue('max-items', 0, { targetingKey: 'vip-1' })).toBe(5);
    expect(await client.getNumberValue('max-items', 0, { targetingKey: 'other' })).toBe(50);
  });

  it('emits CONFIGURATION_CHANGED with flagsChanged on a change', async () => {
    const seen = events.length;
    await t.toggle('new-checkout', true);
    await waitFor(
      () => events.slice(seen).some((event) => event.type === ProviderEvents.ConfigurationChanged),
      'CONFIGURATION_CHANGED',
    );
    const changed = events.slice(seen).find((event) => event.type === ProviderEvents.ConfigurationChanged)!;
    expect(changed.details?.flagsChanged).toEqual(['new-checkout']);
    expect(await OpenFeature.getClient(domain).getBooleanValue('new-checkout', false, { targetingKey: 'u' })).toBe(
      true,
    );
  });

  it('emits ERROR and STALE when the server is lost, keeps answering, and READY when it is back', async () => {
    const client = OpenFeature.getClient(domain);
    const seen = events.length;
    await proxy.down();
    await waitFor(() => client.providerStatus === ProviderStatus.STALE, 'STALE');
    const types = events.slice(seen).map((event) => event.type);
    // One ERROR for the outage, then STALE; retries failing meanwhile do not flip the status back.
    expect(types).toEqual([ProviderEvents.Error, ProviderEvents.Stale]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.providerStatus).toBe(ProviderStatus.STALE);
    expect(await client.getBooleanValue('new-checkout', false, { targetingKey: 'u' })).toBe(true);

    await proxy.up();
    await waitFor(() => client.providerStatus === ProviderStatus.READY, 'READY again', 10_000);
  });
});
