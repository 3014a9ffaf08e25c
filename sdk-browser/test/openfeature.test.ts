import { OpenFeature, ProviderEvents, type EventDetails } from '@openfeature/web-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserClientOptions } from '../src/index.js';
import { browserMetrics } from '../src/metrics.js';
import { SwitchyardWebProvider, toSwitchyardContext } from '../src/openfeature.js';
import { fastClientOptions } from './support/options.js';
import { booleanFlag, numberFlag, patch, planCopyFlag, snapshot } from './support/flags.js';
import { ProtocolServer } from './support/sse-server.js';
import { waitFor } from './support/wait.js';

const KEY = 'sy_client_of';
let server: ProtocolServer | undefined;

afterEach(async () => {
  await OpenFeature.close();
  await server?.close();
});

async function setUp(options: Partial<BrowserClientOptions> = {}): Promise<SwitchyardWebProvider> {
  server = new ProtocolServer(
    snapshot(1, [booleanFlag('new-checkout'), planCopyFlag(), numberFlag('max-items', 25)]),
    KEY,
  );
  await server.start();
  const provider = new SwitchyardWebProvider({ ...fastClientOptions(server.url, KEY), ...options });
  await OpenFeature.setProviderAndWait(provider, { targetingKey: 'u-42', plan: 'basic' });
  return provider;
}

describe('OpenFeature web provider', () => {
  it('resolves every type with variant, reason and rule, and errors with OpenFeature codes', async () => {
    await setUp();
    const client = OpenFeature.getClient();
    expect(client.getBooleanValue('new-checkout', false)).toBe(true);
    expect(client.getStringDetails('checkout-copy', '')).toMatchObject({
      value: 'Buy now',
      variant: 'basic',
      reason: 'DEFAULT',
    });
    expect(client.getNumberValue('max-items', 1)).toBe(25);
    expect(client.getNumberDetails('checkout-copy', 1)).toMatchObject({ value: 1, errorCode: 'TYPE_MISMATCH' });
    expect(client.getBooleanDetails('missing', true)).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });
  });

  it('applies context changes (targetingKey → userId) and emits CONFIGURATION_CHANGED on server updates', async () => {
    const provider = await setUp();
    expect(provider.client.getContext()).toEqual({ userId: 'u-42', plan: 'basic' });
    const changes: EventDetails[] = [];
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, (details) => changes.push(details!));
    await OpenFeature.setContext({ targetingKey: 'u-43', plan: 'pro' });
    expect(OpenFeature.getClient().getStringValue('checkout-copy', '')).toBe('Upgrade your cart');
    expect(changes).toEqual([]); // a context change is not a configuration change

    server!.publish(patch(2, [booleanFlag('new-checkout', { enabled: false, version: 2 })]));
    await waitFor(() => changes.length > 0, 'CONFIGURATION_CHANGED');
    expect(changes[0]!.flagsChanged).toEqual(['new-checkout']);
    expect(OpenFeature.getClient().getBooleanValue('new-checkout', true)).toBe(false);
  });

  it('emits STALE when the connection is lost and READY when it is back', async () => {
    await setUp();
    const seen: string[] = [];
    for (const event of [ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.Error]) {
      OpenFeature.addHandler(event, () => seen.push(event));
    }
    seen.length = 0; // handlers added to a ready provider run once immediately for READY
    server!.dropStreams();
    await waitFor(() => seen.includes(ProviderEvents.Stale) && seen.includes(ProviderEvents.Ready), 'STALE then READY');
    expect(seen.indexOf(ProviderEvents.Stale)).toBeLessThan(seen.lastIndexOf(ProviderEvents.Ready));
  });
});

describe('OpenFeature track()', () => {
  it('counts the event, with details.value (default 1), for the variants the provider served', async () => {
    const provider = await setUp({ metrics: browserMetrics() });
    const client = OpenFeature.getClient();
    client.getStringValue('checkout-copy', ''); // basic, for plan "basic"
    client.track('purchase', { value: 30, currency: 'EUR' });
    client.track('signup');
    await OpenFeature.close(); // closes the provider's client, which sends what it holds
    await waitFor(() => server!.reports.length == 2, 'the metrics and events reports');
    expect(provider.client.getContext()).toEqual({ userId: 'u-42', plan: 'basic' });
    const events = server!.reports.find((report) => report.path == '/api/v1/sdk/events')!;
    expect(events.body.events).toEqual({
      'checkout-copy': {
        basic: { purchase: { count: 1, sum: 30, sumSquares: 900 }, signup: { count: 1, sum: 1, sumSquares: 1 } },
      },
    });
  });
});

describe('toSwitchyardContext', () => {
  it('maps targetingKey to userId, dates to ISO strings, and drops nested values', () => {
    const at = new Date('2025-01-02T03:04:05.000Z');
    expect(
      toSwitchyardContext({ targetingKey: 't', plan: 'pro', age: 3, beta: true, at, tags: ['a'], nested: { x: 1 } }),
    ).toEqual({ userId: 't', plan: 'pro', age: 3, beta: true, at: '2025-01-02T03:04:05.000Z', tags: ['a'] });
    expect(toSwitchyardContext({ targetingKey: 't', userId: 'u' })).toEqual({ userId: 'u' });
  });
});
