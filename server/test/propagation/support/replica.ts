import { buildApp, type App } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { openDatabase, type Database } from '../../../src/db/index.js';
import type { PropagationOptions } from '../../../src/propagation/options.js';
import type { TestDatabase } from '../../helpers/db.js';
import { startListeningApp, type ListeningApp } from './listening-app.js';

export interface Replica {
  app: App;
  db: Database;
  baseUrl: string;
  /** The current value of a Prometheus counter as served at GET /metrics (0 when never counted). */
  counter(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

/**
 * One more server replica, in this process and listening on a free port, over a database another
 * app already set up (`startListeningApp`: it migrated and holds the admin token, so this one
 * bootstraps nothing). With `redisUrl` it joins that Redis bus; without, it has an in-process bus
 * of its own, so its commits reach Postgres but no other replica hears of them.
 */
export async function startReplica(options: {
  database: TestDatabase;
  redisUrl?: string;
  propagation?: Partial<PropagationOptions>;
}): Promise<Replica> {
  const config = {
    ...loadConfig({ DATABASE_URL: options.database.url, LOG_LEVEL: 'silent' }),
    redisUrl: options.redisUrl,
  };
  const db = await openDatabase({ databaseUrl: options.database.url, dataDir: config.dataDir });
  await db.migrate();
  const app = await buildApp({ db, config, logger: false, propagation: options.propagation });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    db,
    baseUrl,
    async counter(name, labels = {}) {
      const response = await fetch(`${baseUrl}/metrics`);
      if (!response.ok) throw new Error(`GET /metrics → ${response.status}`);
      return readCounter(await response.text(), name, labels);
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** The sample of `name` with exactly `labels` in Prometheus text format; 0 when absent. */
export function readCounter(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = (match[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (present === wanted) return Number(match[3]);
  }
  return 0;
}

/** Resolves once `check` resolves true (polled every 20 ms); rejects naming `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What {@link startShopWriter} sets up. */
export interface ShopWriter {
  writer: ListeningApp;
  serverToken: string;
  clientToken: string;
  /** Database id of `shop/prod`. */
  environmentId: string;
}

/**
 * The world of the gap-repair and safety-timer tests: a writer on its own in-process bus (its
 * commits reach Postgres, and another replica only as a test announces them), project `shop` with
 * environment `prod`, a server and a client token, a client-side flag `checkout` and a server-only
 * `ledger`, and every outbox row already published (to the writer's own bus), so a receiver's
 * publisher finds none.
 */
export async function startShopWriter(): Promise<ShopWriter> {
  const writer = await startListeningApp();
  const { api } = writer;
  await api.createProject('shop');
  await api.createEnvironment('shop', 'prod');
  const serverToken = await api.createToken('server', 'shop', 'prod');
  const clientToken = await api.createToken('client', 'shop', 'prod');
  await api.createFlag('shop', 'checkout', { clientSide: true });
  await api.createFlag('shop', 'ledger');
  const environmentId = (await writer.db.prisma.environment.findFirstOrThrow({ where: { key: 'prod' } })).id;
  await writer.app.propagation.publisher.drain();
  return { writer, serverToken, clientToken, environmentId };
}
