/**
 * Seeds an environment of N flags fast: one template flag through the admin API (so its rows are
 * exactly what the API writes: variants, configuration, rule, rollout), then N-1 copies of its
 * `flags` and `flag_configs` rows in one SQL statement, each copy with its own key and rollout
 * percentage. 10,000 flags take well under a second this way, against minutes through the API
 * (three requests per flag). The servers must (re)start afterwards: they did not hear of the copies.
 */
import pg from 'pg';
import { expectStatus } from '../server/http-client.mjs';
import { nordicsRule } from '../server/seed-project.mjs';

/** Key of the template flag, which is also the flag the benchmark toggles. */
export const TOGGLE_FLAG = 'flag-00000';

/**
 * On, with bench:server's rule (a condition and a rollout) and a second one like it, which brings a
 * flag to ~590 bytes of snapshot JSON: the size of the flags issue 12's baseline was measured with.
 */
function ruleConfig(percent) {
  return {
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [
      nordicsRule(percent),
      {
        id: 'paid-plans',
        conditions: [{ attribute: 'plan', operator: 'in', values: ['pro', 'enterprise', 'team'] }],
        segments: [],
        rollout: { percent: 50 },
        serve: { variant: 'on' },
      },
    ],
    prerequisites: [],
  };
}

/**
 * Project `bench`, environment `prod`, `flags` client-side boolean flags (so the client view, what
 * the browser SDK gets, holds them all), a server token and a client token.
 */
export async function seedEnvironment({ baseUrl, adminToken, databaseUrl, flags }) {
  const admin = { token: adminToken };
  await expectStatus(201, baseUrl, 'POST', '/api/v1/projects', { ...admin, body: { key: 'bench', name: 'bench' } });
  await expectStatus(201, baseUrl, 'POST', '/api/v1/projects/bench/environments', {
    ...admin,
    body: { key: 'prod', name: 'prod' },
  });
  await expectStatus(201, baseUrl, 'POST', '/api/v1/projects/bench/flags', {
    ...admin,
    body: { key: TOGGLE_FLAG, name: TOGGLE_FLAG, type: 'boolean', clientSide: true },
  });
  const path = `/api/v1/projects/bench/flags/${TOGGLE_FLAG}/environments/prod`;
  const current = await expectStatus(200, baseUrl, 'GET', path, admin);
  await expectStatus(200, baseUrl, 'PUT', path, {
    ...admin,
    headers: { 'if-match': current.headers.etag },
    body: ruleConfig(0),
  });
  const tokens = {};
  for (const kind of ['server', 'client']) {
    const created = await expectStatus(201, baseUrl, 'POST', '/api/v1/tokens', {
      ...admin,
      body: { name: `bench ${kind}`, kind, project: 'bench', environment: 'prod' },
    });
    tokens[kind] = created.body.secret;
  }
  await copyTemplate(databaseUrl, flags - 1);
  return tokens;
}

/** Inserts `copies` copies of the template flag and its configurations; bumps the revision. */
async function copyTemplate(databaseUrl, copies) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query(
      `WITH template AS (SELECT * FROM flags WHERE key = $1),
       copies AS (
         INSERT INTO flags (id, project_id, key, name, description, type, variants, tags, client_side, salt, updated_at)
         SELECT gen_random_uuid(), t.project_id, 'flag-' || lpad(i::text, 5, '0'), 'flag-' || lpad(i::text, 5, '0'),
                t.description, t.type, t.variants, t.tags, t.client_side, t.salt, now()
         FROM template t, generate_series(1, $2::int) AS i
         RETURNING id, key)
       INSERT INTO flag_configs (flag_id, environment_id, enabled, off_variant, default_serve, rules, prerequisites, updated_at)
       SELECT c.id, fc.environment_id, fc.enabled, fc.off_variant, fc.default_serve,
              jsonb_set(fc.rules, '{0,rollout,percentage}', to_jsonb((substr(c.key, 6)::int * 37) % 10001)),
              fc.prerequisites, now()
       FROM copies c, flag_configs fc JOIN template t ON fc.flag_id = t.id`,
      [TOGGLE_FLAG, copies],
    );
    if (inserted.rowCount !== copies) throw new Error(`seed: ${inserted.rowCount} configurations for ${copies} copies`);
    await client.query('UPDATE environments SET revision = revision + 1');
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
