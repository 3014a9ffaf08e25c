import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { ensureServerBuilt, freePort, ServerProcess } from '../../../test/propagation/support/processes.js';

// The start-up wiring: a server process started on a database holding a catastrophic pattern
// (written with SQL, as an older server would have stored it) never serves it.

let t: TestApp;
let server: ServerProcess | undefined;
const EXPONENTIAL = '^(\\w|\\d)+$';

beforeAll(async () => {
  ensureServerBuilt();
  t = await createTestApp();
  const api = t.api.bind(t);
  expect((await api('POST', '/projects', { key: 'acme', name: 'Acme' })).status).toBe(201);
  expect((await api('POST', '/projects/acme/environments', { key: 'production', name: 'p' })).status).toBe(201);
  expect((await api('POST', '/projects/acme/flags', { key: 'checkout', name: 'c', type: 'boolean' })).status).toBe(201);
  const rules = [
    {
      id: 'r1',
      conditions: [{ attribute: 'email', operator: 'regex', values: [EXPONENTIAL, '@acme\\.test$'] }],
      segments: [],
      serve: { variant: 'on' },
    },
  ];
  await t.db.prisma.$executeRaw`UPDATE flag_configs SET rules = ${JSON.stringify(rules)}::jsonb`;
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await t?.close();
});

describe('server start-up', () => {
  it('takes a stored catastrophic pattern out of service before it serves snapshots', async () => {
    const token = await t.api('POST', '/tokens', {
      name: 'sdk',
      kind: 'server',
      project: 'acme',
      environment: 'production',
    });
    server = new ServerProcess({
      port: await freePort(),
      databaseUrl: t.config.databaseUrl!,
      adminToken: t.adminToken,
    });
    await server.start();
    const response = await fetch(`${server.baseUrl}/api/v1/sdk/snapshot`, {
      headers: { authorization: `Bearer ${token.body.secret as string}` },
    });
    expect(response.status).toBe(200);
    const snapshot = (await response.json()) as { flags: { rules: { conditions: { values: unknown[] }[] }[] }[] };
    expect(snapshot.flags[0]!.rules[0]!.conditions[0]!.values).toEqual(['@acme\\.test$']);
    const audit = await t.db.prisma.auditEvent.findMany({ where: { actorId: 'regex-check' } });
    expect(audit).toHaveLength(1);
    expect(server.output.join('')).toContain('out of service');
  });
});
