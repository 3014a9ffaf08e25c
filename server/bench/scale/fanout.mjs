/**
 * SSE fan-out: `streams` raw streams on one replica (resuming at the current revision, so no
 * `put`: this measures patch delivery alone), toggles written through the other replica, one
 * every `spacingMs` (or right after the previous answer when that is slower). Per toggle: the time
 * from sending the toggle to the last stream receiving its revision; the stream replica's CPU time;
 * (stream, revision) pairs never delivered.
 */
import { request } from '../server/http-client.mjs';
import { cpuMsOf } from '../server/server-process.mjs';
import { percentile } from '../server/stats.mjs';
import { openStream } from './sse-client.mjs';
import { spawn } from 'node:child_process';

/** `perf record -g` of `pid` into `file` (FANOUT_PERF=file) while the toggles run; needs STREAMER_NODE_ARGS=--perf-basic-prof for JS names. */
function startPerf(pid, file) {
  const child = spawn('perf', ['record', '-F', '2000', '-g', '-p', String(pid), '-o', file], { stdio: 'ignore' });
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGINT');
      }),
  };
}

const round = (value) => Math.round(value * 100) / 100;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `writer` and `streamer` are started servers; `revision` the environment's current revision
 * (both replicas at it); `flagPath` the toggled flag's configuration path.
 */
export async function measureFanout({
  writer,
  streamer,
  adminToken,
  sdkToken,
  flagPath,
  revision,
  streams: count,
  toggles,
  spacingMs,
  deliveryTimeoutMs = 30_000,
}) {
  // arrivals[i]: revision → arrival time on stream i.
  const arrivals = Array.from({ length: count }, () => new Map());
  const streams = [];
  const connectStarted = performance.now();
  for (let i = 0; i < count; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 100); j++) {
      batch.push(
        openStream(streamer.baseUrl, sdkToken, {
          lastEventId: revision,
          onEvent: (type, id, _data, now) => {
            if (id !== undefined) arrivals[j].set(id, now);
          },
        }),
      );
    }
    streams.push(...(await Promise.all(batch)));
  }
  const connectMs = performance.now() - connectStarted;
  await sleep(500);

  const sent = [];
  const perf = process.env.FANOUT_PERF ? startPerf(streamer.pid, process.env.FANOUT_PERF) : undefined;
  const cpuBefore = cpuMsOf(streamer.pid);
  const started = performance.now();
  for (let i = 0; i < toggles; i++) {
    const due = started + i * spacingMs;
    if (due > performance.now()) await sleep(due - performance.now());
    const at = performance.now();
    const response = await request(writer.baseUrl, 'POST', `${flagPath}/${i % 2 === 0 ? 'off' : 'on'}`, {
      token: adminToken,
    });
    if (response.status !== 200) throw new Error(`fan-out toggle ${i}: ${response.status}`);
    sent.push({ revision: revision + i + 1, at });
  }
  const last = revision + toggles;
  const deadline = performance.now() + deliveryTimeoutMs;
  const everyStreamHasLast = () => arrivals.every((arrived, i) => arrived.has(last) || streams[i].state === 'ended');
  while (!everyStreamHasLast() && performance.now() < deadline) await sleep(20);
  const cpuMs = cpuMsOf(streamer.pid) - cpuBefore;
  await perf?.stop();
  const droppedStreams = streams.filter((stream) => stream.state === 'ended').length;
  for (const stream of streams) stream.close();

  let missed = 0;
  const lastStreamMs = [];
  const deliveries = [];
  for (const { revision: wanted, at } of sent) {
    let latest = -Infinity;
    for (const arrived of arrivals) {
      const time = arrived.get(wanted);
      if (time === undefined) {
        missed++;
        continue;
      }
      deliveries.push(time - at);
      latest = Math.max(latest, time);
    }
    if (latest > -Infinity) lastStreamMs.push(latest - at);
  }
  return {
    streams: count,
    toggles,
    spacingMs,
    connectAllMs: Math.round(connectMs),
    lastStreamP50Ms: round(percentile(lastStreamMs, 50)),
    lastStreamP99Ms: round(percentile(lastStreamMs, 99)),
    deliveryP50Ms: round(percentile(deliveries, 50)),
    missedPatches: missed,
    droppedStreams,
    streamReplicaCpuMsPerToggle: cpuMs / toggles,
  };
}
