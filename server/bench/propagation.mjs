/**
 * Propagation benchmark (`npm run bench:propagation`): two server processes (server/dist/main.js)
 * on one Postgres database and one Redis, STREAMS SSE streams split over them, TOGGLES flag
 * toggles written through process A, one every SPACING_MS. For every toggle and stream: the time
 * from the write's HTTP response (as the writer saw it) to the stream receiving that revision.
 * Also the RSS each server process gains per idle stream.
 *
 * Environment: STREAMS (1000), TOGGLES (200), SPACING_MS (50), PG_URL (postgresql://postgres@127.0.0.1:5432/postgres),
 * REDIS_URL (unset: a private redis-server on a free port).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { startRedis } from './server/redis-process.mjs';
import { createBenchDatabase, memoryOf, startServer } from './server/server-process.mjs';

const STREAMS = Number(process.env.STREAMS ?? 1000);
const TOGGLES = Number(process.env.TOGGLES ?? 200);
const SPACING_MS = Number(process.env.SPACING_MS ?? 50);
const PG_URL = process.env.PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const cleanups = [];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** REDIS_URL, or a private redis-server on a free port (stopped at the end). */
async function redisUrlOrPrivate() {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const redis = await startRedis();
  cleanups.push(() => redis.stop());
  return redis.url;
}

/** RSS in bytes. */
const rssBytes = (pid) => memoryOf(pid).rssMb * 1024 * 1024;

async function api(baseUrl, token, method, path, body) {
  const response = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Opens one SSE stream; calls onRevision(revision, nowMs) for every event id. Resolves on the first event. */
function openStream(baseUrl, token, onRevision) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${baseUrl}/api/v1/sdk/stream`,
      { headers: { authorization: `Bearer ${token}` }, agent: false },
      (response) => {
        if (response.statusCode !== 200) return reject(new Error(`stream: ${response.statusCode}`));
        response.setEncoding('utf8');
        let buffer = '';
        let first = true;
        response.on('data', (chunk) => {
          const now = performance.now();
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (\d+)$/m.exec(block);
            if (id) onRevision(Number(id[1]), now);
            if (first && id) {
              first = false;
              resolve(request);
            }
          }
        });
        response.on('error', () => {});
      },
    );
    request.on('error', reject);
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const database = await createBenchDatabase(PG_URL);
  cleanups.push(() => database.drop());
  const redisUrl = await redisUrlOrPrivate();
  const adminToken = `bench-admin-${randomBytes(12).toString('hex')}`;
  const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl, SWITCHYARD_ADMIN_TOKEN: adminToken };
  const a = await startServer(env);
  cleanups.push(() => a.stop());
  const b = await startServer(env);
  cleanups.push(() => b.stop());

  await api(a.baseUrl, adminToken, 'POST', '/projects', { key: 'bench', name: 'bench' });
  await api(a.baseUrl, adminToken, 'POST', '/projects/bench/environments', { key: 'prod', name: 'prod' });
  for (let i = 0; i < 20; i++) {
    await api(a.baseUrl, adminToken, 'POST', '/projects/bench/flags', {
      key: `flag-${i}`,
      name: `flag ${i}`,
      type: 'boolean',
    });
  }
  const { secret: token } = await api(a.baseUrl, adminToken, 'POST', '/tokens', {
    name: 'bench',
    kind: 'server',
    project: 'bench',
    environment: 'prod',
  });
  const { revision: startRevision } = await api(a.baseUrl, adminToken, 'GET', '/projects/bench/environments/prod');

  // Warm both processes up (Prisma, JIT, the snapshot feed) before measuring what streams cost.
  for (const server of [a, b]) {
    for (let i = 0; i < 20; i++) {
      await fetch(`${server.baseUrl}/api/v1/sdk/snapshot`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.text(),
      );
      await api(server.baseUrl, adminToken, 'GET', '/projects/bench/flags');
    }
  }
  await sleep(1_000);
  const rssBefore = [rssBytes(a.pid), rssBytes(b.pid)];
  // received[revision] = array of receipt times (one per stream)
  const received = new Map();
  const onRevisionOf = (server) => (revision, now) => {
    let list = received.get(revision);
    if (!list) received.set(revision, (list = []));
    list.push({ now, server });
  };
  const requests = [];
  const connectStart = performance.now();
  for (let i = 0; i < STREAMS; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(STREAMS, i + 50); j++)
      batch.push(openStream(j % 2 === 0 ? a.baseUrl : b.baseUrl, token, onRevisionOf(j % 2 === 0 ? 'A' : 'B')));
    requests.push(...(await Promise.all(batch)));
  }
  const connectMs = performance.now() - connectStart;
  await sleep(2_000);
  const rssAfter = [rssBytes(a.pid), rssBytes(b.pid)];

  const responded = new Map();
  let next = performance.now();
  for (let i = 0; i < TOGGLES; i++) {
    next += SPACING_MS;
    await api(
      a.baseUrl,
      adminToken,
      'POST',
      `/projects/bench/flags/flag-${i % 20}/environments/prod/${i % 40 < 20 ? 'on' : 'off'}`,
      {},
    );
    responded.set(startRevision + i + 1, performance.now());
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
  }
  const finalRevision = startRevision + TOGGLES;
  const deadline = performance.now() + 30_000;
  while ((received.get(finalRevision)?.length ?? 0) < STREAMS && performance.now() < deadline) await sleep(100);

  const latencies = [];
  const byServer = { A: [], B: [] };
  let missing = 0;
  let early = 0;
  for (const [revision, at] of responded) {
    const times = received.get(revision) ?? [];
    missing += STREAMS - times.length;
    for (const { now, server } of times) {
      const latency = now - at;
      if (latency < 0) early++;
      latencies.push(Math.max(0, latency));
      byServer[server].push(Math.max(0, latency));
    }
  }
  latencies.sort((x, y) => x - y);
  const summary = (list) => {
    list.sort((x, y) => x - y);
    return { p50: +percentile(list, 50).toFixed(2), p99: +percentile(list, 99).toFixed(2) };
  };
  const metrics = await fetch(`${b.baseUrl}/metrics`).then((r) => r.text());
  const lag = /switchyard_propagation_lag_seconds_sum (\S+)\nswitchyard_propagation_lag_seconds_count (\S+)/.exec(
    metrics,
  );
  const result = {
    streams: STREAMS,
    toggles: TOGGLES,
    spacingMs: SPACING_MS,
    connectAllMs: Math.round(connectMs),
    deliveries: latencies.length,
    missing,
    pushedBeforeWriteResponse: early,
    latencyMs: {
      p50: +percentile(latencies, 50).toFixed(2),
      p99: +percentile(latencies, 99).toFixed(2),
      max: +latencies[latencies.length - 1].toFixed(2),
    },
    latencyMsByServer: { writer: summary(byServer.A), other: summary(byServer.B) },
    serverBMeanCommitToPushMs: lag ? +((Number(lag[1]) / Number(lag[2])) * 1000).toFixed(2) : null,
    rssPerIdleStreamBytes: rssAfter.map((after, index) => Math.round((after - rssBefore[index]) / (STREAMS / 2))),
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
  console.log(JSON.stringify(result, null, 2));
  for (const request of requests) request.destroy();
}

try {
  await main();
} finally {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
}
