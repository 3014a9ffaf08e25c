/** Load on GET /api/v1/sdk/snapshot with autocannon, plus the server CPU time it cost. */
import autocannon from 'autocannon';
import { cpuMsOf } from './server-process.mjs';

const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * autocannon on `${baseUrl}/api/v1/sdk/snapshot` with `headers` (the token, If-None-Match,
 * Accept-Encoding…), `connections` connections: `warmupS` seconds discarded, then `durationS`
 * measured. Throws unless every answer had `expectedStatus`. `pid` is the server process.
 */
export async function measureSnapshotLoad({
  baseUrl,
  headers,
  pid,
  connections,
  durationS,
  warmupS = 2,
  expectedStatus,
}) {
  const options = { url: `${baseUrl}/api/v1/sdk/snapshot`, connections, headers };
  if (warmupS > 0) await autocannon({ ...options, duration: warmupS });
  const cpuBefore = cpuMsOf(pid);
  const result = await autocannon({ ...options, duration: durationS });
  const serverCpuMs = cpuMsOf(pid) - cpuBefore;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const unexpected = Object.keys(statuses).filter((code) => Number(code) !== expectedStatus);
  if (unexpected.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`snapshot ${expectedStatus}: statuses ${JSON.stringify(statuses)}, errors ${result.errors}`);
  }
  return {
    requestsPerSecond: round(result.requests.average, 0),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    bytesPerSecond: round(result.throughput.average, 0),
    requests: result.requests.total,
    // What one fully used core would serve: requests per second of the server's own CPU time.
    requestsPerServerCpuSecond: round((result.requests.total * 1000) / serverCpuMs, 0),
    serverCpuShare: round(serverCpuMs / (durationS * 1000), 2),
    statuses,
  };
}
