/**
 * OFREP throughput (`npm run build -w server` first): `node server/bench/ofrep.mjs`. Starts the
 * built server (dist/main.js, Postgres mode) on a throwaway database with FLAGS boolean flags,
 * each with a rule of a condition and a rollout (seeded by server/seed-project.mjs, as bench/server/run.mjs
 * seeds them), then measures with autocannon, CONNECTIONS connections, DURATION_S each (after a 1 s warm-up):
 * - single: POST /ofrep/v1/evaluate/flags/{key}, a different context per request;
 * - bulk: POST /ofrep/v1/evaluate/flags (FLAGS evaluations per request), a different context per request;
 * - bulk 304: the same context with its ETag as If-None-Match (a poll with nothing changed).
 * Reports requests and flag evaluations per second, latency, and requests per second of the
 * server's own CPU time (what one fully used core would serve). Prints one JSON object.
 * Environment: PG_URL, FLAGS (200), CONNECTIONS (20), DURATION_S (5).
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { closeClient, request } from './server/http-client.mjs';
import { benchFlagKeys, seedBenchProject } from './server/seed-project.mjs';
import { cpuMsOf, createBenchDatabase, startServer } from './server/server-process.mjs';

const PG_URL = process.env.PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const FLAGS = Number(process.env.FLAGS ?? 200);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const DURATION_S = Number(process.env.DURATION_S ?? 5);

const round = (value) => Math.round(value);
const COUNTRIES = ['NO', 'SE', 'DK', 'DE', 'US'];

/** A body per request: contexts cycle through 1,000 users and five countries. */
function contextBody(i) {
  return JSON.stringify({ context: { targetingKey: `user-${i % 1000}`, country: COUNTRIES[i % COUNTRIES.length] } });
}

async function measure(baseUrl, pid, { path, headers, bodies, expectedStatus, evaluationsPerRequest }) {
  let next = 0;
  const options = {
    url: `${baseUrl}${path}`,
    method: 'POST',
    connections: CONNECTIONS,
    headers: { 'content-type': 'application/json', ...headers },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
  };
  await autocannon({ ...options, duration: 1 });
  const cpuBefore = cpuMsOf(pid);
  const result = await autocannon({ ...options, duration: DURATION_S });
  const serverCpuMs = cpuMsOf(pid) - cpuBefore;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  if (Object.keys(statuses).some((code) => Number(code) !== expectedStatus) || result.errors > 0) {
    throw new Error(`${path}: statuses ${JSON.stringify(statuses)}, errors ${result.errors}`);
  }
  return {
    requestsPerSecond: round(result.requests.average),
    ...(evaluationsPerRequest > 0
      ? { evaluationsPerSecond: round(result.requests.average * evaluationsPerRequest) }
      : {}),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requestsPerServerCpuSecond: round((result.requests.total * 1000) / serverCpuMs),
  };
}

async function main() {
  const database = await createBenchDatabase(PG_URL);
  const adminToken = `bench-admin-${randomBytes(12).toString('hex')}`;
  const server = await startServer({ DATABASE_URL: database.url, SWITCHYARD_ADMIN_TOKEN: adminToken });
  try {
    const token = await seedBenchProject(server.baseUrl, adminToken, {
      keys: benchFlagKeys(FLAGS),
      clientSide: true,
      tokenName: 'bench',
    });
    closeClient();
    const auth = { authorization: `Bearer ${token}` };
    const bodies = Array.from({ length: 5000 }, (_, i) => contextBody(i));
    const first = await request(server.baseUrl, 'POST', '/ofrep/v1/evaluate/flags', {
      token,
      body: JSON.parse(bodies[0]),
    });
    if (first.status !== 200 || first.body.flags.length !== FLAGS) throw new Error(`bulk: ${first.status}`);
    closeClient();
    const single = await measure(server.baseUrl, server.pid, {
      path: '/ofrep/v1/evaluate/flags/flag-042',
      headers: auth,
      bodies,
      expectedStatus: 200,
      evaluationsPerRequest: 1,
    });
    const bulk = await measure(server.baseUrl, server.pid, {
      path: '/ofrep/v1/evaluate/flags',
      headers: auth,
      bodies,
      expectedStatus: 200,
      evaluationsPerRequest: FLAGS,
    });
    const notModified = await measure(server.baseUrl, server.pid, {
      path: '/ofrep/v1/evaluate/flags',
      headers: { ...auth, 'if-none-match': first.headers.etag },
      bodies: [bodies[0]],
      expectedStatus: 304,
      evaluationsPerRequest: 0, // answered from the ETag remembered for the context
    });
    console.log(
      JSON.stringify(
        { flags: FLAGS, connections: CONNECTIONS, durationS: DURATION_S, single, bulk, bulk304: notModified },
        null,
        2,
      ),
    );
  } finally {
    await server.stop();
    await database.drop();
  }
}

await main();
