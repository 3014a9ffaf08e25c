import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type SwitchyardClient } from '../src/index.js';
import { CHECKOUT_FLAG, generateTraffic, startCheckoutApp, type CheckoutApp } from './support/checkout-app.js';
import { startMonitoring, type Monitoring } from './support/monitoring.js';
import { startTestServer, type TestServer } from './support/server.js';
import { waitFor } from './support/wait.js';

/**
 * End to end with real components: Debian's Prometheus scrapes a prom-client app that decides with
 * sdk-node; an alert rule on the app's error rate fires; Debian's Alertmanager posts its webhook to
 * a Switchyard trigger; the flag is killed and the SDK turns it off, so the errors stop. Prints the
 * latency from the alert firing (Prometheus's activeAt) to the SDK seeing the flag off; no timed
 * assertion (shared CI machines). Intervals are 1 s throughout so the whole file takes ~15 s.
 */
const ALERT = 'CheckoutErrorRate';

describe('an Alertmanager alert kills a flag through a trigger', () => {
  let t: TestServer;
  let client: SwitchyardClient;
  let app: CheckoutApp;
  let monitoring: Monitoring | undefined;
  let trigger: { id: string; path: string };

  beforeAll(async () => {
    t = await startTestServer();
    await t.admin('POST', `/projects/${t.project}/flags`, {
      key: CHECKOUT_FLAG,
      name: 'New checkout',
      type: 'boolean',
    });
    trigger = await t.admin('POST', `/projects/${t.project}/triggers`, {
      name: 'alertmanager: checkout errors',
      flag: CHECKOUT_FLAG,
      environment: t.environment,
    });
    client = createClient({ url: t.url, sdkKey: t.serverToken, metrics: false });
    await client.ready();
    app = await startCheckoutApp(client);
    monitoring = await startMonitoring({
      scrapeTarget: app.target,
      webhookUrl: `${t.url}${trigger.path}`,
      rules: [
        {
          alert: ALERT,
          expr: 'sum(rate(app_requests_total{code=~"5.."}[5s])) / sum(rate(app_requests_total[5s])) > 0.05',
          for: '0s',
          labels: { severity: 'page' },
          annotations: { summary: 'checkout error rate {{ $value | humanizePercentage }}' },
        },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await monitoring?.stop();
    await app?.close();
    await client?.close();
    await t?.close();
  });

  it('fires on the regression, kills the flag, and the SDK sees it off', async () => {
    const traffic = generateTraffic(app.url);
    try {
      await waitFor(() => monitoring!.targetUp(), 'Prometheus to scrape the app', 15_000);

      // The regression: the new code path goes on.
      const regressionAt = Date.now();
      await t.toggle(CHECKOUT_FLAG, true);
      await waitFor(() => client.isEnabled(CHECKOUT_FLAG, { userId: 'u' }), 'the SDK to see the flag on', 5_000);

      // Watch Prometheus for the alert (it may be resolved and gone by the time the SDK sees the kill).
      let activeAt: number | undefined;
      const watching = (async () => {
        while (activeAt === undefined && Date.now() - regressionAt < 45_000) {
          const alert = (await monitoring!.alerts()).find(
            (a) => a.labels['alertname'] === ALERT && a.state === 'firing',
          );
          if (alert) activeAt = Date.parse(alert.activeAt);
          else await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      await waitFor(() => !client.isEnabled(CHECKOUT_FLAG, { userId: 'u' }), 'the SDK to see the kill', 45_000);
      const offAt = Date.now();
      await watching;
      expect(activeAt, 'Prometheus reported the alert firing').toBeDefined();

      const events = await t.admin<{ items: { action: string; reason: string; principal: { id: string } }[] }>(
        'GET',
        `/projects/${t.project}/audit?actorKind=system&actorId=trigger:${trigger.id}`,
      );
      expect(events.items).toHaveLength(1);
      expect(events.items[0]!.action).toBe('flag_config.killed');
      expect(events.items[0]!.reason).toContain(`Alertmanager firing: ${ALERT} (checkout error rate`);
      const config = await t.admin<{ killed: boolean }>(
        'GET',
        `/projects/${t.project}/flags/${CHECKOUT_FLAG}/environments/${t.environment}`,
      );
      expect(config.killed).toBe(true);

      console.log(
        `[alertmanager → trigger] regression start → alert firing: ${activeAt! - regressionAt} ms; ` +
          `alert firing → SDK off: ${offAt - activeAt!} ms; regression start → SDK off: ${offAt - regressionAt} ms`,
      );
    } finally {
      await traffic.stop();
    }
  }, 60_000);
});
