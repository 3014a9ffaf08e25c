import { createServer, type Server } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrometheus, type PrometheusProcess } from '../../server/test/helpers/prometheus.js';
import { createClient, type SwitchyardClient } from '../src/index.js';
import { startTestServer, type TestServer } from './support/server.js';
import { waitFor } from './support/wait.js';

/**
 * End to end with real components: an app instrumented with prom-client counts requests by variant
 * and status; Debian's Prometheus scrapes it every second; sdk-node decides the variant. A release
 * plan moves the flag 1% → 10% → 50% with a `prometheus` guard on the treatment's error ratio;
 * at 50% the treatment starts failing; the guard rolls the plan back and the SDK sees the flag
 * off for everyone. Prints regression start → rollback and rollback → SDK off; no timed assertion.
 */
const FLAG = 'new-checkout';
const ERROR_RATIO =
  'sum(rate(app_requests_total{variant="treatment",code="500"}[3s]) or vector(0)) / ' +
  'sum(rate(app_requests_total{variant="treatment"}[3s]))';

interface InstrumentedApp {
  target: string;
  url: string;
  /** Turn the treatment's bug on: half its requests answer 500. */
  regress(): void;
  close(): Promise<void>;
}

async function startInstrumentedApp(client: SwitchyardClient): Promise<InstrumentedApp> {
  const registry = new Registry();
  const requests = new Counter({
    name: 'app_requests_total',
    help: 'Requests by variant and HTTP status',
    labelNames: ['variant', 'code'],
    registers: [registry],
  });
  let broken = false;
  let served = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === '/metrics') {
      void registry
        .metrics()
        .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
      return;
    }
    served += 1;
    const treatment = client.isEnabled(FLAG, { userId: `u${served}` });
    const code = treatment && broken && served % 2 === 0 ? 500 : 200;
    requests.inc({ variant: treatment ? 'treatment' : 'control', code: String(code) });
    response.writeHead(code).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    target: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    regress: () => (broken = true),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Requests back to back, a few at a time, until stopped. */
function generateTraffic(url: string, concurrency = 4): { stop(): Promise<void> } {
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      await fetch(`${url}/checkout`).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

interface PlanView {
  id: string;
  state: string;
  finishedAt: string | null;
  progress: { currentStep: number; verdicts: { status: string; message: string }[] };
  outcome: { failing?: { message: string; evidence: Record<string, unknown> }[] } | null;
}

describe('a release plan guarded by Prometheus rolls back a regression', () => {
  let t: TestServer;
  let client: SwitchyardClient;
  let app: InstrumentedApp;
  let prometheus: PrometheusProcess | undefined;

  beforeAll(async () => {
    t = await startTestServer({ config: { releasePlanMinGuardIntervalS: 1 } });
    await t.admin('POST', `/projects/${t.project}/flags`, { key: FLAG, name: 'New checkout', type: 'boolean' });
    await t.configure(FLAG, {
      enabled: true,
      offVariant: 'off',
      defaultServe: { variant: 'off' },
      rules: [{ id: 'everyone', conditions: [], segments: [], serve: { variant: 'on' }, rollout: { percent: 0 } }],
      prerequisites: [],
    });
    client = createClient({ url: t.url, sdkKey: t.serverToken, metrics: false });
    await client.ready();
    app = await startInstrumentedApp(client);
    prometheus = await startPrometheus([app.target]);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await app?.close();
    await client?.close();
    await t?.close();
  });

  it('1% → 10% → 50%, then the treatment fails: the guard rolls back and the SDK sees the flag off', async () => {
    const traffic = generateTraffic(app.url);
    const plans = `/projects/${t.project}/flags/${FLAG}/environments/${t.environment}/release-plans`;
    try {
      await waitFor(
        async () => (await prometheus!.query('sum(app_requests_total)')).result.length > 0,
        'Prometheus to scrape the app',
        15_000,
      );
      const created = await t.admin<PlanView>('POST', plans, {
        steps: [
          { percent: 1, holdMinutes: 0.05 },
          { percent: 10, holdMinutes: 0.05 },
          { percent: 50, holdMinutes: 10 },
        ],
        guards: [{ kind: 'prometheus', url: prometheus!.url, query: ERROR_RATIO, operator: '<', threshold: 0.05 }],
        guardIntervalSeconds: 1,
        // At 1% the treatment may have no requests yet in the window (NaN): that does not hold the plan.
        onInconclusive: 'continue',
      });
      await t.admin('POST', `${plans}/${created.id}/start`, {});
      const get = () => t.admin<PlanView>('GET', `${plans}/${created.id}`);

      await waitFor(async () => (await get()).progress.currentStep === 2, 'the plan to reach 50%', 30_000);
      await waitFor(
        () => {
          let on = 0;
          for (let user = 0; user < 1_000; user++) if (client.isEnabled(FLAG, { userId: `probe${user}` })) on += 1;
          return on > 400 && on < 600;
        },
        'the SDK to serve the treatment to about half',
        5_000,
      );
      expect((await get()).state).toBe('running');

      const regressionAt = Date.now();
      app.regress();
      await waitFor(async () => (await get()).state !== 'running', 'the guard to roll back', 45_000);
      const rolledBack = await get();
      expect(rolledBack.state).toBe('rolled_back');
      const rollbackAt = Date.parse(rolledBack.finishedAt!);
      await waitFor(
        () => {
          for (let user = 0; user < 1_000; user++) if (client.isEnabled(FLAG, { userId: `probe${user}` })) return false;
          return true;
        },
        'the SDK to see the flag off',
        10_000,
      );
      const offAt = Date.now();
      expect(rolledBack.outcome?.failing?.[0]?.evidence).toMatchObject({ query: ERROR_RATIO });

      const audit = await t.admin<{ items: { action: string; reason: string }[] }>(
        'GET',
        `/projects/${t.project}/audit?actorKind=system&actorId=release-plan:${created.id}`,
      );
      const actions = audit.items.map((item) => item.action);
      expect(actions.filter((action) => action === 'flag_config.rollout_changed')).toHaveLength(4); // 3 steps + rollback
      expect(actions).toContain('release_plan.rolled_back');

      console.log(
        `[release plan → prometheus guard] regression start → rollback: ${rollbackAt - regressionAt} ms ` +
          `(guard interval 1 s, scrape 1 s, rate window 3 s); rollback → SDK off: ${offAt - rollbackAt} ms; ` +
          `failing verdict: ${rolledBack.outcome?.failing?.[0]?.message}`,
      );
    } finally {
      await traffic.stop();
    }
  }, 90_000);
});
