import { randomBytes } from 'node:crypto';
import type { Config } from '../../../server/src/config.js';
import type { PropagationOptions } from '../../../server/src/propagation/options.js';
import { createMigratedTestDatabase, type TestDatabase } from '../../../server/test/helpers/db.js';
import { startListeningApp, type ListeningApp } from '../../../server/test/propagation/support/listening-app.js';

/** A real Switchyard server (built from server/src, listening on a free port) with one project set up. */
export interface TestServer {
  server: ListeningApp;
  url: string;
  project: string;
  environment: string;
  serverToken: string;
  /** Admin API call; throws unless 2xx. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  toggle(flag: string, on: boolean): Promise<unknown>;
  kill(flag: string): Promise<unknown>;
  /** Replaces the flag's configuration in the environment (fetches the current one first). */
  configure(flag: string, config: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  propagation?: Partial<PropagationOptions>;
  config?: Partial<Config>;
  /** Reuse a database (e.g. to start a server again over the same data). */
  database?: TestDatabase;
  /** Skip creating the project (the database already has it). */
  existing?: { project: string; environment: string; serverToken: string };
}

function adminToken(server: ListeningApp): string {
  return (server.api as unknown as { adminToken: string }).adminToken;
}

/** Flags every test project starts with. */
export async function seedFlags(t: TestServer): Promise<void> {
  await t.admin('POST', `/projects/${t.project}/flags`, { key: 'new-checkout', name: 'New checkout', type: 'boolean' });
  await t.admin('POST', `/projects/${t.project}/flags`, {
    key: 'checkout-copy',
    name: 'Checkout copy',
    type: 'string',
    variants: [
      { key: 'control', value: 'Buy now' },
      { key: 'treatment', value: 'Complete your order' },
    ],
  });
  await t.admin('POST', `/projects/${t.project}/flags`, {
    key: 'max-items',
    name: 'Max items',
    type: 'number',
    variants: [
      { key: 'low', value: 5 },
      { key: 'high', value: 50 },
    ],
  });
  await t.configure('checkout-copy', {
    enabled: true,
    offVariant: 'control',
    defaultServe: { variant: 'control' },
    rules: [
      {
        id: 'nordics',
        conditions: [{ attribute: 'country', operator: 'in', values: ['NO', 'SE', 'DK'] }],
        segments: [],
        serve: { variant: 'treatment' },
      },
    ],
  });
  await t.configure('max-items', { enabled: true, offVariant: 'low', defaultServe: { variant: 'high' }, rules: [] });
}

/** Starts a server on a fresh database (or `options.database`) and creates a project, environment and server token. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createMigratedTestDatabase());
  const server = await startListeningApp({
    propagation: { heartbeatMs: 15_000, ...options.propagation },
    config: options.config,
    database,
  });
  const admin = <T>(method: string, path: string, body?: unknown) => server.api.request<T>(method, path, body);
  const project = options.existing?.project ?? `p${randomBytes(4).toString('hex')}`;
  const environment = options.existing?.environment ?? 'production';
  let serverToken = options.existing?.serverToken ?? '';
  if (!options.existing) {
    await admin('POST', '/projects', { key: project, name: project });
    await admin('POST', `/projects/${project}/environments`, { key: environment, name: environment });
    serverToken = await server.api.createToken('server', project, environment);
  }
  const base = `/projects/${project}/flags`;
  return {
    server,
    url: server.baseUrl,
    project,
    environment,
    serverToken,
    admin,
    toggle: (flag, on) => admin('POST', `${base}/${flag}/environments/${environment}/${on ? 'on' : 'off'}`, {}),
    kill: (flag) => admin('POST', `${base}/${flag}/kill`, { reason: 'test' }),
    async configure(flag, config) {
      const path = `${base}/${flag}/environments/${environment}`;
      const current = await admin<{ version: number }>('GET', path);
      const response = await fetch(`${server.baseUrl}/api/v1${path}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${adminToken(server)}`,
          'content-type': 'application/json',
          'if-match': `"${current.version}"`,
        },
        body: JSON.stringify(config),
      });
      if (!response.ok) throw new Error(`PUT ${path} → ${response.status}: ${await response.text()}`);
      return response.json();
    },
    async close() {
      await server.close();
      if (!options.database) await database.drop();
    },
  };
}
