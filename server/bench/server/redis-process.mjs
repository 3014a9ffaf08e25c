/**
 * A private `redis-server` on a free port (no persistence) for a benchmark, so its counters
 * (`INFO stats`, `INFO commandstats`) and CPU time belong to the run alone.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from './server-process.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one inline command and resolves to its bulk-string reply (enough for INFO); adds the
 * bytes sent and received to `traffic`, so a measurement can leave its own INFO calls out.
 */
function command(port, line, traffic) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      traffic.received += chunk.length;
      buffer = Buffer.concat([buffer, chunk]);
      const headerEnd = buffer.indexOf('\r\n');
      if (headerEnd === -1) return;
      const header = buffer.subarray(0, headerEnd).toString();
      if (header.startsWith('-')) return (socket.destroy(), reject(new Error(`redis: ${header}`)));
      if (!header.startsWith('$')) return (socket.destroy(), resolve(header.slice(1)));
      const length = Number(header.slice(1));
      if (buffer.length < headerEnd + 2 + length) return;
      socket.destroy();
      resolve(buffer.subarray(headerEnd + 2, headerEnd + 2 + length).toString());
    });
    const request = `${line}\r\n`;
    traffic.sent += Buffer.byteLength(request);
    socket.write(request);
  });
}

/** `field:value` lines of an INFO reply as numbers where they are numbers. */
function parseInfo(text) {
  const fields = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0 || line.startsWith('#')) continue;
    const value = line.slice(colon + 1);
    fields[line.slice(0, colon)] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return fields;
}

/**
 * Starts `redis-server` and resolves once it accepts connections. `info(section)` returns the
 * parsed INFO section (as numbers where they are); `stop()` kills it.
 */
export async function startRedis() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const traffic = { sent: 0, received: 0 };
  const redis = {
    /** Bytes this helper itself sent to / received from the server (its INFO and PING calls). */
    traffic,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    info: async (section) => parseInfo(await command(port, `INFO ${section}`, traffic)),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
  for (let i = 0; i < 100; i++) {
    if (
      await command(port, 'PING', traffic).then(
        () => true,
        () => false,
      )
    )
      return redis;
    await sleep(50);
  }
  await redis.stop();
  throw new Error('redis-server did not start');
}
