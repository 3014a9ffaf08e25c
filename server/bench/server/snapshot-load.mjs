/**
 * Load on GET /api/v1/sdk/snapshot, plus the server CPU time it cost. The client is `wrk` when it
 * is installed (C, multi-threaded: at ~5,000+ req/s autocannon, one Node process on the same two
 * cores, measured itself rather than the server), else autocannon; `LOAD_CLIENT=autocannon|wrk`
 * chooses.
 */
import { execFileSync, spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { cpuMsOf } from './server-process.mjs';

const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return error.status === 1; // wrk --version prints its usage and exits 1
  }
})();

/** The client the load runs with. */
export const loadClient = process.env.LOAD_CLIENT ?? (hasWrk ? 'wrk' : 'autocannon');

/** wrk run: requests, req/s, latency percentiles, non-2xx/3xx count. */
function runWrk({ url, connections, durationS, headers }) {
  const args = ['-t', '2', '-c', String(connections), '-d', `${durationS}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited ${code}:\n${output}`));
      const number = (pattern) => Number(pattern.exec(output)?.[1] ?? NaN);
      const ms = (label) => {
        const match = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(output);
        if (!match) return NaN;
        return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2]];
      };
      resolve({
        requests: number(/(\d+) requests in/),
        requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
        latencyP50Ms: ms('50'),
        latencyP99Ms: ms('99'),
        bad: number(/Non-2xx or 3xx responses: (\d+)/) || 0,
        errors: /Socket errors: .*?(\d+)/.test(output) ? output.match(/Socket errors:.*$/m)[0] : '',
      });
    });
  });
}

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
  if (loadClient === 'wrk') {
    if (warmupS > 0) await runWrk({ ...options, durationS: warmupS });
    const cpuBefore = cpuMsOf(pid);
    const result = await runWrk({ ...options, durationS });
    const serverCpuMs = cpuMsOf(pid) - cpuBefore;
    if (result.bad > 0) throw new Error(`snapshot ${expectedStatus}: ${result.bad} other answers (wrk)`);
    return {
      client: 'wrk',
      requestsPerSecond: round(result.requestsPerSecond, 0),
      latencyP50Ms: result.latencyP50Ms,
      latencyP99Ms: result.latencyP99Ms,
      requests: result.requests,
      requestsPerServerCpuSecond: round((result.requests * 1000) / serverCpuMs, 0),
      serverCpuUsPerRequest: round((serverCpuMs * 1000) / result.requests, 1),
      serverCpuShare: round(serverCpuMs / (durationS * 1000), 2),
      socketErrors: result.errors,
    };
  }
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
    client: 'autocannon',
    serverCpuUsPerRequest: round((serverCpuMs * 1000) / result.requests.total, 1),
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
