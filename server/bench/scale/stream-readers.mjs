/**
 * Child process: `count` SSE streams on raw `net` sockets, read with as little work as will still
 * check what arrives, so the fan-out bench measures the server and not its own reader (node:http
 * per stream costs the reader more CPU than the server spends writing).
 *
 * Per socket: the HTTP response head (status 200 required), then HTTP/1.1 chunks (or a plain body),
 * then SSE events. Each `patch` must carry the next id (no gap, no repeat) and data that is one
 * complete JSON patch whose `revision` is the id. Distinct data strings are parsed once (all streams
 * of a view get the same bytes), so the check costs a string compare per event, not a parse.
 *
 * IPC, parent → child: `{ type: 'open', host, port, path, headers, count, lastEventId }` → `{ type:
 * 'opened', ms }`; `{ type: 'progress', revision }` → `{ type: 'progress', done }` (streams that
 * have it or ended); `{ type: 'collect', first, last }` → `{ type: 'arrivals', ... }` (per revision,
 * a Float64Array of arrival times in monotonic ms, NaN where it never came); `{ type: 'exit' }`.
 * Times are `performance.now()` plus an offset to the process-wide monotonic clock (hrtime), which
 * parent and child share.
 */
import net from 'node:net';

const monotonicOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();

/** Per stream: parser state and what arrived. */
class Stream {
  constructor(index, expectedNext) {
    this.index = index;
    this.head = '';
    this.headDone = false;
    this.chunked = false;
    /** Bytes of the current HTTP chunk still to come (-1: reading a size line). */
    this.chunkLeft = -1;
    this.sizeLine = '';
    /** After a chunk's payload, its CRLF is still to be skipped. */
    this.skipCrlf = 0;
    this.sse = '';
    this.expectedNext = expectedNext;
    this.ended = false;
  }
}

const state = {
  streams: [],
  /** revision → Float64Array of arrival times by stream index. */
  arrivals: new Map(),
  /** data string → the revision it holds, or -1 when it is not a whole JSON patch. */
  parsed: new Map(),
  errors: { outOfOrder: 0, badData: 0, badStatus: 0, other: 0 },
  /** Reads that brought patches, and the patches they brought (> 1 per read: the server joined them). */
  patchReads: 0,
  patches: 0,
  sample: undefined,
  count: 0,
};

function arrivalsOf(revision) {
  let times = state.arrivals.get(revision);
  if (!times) {
    times = new Float64Array(state.count).fill(NaN);
    state.arrivals.set(revision, times);
  }
  return times;
}

function revisionIn(data) {
  let revision = state.parsed.get(data);
  if (revision === undefined) {
    revision = -1;
    try {
      const patch = JSON.parse(Buffer.from(data, 'latin1').toString('utf8'));
      if (typeof patch.revision === 'number' && Array.isArray(patch.flags) && Array.isArray(patch.deletedFlags)) {
        revision = patch.revision;
        state.sample ??= Buffer.from(data, 'latin1').toString('utf8');
      }
    } catch {
      // counted as bad data below
    }
    // Every stream of one view gets the same bytes: a few distinct strings per toggle.
    if (state.parsed.size > 10_000) state.parsed.clear();
    state.parsed.set(data, revision);
  }
  return revision;
}

/** Complete SSE events in `stream.sse`, handled and removed. */
function handleEvents(stream, now) {
  let start = 0;
  let end;
  let patches = 0;
  const text = stream.sse;
  while ((end = text.indexOf('\n\n', start)) !== -1) {
    if (text.charCodeAt(start) !== 58 /* ':' heartbeat comment */) {
      const block = text.slice(start, end);
      if (block.startsWith('event: patch\n')) {
        const idEnd = block.indexOf('\n', 13);
        const id = Number(block.slice(17, idEnd)); // "id: " after "event: patch\n"
        const dataAt = block.indexOf('data: ', idEnd);
        if (!block.startsWith('id: ', 13) || id !== stream.expectedNext) state.errors.outOfOrder++;
        else if (dataAt === -1 || revisionIn(block.slice(dataAt + 6)) !== id) state.errors.badData++;
        else {
          arrivalsOf(id)[stream.index] = now;
          stream.expectedNext = id + 1;
          patches++;
        }
      } else state.errors.other++; // a put: the bench resumes at the current revision, so none is expected
    }
    start = end + 2;
  }
  stream.sse = start === 0 ? text : text.slice(start);
  if (patches > 0) {
    state.patchReads++;
    state.patches += patches;
  }
}

