/**
 * SSE fan-out: `streams` raw streams on one replica (resuming at the current revision, so no
 * `put`: this measures patch delivery alone), toggles written through the other replica, one
 * every `spacingMs` (or right after the previous answer when that is slower). Per toggle: the time
 * from sending the toggle to the last stream receiving its revision; the stream replica's CPU time;
 * (stream, revision) pairs never delivered.
 *
 * The streams are read by child processes (stream-readers.mjs: raw sockets, minimal parsing that
 * still checks every event's id and JSON), pinned to the other core than the stream replica when
 * `taskset` is there; `measureFloor` runs the same readers against a bare `node:net` server
 * writing the same bytes (floor-server.mjs), the cost no Node server can go below.
 */
import { request } from '../server/http-client.mjs';
import { cpuMsOf, cpuSplitMsOf } from '../server/server-process.mjs';
import { percentile } from '../server/stats.mjs';
import { canPin, monotonicMs, pin, startFloorServer, startReaders, unpin } from './fanout-processes.mjs';
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
 * `toggles` toggles of `flagPath` through `writer`, one every `spacingMs` (or right after the
 * previous answer when that is slower); answers `[{ revision, at }]`, `at` read from `clock` just
 * before each request (the readers' clock, so arrival times compare with it).
 */
async function sendSpacedToggles({ writer, adminToken, flagPath, revision, toggles, spacingMs, clock }) {
  const sent = [];
  const started = performance.now();
  for (let i = 0; i < toggles; i++) {
    const due = started + i * spacingMs;
    if (due > performance.now()) await sleep(due - performance.now());
    const at = clock();
    const response = await request(writer.baseUrl, 'POST', `${flagPath}/${i % 2 === 0 ? 'off' : 'on'}`, {
      token: adminToken,
    });
    if (response.status !== 200) throw new Error(`fan-out toggle ${i}: ${response.status}`);
    sent.push({ revision: revision + i + 1, at });
  }
  return sent;
}

/**
 * The fan-out with the streams read IN THIS PROCESS by node:http (sse-client.mjs): the bench as it
 * was before session 6 (FANOUT_READER=http), kept to compare with older figures. The reader
 * then costs more CPU than the server, on the same two cores, so latency mostly measures it.
 * `writer` and `streamer` are started servers; `revision` the environment's current revision
 * (both replicas at it); `flagPath` the toggled flag's configuration path.
 */
export async function measureFanoutInProcess({
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

  const perf = process.env.FANOUT_PERF ? startPerf(streamer.pid, process.env.FANOUT_PERF) : undefined;
  const cpuBefore = cpuMsOf(streamer.pid);
  const sent = await sendSpacedToggles({
    writer,
    adminToken,
    flagPath,
    revision,
    toggles,
    spacingMs,
    clock: () => performance.now(),
  });
  const last = revision + toggles;
  const deadline = performance.now() + deliveryTimeoutMs;
  const everyStreamHasLast = () => arrivals.every((arrived, i) => arrived.has(last) || streams[i].state === 'ended');
  while (!everyStreamHasLast() && performance.now() < deadline) await sleep(20);
  const cpuMs = cpuMsOf(streamer.pid) - cpuBefore;
  await perf?.stop();
  const droppedStreams = streams.filter((stream) => stream.state === 'ended').length;
  for (const stream of streams) stream.close();

  // In `latencies`' shape: per revision, every stream's arrival time (NaN: never arrived).
  const byRevision = new Map(
    sent.map(({ revision: wanted }) => [wanted, arrivals.map((arrived) => arrived.get(wanted) ?? NaN)]),
  );
  const { missed, ...times } = latencies(sent, byRevision);
  return {
    streams: count,
    toggles,
    spacingMs,
    connectAllMs: Math.round(connectMs),
    ...times,
    missedPatches: missed,
    droppedStreams,
    streamReplicaCpuMsPerToggle: cpuMs / toggles,
  };
}

/** Per toggle: the last stream's delay after `at`; every delivery's delay; pairs never delivered. */
function latencies(sent, arrivals) {
  let missed = 0;
  const lastStreamMs = [];
  const deliveries = [];
  for (const { revision, at } of sent) {
    let latest = -Infinity;
    for (const time of arrivals.get(revision)) {
      if (Number.isNaN(time)) {
        missed++;
        continue;
      }
      deliveries.push(time - at);
      if (time > latest) latest = time;
    }
    if (latest > -Infinity) lastStreamMs.push(latest - at);
  }
  return {
    missed,
    lastStreamP50Ms: round(percentile(lastStreamMs, 50)),
    lastStreamP99Ms: round(percentile(lastStreamMs, 99)),
    lastStreamMaxMs: round(Math.max(...lastStreamMs)),
    deliveryP50Ms: round(percentile(deliveries, 50)),
  };
}

/** The stream replica's patch writes and patches so far (its /metrics counters). */
async function patchWritesOf(server) {
  const text = await fetch(`${server.baseUrl}/metrics`).then((response) => response.text());
  const counter = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    writes: counter('switchyard_sdk_stream_patch_writes_total'),
    patches: counter('switchyard_sdk_stream_patches_total'),
  };
}

/** Polls the readers until every stream has `revision` (or ended), or `timeoutMs` passed. */
async function untilDelivered(readers, revision, count, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while ((await readers.progress(revision)) < count && performance.now() < deadline) await sleep(20);
}

/** Where the stream server and the readers run: CPU 0 and CPU 1 when `pinning` and taskset works. */
export function placement(pinning) {
  return pinning && canPin() ? { server: 0, readers: 1 } : undefined;
}

/**
 * The fan-out with the streams read by `readerProcesses` child processes (see above); `pinning`:
 * stream replica on CPU 0, readers on CPU 1 (unpinned again after). Same arguments and figures as
 * `measureFanoutInProcess`, plus the readers' CPU, whether it was pinned, the reader's check
 * errors and a sample patch (the floor writes the same bytes).
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
  readerProcesses = 1,
  pinning = true,
  probeEveryMs = 20,
}) {
  const cpus = placement(pinning);
  const readers = await startReaders({ count, processes: readerProcesses, cpu: cpus?.readers });
  const serverPinned = cpus ? pin(streamer.pid, cpus.server) : false;
  try {
    const { hostname, port } = new URL(streamer.baseUrl);
    const connectMs = await readers.open({
      host: hostname,
      port: Number(port),
      path: '/api/v1/sdk/stream',
      headers: { authorization: `Bearer ${sdkToken}`, 'last-event-id': String(revision) },
      lastEventId: revision,
    });
    await sleep(500);

    const writesBefore = await patchWritesOf(streamer);
    // Meanwhile another client asks B for /healthz every `probeEveryMs` (one request at a time, the
    // next due on that schedule): how long a request waits behind a fan-out. On a schedule, not
    // back to back, so a server that answers sooner is not given more requests (and CPU) to count.
    let probing = probeEveryMs > 0;
    const probeMs = [];
    const probe = (async () => {
      const probeStart = performance.now();
      for (let k = 0; probing; k++) {
        const due = probeStart + k * probeEveryMs;
        if (due > performance.now()) await sleep(due - performance.now());
        if (!probing) break;
        const at = performance.now();
        await request(streamer.baseUrl, 'GET', '/healthz');
        probeMs.push(performance.now() - at);
      }
    })();
    const perf = process.env.FANOUT_PERF ? startPerf(streamer.pid, process.env.FANOUT_PERF) : undefined;
    const cpuBefore = cpuMsOf(streamer.pid);
    const splitBefore = cpuSplitMsOf(streamer.pid);
    const sent = await sendSpacedToggles({
      writer,
      adminToken,
      flagPath,
      revision,
      toggles,
      spacingMs,
      clock: monotonicMs,
    });
    await untilDelivered(readers, revision + toggles, count, deliveryTimeoutMs);
    const cpuMs = cpuMsOf(streamer.pid) - cpuBefore;
    const splitAfter = cpuSplitMsOf(streamer.pid);
    await perf?.stop();
    probing = false;
    await probe;
    const writesAfter = await patchWritesOf(streamer);
    const writes = writesAfter.writes - writesBefore.writes;
    const collected = await readers.collect(revision + 1, revision + toggles);
    const { missed, ...times } = latencies(sent, collected.arrivals);
    return {
      reader: `${readerProcesses} child process${readerProcesses === 1 ? '' : 'es'}, raw sockets`,
      pinned: serverPinned && readers.pinned,
      streams: count,
      toggles,
      spacingMs,
      connectAllMs: Math.round(connectMs),
      ...times,
      missedPatches: missed,
      droppedStreams: collected.ended,
      readerErrors: collected.errors,
      streamReplicaCpuMsPerToggle: cpuMs / toggles,
      readerCpuUsPerEvent: round((collected.cpuMs * 1000) / (count * toggles)),
      patchesPerRead: round(collected.patchesPerRead, 3),
      healthzDuringFanout: probeMs.length > 0 && {
        count: probeMs.length,
        p50Ms: round(percentile(probeMs, 50)),
        p99Ms: round(percentile(probeMs, 99)),
        maxMs: round(Math.max(...probeMs)),
      },
      // More than 1 when the fan-out fell behind and joined patches (an older build: no counter, NaN).
      patchesPerWrite: round((writesAfter.patches - writesBefore.patches) / writes, 3),
      cpuUsPerWrite: round((cpuMs * 1000) / writes, 2),
      // The same split by /proc into user space (our code, Node, V8) and kernel (the sends).
      userCpuUsPerWrite: round(((splitAfter.user - splitBefore.user) * 1000) / writes, 2),
      systemCpuUsPerWrite: round(((splitAfter.system - splitBefore.system) * 1000) / writes, 2),
      samplePatch: collected.sample,
    };
  } finally {
    if (serverPinned) unpin(streamer.pid);
    await readers.stop();
  }
}

/**
 * The FLOOR: the same readers on `streams` sockets of a bare node:net server (floor-server.mjs),
 * which writes `toggles` patch frames of `samplePatch`'s bytes (its revision replaced), one every
 * `spacingMs`. Per write: CPU per stream of the floor server (/proc), send → last socket p50/p99.
 */
export async function measureFloor({
  streams: count,
  toggles,
  spacingMs,
  samplePatch,
  readerProcesses = 1,
  pinning = true,
}) {
  const cpus = placement(pinning);
  const server = await startFloorServer({ cpu: cpus?.server });
  const readers = await startReaders({ count, processes: readerProcesses, cpu: cpus?.readers });
  try {
    const base = 1_000;
    await readers.open({ host: '127.0.0.1', port: server.port, path: '/', headers: {}, lastEventId: base });
    await sleep(500);
    const patch = JSON.parse(samplePatch);
    const sent = [];
    const loopMs = [];
    const perf = process.env.FLOOR_PERF ? startPerf(server.pid, process.env.FLOOR_PERF) : undefined;
    const cpuBefore = cpuMsOf(server.pid);
    const splitBefore = cpuSplitMsOf(server.pid);
    const started = performance.now();
    for (let i = 0; i < toggles; i++) {
      const due = started + i * spacingMs;
      if (due > performance.now()) await sleep(due - performance.now());
      const revision = base + i + 1;
      const at = monotonicMs();
      loopMs.push((await server.write(revision, JSON.stringify({ ...patch, revision }))).ms);
      sent.push({ revision, at });
    }
    await untilDelivered(readers, base + toggles, count, 30_000);
    const cpuMs = cpuMsOf(server.pid) - cpuBefore;
    const splitAfter = cpuSplitMsOf(server.pid);
    await perf?.stop();
    const collected = await readers.collect(base + 1, base + toggles);
    const { missed, ...times } = latencies(sent, collected.arrivals);
    return {
      pinned: server.pinned && readers.pinned,
      streams: count,
      toggles,
      ...times,
      writeLoopP50Ms: round(percentile(loopMs, 50)),
      missedPatches: missed,
      readerErrors: collected.errors,
      cpuUsPerWritePerStream: round((cpuMs * 1000) / (count * toggles)),
      userCpuUsPerWrite: round(((splitAfter.user - splitBefore.user) * 1000) / (count * toggles), 2),
      systemCpuUsPerWrite: round(((splitAfter.system - splitBefore.system) * 1000) / (count * toggles), 2),
      readerCpuUsPerEvent: round((collected.cpuMs * 1000) / (count * toggles)),
      patchesPerRead: round(collected.patchesPerRead, 3),
    };
  } finally {
    await readers.stop();
    await server.stop();
  }
}
