/**
 * The toggle phase again with ONE server on the same database and no Redis (the in-process change
 * bus): the configuration Unleash's peer figures were measured in (one Unleash process on
 * Postgres, bench/server), so the 200-flag comparison with Unleash is like for like. The two
 * replicas are stopped first; this server starts on the seeded, already-toggled database.
 */
import { startServer } from '../server/server-process.mjs';
import { percentile } from '../server/stats.mjs';
import { measureToggles } from '../server/toggles.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * `env` is the replicas' environment (its REDIS_URL is dropped). Resolves to p50/p99 of `count`
 * toggles after `warmup` unmeasured ones, and the server's CPU per toggle (/proc).
 */
export async function measureSingleServerToggles({ env, adminToken, flagPath, count, warmup }) {
  const { REDIS_URL: _redis, ...withoutRedis } = env;
  const server = await startServer(withoutRedis);
  try {
    const { times, cpuMsPerToggle } = await measureToggles({
      baseUrl: server.baseUrl,
      adminToken,
      flagPath,
      count,
      warmup,
      pids: [server.pid],
      // The outbox marking after the last response (≤ 20 ms later) is part of the toggles' cost.
      settle: () => sleep(200),
    });
    return {
      count: times.length,
      p50Ms: round(percentile(times, 50)),
      p99Ms: round(percentile(times, 99)),
      serverCpuMsPerToggle: round(cpuMsPerToggle),
    };
  } finally {
    await server.stop();
  }
}
