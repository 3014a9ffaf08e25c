/**
 * The project the server benchmarks measure (bench/server/run.mjs, bench/ofrep.mjs): project
 * `bench`, environment `prod`, boolean flags that each have a rule with a condition and a rollout,
 * and a server token, all made through the admin API as a user would.
 */
import { expectStatus } from './http-client.mjs';

/** `flag-000` … : the keys of `count` benchmark flags. */
export const benchFlagKeys = (count) => Array.from({ length: count }, (_, i) => `flag-${String(i).padStart(3, '0')}`);

/** The benchmark flags' rule: `on` for `percent` of the Nordic countries (as the admin API takes it). */
export const nordicsRule = (percent) => ({
  id: 'nordics',
  conditions: [{ attribute: 'country', operator: 'in', values: ['NO', 'SE', 'DK'] }],
  segments: [],
  rollout: { percent },
  serve: { variant: 'on' },
});

/** On, with the Nordic rule, its percent varied by the flag's index. */
function benchConfig(index) {
  return {
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [nordicsRule(((index * 37) % 10001) / 100)],
    prerequisites: [],
  };
}

/** Runs `worker(i)` for i in [0, count) with `parallel` in flight. */
async function inParallel(count, parallel, worker) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) await worker(next++);
    }),
  );
}

/**
 * Seeds the benchmark project on the server at `baseUrl`: one flag per key of `keys` (client-side
 * when `clientSide`), four at a time, and a server token named `tokenName` for `prod`, whose secret
 * it returns.
 */
export async function seedBenchProject(baseUrl, adminToken, { keys, clientSide = false, tokenName = 'bench sdk' }) {
  const admin = { token: adminToken };
  await expectStatus(201, baseUrl, 'POST', '/api/v1/projects', { ...admin, body: { key: 'bench', name: 'bench' } });
  await expectStatus(201, baseUrl, 'POST', '/api/v1/projects/bench/environments', {
    ...admin,
    body: { key: 'prod', name: 'prod' },
  });
  await inParallel(keys.length, 4, async (index) => {
    const key = keys[index];
    await expectStatus(201, baseUrl, 'POST', '/api/v1/projects/bench/flags', {
      ...admin,
      body: { key, name: key, type: 'boolean', clientSide },
    });
    const path = `/api/v1/projects/bench/flags/${key}/environments/prod`;
    const current = await expectStatus(200, baseUrl, 'GET', path, admin);
    await expectStatus(200, baseUrl, 'PUT', path, {
      ...admin,
      headers: { 'if-match': current.headers.etag },
      body: benchConfig(index),
    });
  });
  const token = await expectStatus(201, baseUrl, 'POST', '/api/v1/tokens', {
    ...admin,
    body: { name: tokenName, kind: 'server', project: 'bench', environment: 'prod' },
  });
  return token.body.secret;
}
