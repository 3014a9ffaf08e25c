/**
 * What a client key can hold, with the default limits (`npm run build -w server` first):
 * `node server/bench/stream-limits.mjs`. Starts `dist/main.js` on a throwaway database, then
 * 1. opens streams with one client key from one address until refused (the per-client-IP cap);
 * 2. opens ATTEMPTS streams with that key from many loopback addresses (127.0.x.y) until the
 *    replica refuses (the per-replica cap), and while it is full measures /healthz, /readyz and an
 *    admin request, and counts the server's open file descriptors.
 * Prints one JSON object. Needs a `ulimit -n` above ATTEMPTS for this process.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import { createBenchDatabase, startServer } from './server/server-process.mjs';

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ATTEMPTS = Number(process.env.ATTEMPTS ?? 12_000);
const CONCURRENCY = 200;

const fdsOf = (pid) => readdirSync(`/proc/${pid}/fd`).length;

/** Resolves with the status (a 200 stream stays open in `held`). */
function openStream(baseUrl, key, localAddress, held) {
  return new Promise((resolve) => {
    const request = http.get(`${baseUrl}/api/v1/sdk/stream?key=${key}`, { agent: false, localAddress }, (response) => {
      if (response.statusCode === 200) held.push(request);
      else response.resume();
      response.on('error', () => {});
      resolve(response.statusCode);
    });
    request.on('error', (error) => resolve(`error ${error.code}`));
  });
}

async function timed(url, headers) {
  const started = performance.now();
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  await response.arrayBuffer();
  return { status: response.status, ms: Math.round((performance.now() - started) * 10) / 10 };
}

async function main() {
  const database = await createBenchDatabase(PG_URL);
  const adminToken = `bench-admin-${randomBytes(12).toString('hex')}`;
  const server = await startServer({ DATABASE_URL: database.url, SWITCHYARD_ADMIN_TOKEN: adminToken });
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const post = (path, body) =>
    fetch(`${server.baseUrl}/api/v1${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) }).then(
      (response) => response.json(),
    );
  const held = [];
  try {
    await post('/projects', { key: 'shop', name: 'shop' });
    await post('/projects/shop/environments', { key: 'prod', name: 'prod' });
    const { secret: key } = await post('/tokens', {
      name: 'web',
      kind: 'client',
      project: 'shop',
      environment: 'prod',
    });
    const fdsIdle = fdsOf(server.pid);

    // 1. One address.
    let oneAddress = 0;
    let firstRefusal;
    for (let i = 0; i < 200 && firstRefusal === undefined; i++) {
      const status = await openStream(server.baseUrl, key, '127.0.0.1', held);
      if (status === 200) oneAddress++;
      else firstRefusal = status;
    }
    for (const request of held.splice(0)) request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 500));

    // 2. Many addresses: 40 streams each from 127.0.<a>.<b>.
    const statuses = {};
    const started = performance.now();
    for (let sent = 0; sent < ATTEMPTS; sent += CONCURRENCY) {
      const batch = [];
      for (let i = sent; i < Math.min(ATTEMPTS, sent + CONCURRENCY); i++) {
        const address = Math.floor(i / 40) + 2;
        batch.push(openStream(server.baseUrl, key, `127.0.${address >> 8}.${address & 255}`, held));
      }
      for (const status of await Promise.all(batch)) statuses[status] = (statuses[status] ?? 0) + 1;
    }
    const openMs = Math.round(performance.now() - started);
    const underExhaustion = {
      healthz: await timed(`${server.baseUrl}/healthz`),
      readyz: await timed(`${server.baseUrl}/readyz`),
      adminProjects: await timed(`${server.baseUrl}/api/v1/projects`, admin),
      healthzAgain: await timed(`${server.baseUrl}/healthz`),
      metrics: (await (await fetch(`${server.baseUrl}/metrics`)).text())
        .split('\n')
        .filter((line) => line.startsWith('switchyard_sdk_streams')),
    };
    const fdsFull = fdsOf(server.pid);
    process.stdout.write(
      `${JSON.stringify(
        {
          oneAddress: { held: oneAddress, refusedWith: firstRefusal },
          manyAddresses: { attempts: ATTEMPTS, statuses, held: held.length, openMs },
          underExhaustion,
          serverFds: { idle: fdsIdle, full: fdsFull },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    for (const request of held) request.destroy();
    await server.stop();
    await database.drop();
  }
}

await main();
