import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { startPrometheus, waitFor, type PrometheusProcess } from '../../../test/helpers/prometheus.js';
import { PLANS_URL, planChanges, rollout, setUpFlag, startPlan } from '../../../test/helpers/release-plans.js';
import { freePort } from '../../../test/propagation/support/processes.js';

// The `prometheus` guard against Debian's real Prometheus, scraping a tiny exporter whose value the test sets.
let t: TestApp;
let prometheus: PrometheusProcess;
let exporter: Server;
let errorRatio = 0.01;
const SECOND = 1_000;

beforeAll(async () => {
  exporter = createServer((_request, response) => {
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(
        `# TYPE checkout_error_ratio gauge\ncheckout_error_ratio{variant="treatment"} ${errorRatio}\n` +
          `checkout_error_ratio{variant="control"} 0.01\n`,
      );
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const address = exporter.address();
  prometheus = await startPrometheus([`127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`]);
  t = await createTestApp({ jobPollMs: 0, prometheusUrl: prometheus.url });
  await setUpFlag(t);
  await waitFor(
    async () => (await prometheus.query('checkout_error_ratio')).result.length === 2,
    'Prometheus to scrape the exporter',
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
  await prometheus?.stop();
  await new Promise((resolve) => exporter?.close(resolve));
});

const TREATMENT = 'max(checkout_error_ratio{variant="treatment"})';
const guard = (query = TREATMENT, extra: Record<string, unknown> = {}) => ({
  kind: 'prometheus',
  query,
  operator: '<',
  threshold: 0.05,
  ...extra,
});
const plan = (id: string) => t.api('GET', `${PLANS_URL}/${id}`).then((response) => response.body);

describe('the prometheus guard', () => {
  it('invalid PromQL is a 400 at create time (Prometheus says why), and nothing is written', async () => {
    const before = await t.db.prisma.releasePlan.count();
    const response = await t.api('POST', PLANS_URL, { template: 'standard', guards: [guard('sum(rate(x[5m])')] });
    expect(response.status).toBe(400);
    expect(response.body.details.issues[0]).toMatchObject({ path: 'body.guards.0.query' });
    expect(response.body.details.issues[0].message).toMatch(/^Prometheus refused the query: bad_data: /);
    expect(await t.db.prisma.releasePlan.count()).toBe(before);
  });

  it('rolls back when the treatment error ratio rises, with the query and sample as evidence', async () => {
    errorRatio = 0.01;
    const id = await startPlan(t, {
      steps: [
        { percent: 1, holdMinutes: 60 },
        { percent: 10, holdMinutes: 60 },
      ],
      guards: [guard()],
      guardIntervalSeconds: 10,
      onFailure: 'kill',
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + SECOND));
    await t.app.jobs.tick(new Date(t0 + 11 * SECOND));
    expect((await plan(id)).progress.verdicts).toEqual([
      expect.objectContaining({ kind: 'prometheus', status: 'pass', observed: 0.01 }),
    ]);

    errorRatio = 0.3;
    await waitFor(
      async () => (await prometheus.query(TREATMENT)).result[0]?.value[1] === '0.3',
      'Prometheus to scrape the regression',
    );
    await t.app.jobs.tick(new Date(t0 + 21 * SECOND));
    const rolledBack = await plan(id);
    expect(rolledBack).toMatchObject({
      state: 'rolled_back',
      outcome: {
        to: 'kill',
        failing: [{ observed: 0.3, evidence: { query: TREATMENT, prometheus: prometheus.url, observed: 0.3 } }],
      },
    });
    expect((await rollout(t)).killed).toBe(true);
    const kill = (await planChanges(t, id)).at(-1)!;
    expect(kill.action).toBe('flag_config.killed');
    expect(kill.reason).toBe(`release plan ${id} killed the flag: guard 0 (prometheus) fail: query 0.3 breaks < 0.05`);
    expect((await t.api('POST', '/projects/shop/flags/checkout/environments/production/restore', {})).status).toBe(200);
  });

  it('several samples, or an unreachable Prometheus, are inconclusive: the step holds', async () => {
    errorRatio = 0.01;
    const closed = `http://127.0.0.1:${await freePort()}`;
    // Unreachable at create time: accepted (documented), checked at every evaluation.
    const id = await startPlan(t, {
      steps: [
        { percent: 1, holdMinutes: 0.5 },
        { percent: 10, holdMinutes: 1 },
      ],
      guards: [guard('checkout_error_ratio'), guard(TREATMENT, { url: closed })],
      guardIntervalSeconds: 10,
    });
    const t0 = Date.now();
    await t.app.jobs.tick(new Date(t0 + SECOND));
    await t.app.jobs.tick(new Date(t0 + 11 * SECOND));
    await t.app.jobs.tick(new Date(t0 + 31 * SECOND));
    const held = await plan(id);
    expect(held.progress.waitingFor).toBe('guards');
    expect(held.progress.verdicts.map((verdict: { status: string }) => verdict.status)).toEqual([
      'inconclusive',
      'inconclusive',
    ]);
    expect(held.progress.verdicts[0].message).toMatch(/answered 2 samples/);
    expect(held.progress.verdicts[1].message).toMatch(/^Prometheus: .*ECONNREFUSED/);
    expect((await rollout(t)).percent).toBe(1);
    await t.api('POST', `${PLANS_URL}/${id}/abort`, {});
  });
});
