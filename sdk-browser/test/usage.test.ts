import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserClient, type BrowserClient, type BrowserClientOptions } from '../src/index.js';
import { browserMetrics, type MetricsOptions } from '../src/metrics.js';
import { booleanFlag, numberFlag, planCopyFlag, snapshot } from './support/flags.js';
import { fastClientOptions } from './support/options.js';
import { ProtocolServer, type Report } from './support/sse-server.js';
import { waitFor } from './support/wait.js';

/*
 * Usage metrics (built into the client, option `usage`) and track() (the `metrics` module): what
 * the client posts to /api/v1/sdk/metrics and /api/v1/sdk/events, received by the protocol test
 * server. Reports are sent on close(), on page hide and on a timer; these tests close the client
 * (or hide a fake page) to get them, and never wait for the timer except in the tests about it.
 */

const KEY = 'sy_client_usage';
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(): Promise<ProtocolServer> {
  const server = new ProtocolServer(
    snapshot(1, [booleanFlag('new-checkout'), planCopyFlag(), numberFlag('max-items', 25)]),
    KEY,
  );
  await server.start();
  cleanups.push(() => server.close());
  return server;
}

/** A ready client (usage reporting on by default) with the metrics module (its options `metrics`), unless `metrics: null`. */
async function readyClient(
  server: ProtocolServer,
  {
    metrics = {},
    ...options
  }: Partial<Omit<BrowserClientOptions, 'metrics'>> & { metrics?: MetricsOptions | null } = {},
): Promise<BrowserClient> {
  const created = createBrowserClient({
    ...fastClientOptions(server.url, KEY),
    ...options,
    ...(metrics && { metrics: browserMetrics(metrics) }),
  });
  cleanups.push(() => created.close());
  await created.ready();
  return created;
}

const reportsTo = (server: ProtocolServer, path: 'metrics' | 'events'): Report[] =>
  server.reports.filter((report) => report.path == `/api/v1/sdk/${path}`);

/** Closes the client and waits for the reports it sends on close. */
async function closeAndCollect(server: ProtocolServer, sdk: BrowserClient, expected: number): Promise<void> {
  sdk.close();
  await waitFor(() => server.reports.length >= expected, `${expected} report(s)`);
}