/** Body bytes (latin1 text, one char per byte) → SSE text, undoing HTTP/1.1 chunking. */
function handleBody(stream, text) {
  if (!stream.chunked) {
    stream.sse += text;
    return;
  }
  let at = 0;
  while (at < text.length) {
    if (stream.skipCrlf > 0) {
      const skip = Math.min(stream.skipCrlf, text.length - at);
      stream.skipCrlf -= skip;
      at += skip;
    } else if (stream.chunkLeft < 0) {
      const lineEnd = text.indexOf('\r\n', at);
      if (lineEnd === -1) {
        stream.sizeLine += text.slice(at);
        return;
      }
      stream.chunkLeft = parseInt(stream.sizeLine + text.slice(at, lineEnd), 16);
      stream.sizeLine = '';
      at = lineEnd + 2;
    } else {
      const take = Math.min(stream.chunkLeft, text.length - at);
      stream.sse += text.slice(at, at + take);
      stream.chunkLeft -= take;
      at += take;
      if (stream.chunkLeft === 0) {
        stream.chunkLeft = -1;
        stream.skipCrlf = 2;
      }
    }
  }
}

function onData(stream, buffer) {
  const now = performance.now() + monotonicOffset;
  let text = buffer.toString('latin1');
  if (!stream.headDone) {
    stream.head += text;
    const headEnd = stream.head.indexOf('\r\n\r\n');
    if (headEnd === -1) return;
    text = stream.head.slice(headEnd + 4);
    const head = stream.head.slice(0, headEnd);
    stream.head = '';
    stream.headDone = true;
    if (!head.startsWith('HTTP/1.1 200')) state.errors.badStatus++;
    stream.chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
    stream.onHead?.();
  }
  handleBody(stream, text);
  handleEvents(stream, now);
}

function openOne({ host, port, request }, stream) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    stream.socket = socket;
    socket.setNoDelay(true);
    stream.onHead = () => {
      stream.onHead = undefined;
      resolve();
    };
    socket.on('connect', () => socket.write(request));
    socket.on('data', (buffer) => onData(stream, buffer));
    socket.on('error', (error) => {
      if (!stream.headDone) reject(error);
    });
    socket.on('close', () => {
      stream.ended = true;
      if (!stream.headDone) reject(new Error('closed before the response head'));
    });
  });
}

async function open({ host, port, path, headers, count, lastEventId }) {
  state.count = count;
  const lines = [`GET ${path} HTTP/1.1`, `host: ${host}:${port}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const request = `${lines.join('\r\n')}\r\n\r\n`;
  const started = performance.now();
  for (let i = 0; i < count; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 100); j++) {
      const stream = new Stream(j, lastEventId + 1);
      state.streams.push(stream);
      batch.push(openOne({ host, port, request }, stream));
    }
    await Promise.all(batch);
  }
  return performance.now() - started;
}

process.on('message', async (message) => {
  try {
    if (message.type === 'open') {
      const ms = await open(message);
      state.cpuAtOpen = process.cpuUsage(); // the readers' CPU is counted from here (not connecting)
      process.send({ type: 'opened', ms });
    } else if (message.type === 'progress') {
      const times = arrivalsOf(message.revision);
      let done = 0;
      for (let i = 0; i < state.count; i++) if (!Number.isNaN(times[i]) || state.streams[i]?.ended) done++;
      process.send({ type: 'progress', done });
    } else if (message.type === 'collect') {
      const arrivals = {};
      for (let revision = message.first; revision <= message.last; revision++)
        arrivals[revision] = arrivalsOf(revision);
      const cpu = process.cpuUsage(state.cpuAtOpen);
      process.send({
        type: 'arrivals',
        arrivals,
        ended: state.streams.filter((stream) => stream.ended).length,
        errors: state.errors,
        sample: state.sample,
        cpuMs: (cpu.user + cpu.system) / 1000,
        patchReads: state.patchReads,
        patches: state.patches,
      });
    } else if (message.type === 'exit') {
      for (const stream of state.streams) stream.socket.destroy();
      process.disconnect();
    }
  } catch (error) {
    process.send({ type: 'error', message: String(error?.stack ?? error) });
  }
});