describe('usage metrics', () => {
  it('counts evaluations per flag and variant ("" = the default) and sends them on close with the key', async () => {
    const server = await startServer();
    const sdk = await readyClient(server, { context: { plan: 'pro' } });
    const before = Date.now();
    sdk.isEnabled('new-checkout');
    sdk.isEnabled('new-checkout');
    sdk.getValue('checkout-copy', '');
    sdk.getVariant('checkout-copy');
    sdk.evaluate('max-items');
    sdk.getValue('max-items', 'not a number'); // TYPE_MISMATCH: the default was returned
    sdk.isEnabled('no-such-flag'); // not a flag of the snapshot: not counted
    sdk.allFlags(); // not counted: it would make every flag look used
    await closeAndCollect(server, sdk, 1);

    const [report] = reportsTo(server, 'metrics');
    expect(report!.key).toBe(KEY);
    expect(report!.contentType).toBe('application/json');
    expect(report!.body.flags).toEqual({
      'new-checkout': { on: 2 },
      'checkout-copy': { pro: 2 },
      'max-items': { v: 1, '': 1 },
    });
    const { start, end } = report!.body;
    expect(Date.parse(start)).toBeLessThanOrEqual(before);
    expect(Date.parse(end)).toBeGreaterThanOrEqual(Date.parse(start));
    expect(reportsTo(server, 'events')).toEqual([]); // nothing tracked: no events report
  });

  it('is on without the metrics module (track() then does nothing: no events report)', async () => {
    const server = await startServer();
    const sdk = await readyClient(server, { metrics: null });
    sdk.isEnabled('new-checkout');
    sdk.track('purchase');
    await closeAndCollect(server, sdk, 1);
    expect(reportsTo(server, 'metrics')[0]!.body.flags).toEqual({ 'new-checkout': { on: 1 } });
    // Once the metrics report is in, an events report sent on the same close would be too.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reportsTo(server, 'events')).toEqual([]);
  });

  it('usage: false counts nothing, and sets no timer or page listener; the metrics module still sends its events', async () => {
    const server = await startServer();
    const added: string[] = [];
    const global = globalThis as { addEventListener?: unknown };
    global.addEventListener = (type: string) => added.push(type);
    cleanups.push(() => delete global.addEventListener);
    const tracking = await readyClient(server, { usage: false });
    tracking.isEnabled('new-checkout');
    tracking.track('purchase');
    expect(added).toEqual(['pagehide']); // the events need sending: the module's client listens
    added.length = 0;
    const silent = await readyClient(server, { usage: false, metrics: null });
    silent.isEnabled('new-checkout');
    silent.track('purchase');
    expect(added).toEqual([]);
    silent.close();
    await closeAndCollect(server, tracking, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.reports.map((report) => report.path)).toEqual(['/api/v1/sdk/events']);
    expect(reportsTo(server, 'events')[0]!.body.events).toEqual({
      'new-checkout': { on: { purchase: { count: 1, sum: 1, sumSquares: 1 } } },
    });
  });

  it('sends nothing when nothing was evaluated or tracked, with usage: false, and offline (track() does nothing)', async () => {
    const server = await startServer();
    const idle = await readyClient(server);
    const disabled = await readyClient(server, { usage: false, metrics: null });
    disabled.isEnabled('new-checkout');
    disabled.track('purchase');
    const fetches: string[] = [];
    const offline = createBrowserClient({
      clientKey: KEY,
      url: server.url,
      offline: true,
      storage: null,
      bootstrap: snapshot(1, [booleanFlag('new-checkout')]),
      metrics: browserMetrics(),
      fetch: async (url) => {
        fetches.push(String(url));
        return new Response(null, { status: 500 });
      },
    });
    offline.isEnabled('new-checkout');
    offline.track('purchase');
    for (const sdk of [idle, disabled, offline]) sdk.close();
    // A third client that does report, closed last: once its report is in, the others' would be too.
    const witness = await readyClient(server);
    witness.isEnabled('new-checkout');
    await closeAndCollect(server, witness, 1);
    expect(server.reports).toHaveLength(1);
    expect(fetches).toEqual([]);
  });

  it('does not count a bootstrap value map (no variants), then counts once the server snapshot is in', async () => {
    const server = await startServer();
    server.streamStatus = 503;
    server.snapshotStatus = 503;
    const sdk = createBrowserClient({
      ...fastClientOptions(server.url, KEY),
      bootstrap: { 'new-checkout': true },
      metrics: browserMetrics(),
    });
    cleanups.push(() => sdk.close());
    expect(sdk.evaluate('new-checkout')).toMatchObject({ value: true, reason: 'CACHED' });
    server.streamStatus = 200;
    server.snapshotStatus = 200;
    await waitFor(() => sdk.evaluate('new-checkout').reason !== 'CACHED', 'the server snapshot');
    sdk.isEnabled('new-checkout');
    await closeAndCollect(server, sdk, 1);
    // The waitFor's own evaluations count too (they are evaluations): at least the last one, all "on".
    expect(Object.keys(reportsTo(server, 'metrics')[0]!.body.flags!)).toEqual(['new-checkout']);
    expect(Object.keys(reportsTo(server, 'metrics')[0]!.body.flags!['new-checkout']!)).toEqual(['on']);
  });

  it('sends every flushIntervalMs, each report covering the window since the last', async () => {
    const server = await startServer();
    const sdk = await readyClient(server, { usage: { flushIntervalMs: 50 } });
    sdk.isEnabled('new-checkout');
    await waitFor(() => reportsTo(server, 'metrics').length == 1, 'the first timed report');
    sdk.getValue('max-items', 0);
    await waitFor(() => reportsTo(server, 'metrics').length == 2, 'the second timed report');
    const [first, second] = reportsTo(server, 'metrics');
    expect(first!.body.flags).toEqual({ 'new-checkout': { on: 1 } });
    expect(second!.body.flags).toEqual({ 'max-items': { v: 1 } });
    expect(second!.body.start).toBe(first!.body.end);
  });

  it('holds at most maxKeys entries between sends (flags and variants each count)', async () => {
    const server = await startServer();
    const sdk = await readyClient(server, { usage: { maxKeys: 3 } });
    for (let i = 0; i < 1_000; i++) {
      sdk.isEnabled('new-checkout'); // 2 entries: the flag and its variant
      sdk.getValue('max-items', 0); // 1 more: the flag (its variant would be the 4th: dropped)
    }
    await closeAndCollect(server, sdk, 1);
    expect(reportsTo(server, 'metrics')[0]!.body.flags).toEqual({ 'new-checkout': { on: 1_000 }, 'max-items': {} });
  });

  it('posts with keepalive (so a report sent as the page goes away still leaves), never throwing', async () => {
    const server = await startServer();
    const posts: RequestInit[] = [];
    const sdk = await readyClient(server, {
      fetch: (input, init) => {
        if (init?.method == 'POST') {
          posts.push(init);
          throw new TypeError('a fetch that throws synchronously');
        }
        return fetch(input, init);
      },
    });
    sdk.isEnabled('new-checkout');
    sdk.track('purchase');
    expect(() => sdk.close()).not.toThrow();
    expect(posts.map((init) => [init.keepalive, new Headers(init.headers).get('authorization')])).toEqual([
      [true, `Bearer ${KEY}`],
      [true, `Bearer ${KEY}`],
    ]);
  });

  it('stops for good when the server refuses the key', async () => {
    const server = await startServer();
    const posts: string[] = [];
    const sdk = createBrowserClient({
      ...fastClientOptions(server.url, 'sy_client_wrong'),
      bootstrap: snapshot(1, [booleanFlag('new-checkout')]),
      usage: { flushIntervalMs: 20 },
      fetch: (input, init) => {
        if (init?.method == 'POST') posts.push(String(input));
        return fetch(input, init);
      },
    });
    cleanups.push(() => sdk.close());
    const failed = new Promise((resolve) => sdk.on('failed', resolve));
    sdk.isEnabled('new-checkout'); // counted before the refusal...
    await failed;
    sdk.isEnabled('new-checkout');
    sdk.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // ...but the timer may have sent it before the 401 arrived; after it, nothing.
    const afterRefusal = posts.length;
    expect(afterRefusal).toBeLessThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(posts).toHaveLength(afterRefusal);
  });
  it('stops on its own once the server refuses the key for reports (401/403): nothing is posted after', async () => {
    const server = await startServer();
    const posts: string[] = [];
    const sdk = await readyClient(server, {
      usage: { flushIntervalMs: 20 },
      // The snapshot and stream use the right key; only reports are refused, so the module alone
      // must notice (answered at once: the stop happens before the timer can fire again).
      fetch: async (input, init) => {
        if (init?.method != 'POST') return fetch(input, init);
        posts.push(String(input));
        return new Response(null, { status: 401 });
      },
    });
    sdk.isEnabled('new-checkout');
    await waitFor(() => posts.length == 1, 'the first report');
    for (let i = 0; i < 5; i++) {
      sdk.isEnabled('new-checkout'); // would be sent by the next tick, or by close()
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    sdk.close();
    expect(posts).toEqual([`${server.url}/api/v1/sdk/metrics`]);
  });

  it('posts to the server in use: after a failover, the one that answers', async () => {
    const server = await startServer();
    const sdk = await readyClient(server, { url: ['http://127.0.0.1:1', server.url] });
    sdk.isEnabled('new-checkout');
    await closeAndCollect(server, sdk, 1);
    expect(reportsTo(server, 'metrics')[0]!.body.flags).toEqual({ 'new-checkout': { on: 1 } });
  });

  it('keeps separate counts for each client of one browserMetrics()', async () => {
    const server = await startServer();
    const metrics = browserMetrics();
    const make = (plan: string) =>
      createBrowserClient({ ...fastClientOptions(server.url, KEY), context: { plan }, metrics });
    const [basic, pro] = [make('basic'), make('pro')];
    await Promise.all([basic.ready(), pro.ready()]);
    basic.getValue('checkout-copy', '');
    pro.getValue('checkout-copy', '');
    pro.getValue('checkout-copy', '');
    basic.close();
    pro.close();
    await waitFor(() => server.reports.length == 2, 'a report from each client');
    expect(
      server.reports
        .map((report) => report.body.flags)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([{ 'checkout-copy': { basic: 1 } }, { 'checkout-copy': { pro: 2 } }]);
  });
});

describe('track()', () => {
  it('adds each event to the variant last served of every flag evaluated: count, sum, sum of squares', async () => {
    const server = await startServer();
    const sdk = await readyClient(server, { context: { plan: 'basic' } });
    sdk.track('page-view'); // nothing evaluated yet: no exposure to attribute it to
    sdk.getValue('checkout-copy', '');
    sdk.isEnabled('new-checkout');
    sdk.track('purchase', undefined, 20);
    sdk.track('purchase', { userId: 'ignored: the page has one user' }, 5);
    await sdk.identify({ plan: 'pro' });
    sdk.getValue('checkout-copy', ''); // now serves "pro": later events go there
    sdk.track('purchase', undefined, 1.5);
    sdk.track('checkout.error:5xx');
    await closeAndCollect(server, sdk, 2);

    expect(reportsTo(server, 'events')[0]!.body.events).toEqual({
      'checkout-copy': {
        basic: { purchase: { count: 2, sum: 25, sumSquares: 425 } },
        pro: {
          purchase: { count: 1, sum: 1.5, sumSquares: 2.25 },
          'checkout.error:5xx': { count: 1, sum: 1, sumSquares: 1 },
        },
      },
      'new-checkout': {
        on: {
          purchase: { count: 3, sum: 26.5, sumSquares: 427.25 },
          'checkout.error:5xx': { count: 1, sum: 1, sumSquares: 1 },
        },
      },
    });
    const metrics = reportsTo(server, 'metrics')[0]!.body;
    expect(reportsTo(server, 'events')[0]!.body).toMatchObject({ start: metrics.start, end: metrics.end });
  });

  it('ignores names the server would refuse and values that are not finite numbers, never throwing', async () => {
    const server = await startServer();
    const sdk = await readyClient(server);
    sdk.isEnabled('new-checkout');
    const track = sdk.track as (...args: unknown[]) => void;
    for (const [name, value] of [
      ['', 1],
      ['has space', 1],
      ['x'.repeat(101), 1],
      ['ok', Number.NaN],
      ['ok', Infinity],
      ['ok', 1e300], // its square is not finite
      ['ok', 'abc'],
      ['ok', {}],
    ]) {
      expect(() => track(name, undefined, value)).not.toThrow();
    }
    track(); // no event name: ignored (and not taken for close())
    track(undefined, undefined, 1);
    track('ok', undefined, '2'); // a numeric string counts as its number
    track('x'.repeat(100));
    await closeAndCollect(server, sdk, 2);
    expect(reportsTo(server, 'events')[0]!.body.events).toEqual({
      'new-checkout': {
        on: { ok: { count: 1, sum: 2, sumSquares: 4 }, ['x'.repeat(100)]: { count: 1, sum: 1, sumSquares: 1 } },
      },
    });
  });

  it("holds at most the module's maxKeys entries between sends (flags, variants, events each count)", async () => {
    const server = await startServer();
    const sdk = await readyClient(server, { metrics: { maxKeys: 3 } });
    sdk.isEnabled('new-checkout');
    sdk.getValue('max-items', 0);
    for (let i = 0; i < 100; i++) {
      sdk.track('purchase'); // new-checkout, on, purchase: 3 entries; max-items is dropped
      sdk.track('signup'); // a 4th entry: dropped
    }
    await closeAndCollect(server, sdk, 2);
    expect(reportsTo(server, 'events')[0]!.body.events).toEqual({
      'new-checkout': { on: { purchase: { count: 100, sum: 100, sumSquares: 100 } } },
    });
  });

  it('keeps keys like __proto__ and constructor as plain entries', async () => {
    const server = new ProtocolServer(
      snapshot(1, [
        booleanFlag('__proto__'),
        {
          ...numberFlag('constructor', 1),
          variants: [{ key: 'toString', value: 1 }],
          offVariant: 'toString',
          defaultServe: { variant: 'toString' },
        },
      ]),
      KEY,
    );
    await server.start();
    cleanups.push(() => server.close());
    const sdk = await readyClient(server);
    sdk.isEnabled('__proto__');
    sdk.getValue('constructor', 0);
    sdk.track('__proto__', undefined, 3);
    await closeAndCollect(server, sdk, 2);
    expect(reportsTo(server, 'metrics')[0]!.body.flags).toEqual(
      JSON.parse('{"__proto__":{"on":1},"constructor":{"toString":1}}'),
    );
    expect(reportsTo(server, 'events')[0]!.body.events).toEqual(
      JSON.parse(
        '{"__proto__":{"on":{"__proto__":{"count":1,"sum":3,"sumSquares":9}}},' +
          '"constructor":{"toString":{"__proto__":{"count":1,"sum":3,"sumSquares":9}}}}',
      ),
    );
    expect(({} as Record<string, unknown>).on).toBeUndefined(); // no prototype was touched
  });
});

describe('page hide', () => {
  /** Stand-ins for `document` (visibility) and `window` (pagehide), so the page lifecycle runs in Node. */
  class FakeDocument extends EventTarget {
    visibilityState: 'visible' | 'hidden' = 'visible';
    set(state: 'visible' | 'hidden'): void {
      this.visibilityState = state;
      this.dispatchEvent(new Event('visibilitychange'));
    }
  }
  const global = globalThis as { document?: unknown; addEventListener?: unknown; removeEventListener?: unknown };

  function fakePage(): { document: FakeDocument; window: EventTarget } {
    const page = { document: new FakeDocument(), window: new EventTarget() };
    global.document = page.document;
    global.addEventListener = page.window.addEventListener.bind(page.window);
    global.removeEventListener = page.window.removeEventListener.bind(page.window);
    cleanups.push(() => {
      delete global.document;
      delete global.addEventListener;
      delete global.removeEventListener;
    });
    return page;
  }

  it('sends when the page is hidden and on pagehide, not when it is shown', async () => {
    const page = fakePage();
    const server = await startServer();
    const sdk = await readyClient(server);
    sdk.isEnabled('new-checkout');
    page.document.set('hidden');
    await waitFor(() => server.reports.length == 1, 'the report sent on hide');
    sdk.getValue('max-items', 0);
    page.document.set('visible');
    page.window.dispatchEvent(new Event('pagehide'));
    await waitFor(() => server.reports.length == 2, 'the report sent on pagehide');
    expect(server.reports.map((report) => report.body.flags)).toEqual([
      { 'new-checkout': { on: 1 } },
      { 'max-items': { v: 1 } },
    ]);

    sdk.close(); // nothing counted since: nothing sent; and no listener is left behind
    sdk.isEnabled('new-checkout');
    page.document.set('hidden');
    page.window.dispatchEvent(new Event('pagehide'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.reports).toHaveLength(2);
  });
});
