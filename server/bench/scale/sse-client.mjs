/**
 * A raw SSE client (node:http, one socket per stream, no SDK): what a stream delivers, byte for
 * byte, and when each event arrived.
 */
import http from 'node:http';

/**
 * Opens GET /api/v1/sdk/stream on `baseUrl`; resolves to the stream once the response headers
 * arrived (status 200), rejects otherwise. `token` goes in the Authorization header, or as `?key=`
 * when `viaQueryKey` (how the browser SDK's EventSource sends a client token). `lastEventId`
 * resumes after that revision. `onEvent(type, id, data, nowMs)` is called per complete event.
 */
export function openStream(baseUrl, token, { viaQueryKey = false, lastEventId, onEvent = () => {} } = {}) {
  const url = `${baseUrl}/api/v1/sdk/stream${viaQueryKey ? `?key=${encodeURIComponent(token)}` : ''}`;
  const headers = {
    ...(viaQueryKey ? {} : { authorization: `Bearer ${token}` }),
    ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
  };
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        return reject(new Error(`stream: ${response.statusCode}`));
      }
      const stream = {
        bytes: 0,
        /** 'open' until the server or `close()` ends it; then 'ended'. */
        state: 'open',
        ended: new Promise((resolveEnded) => {
          response.once('close', () => {
            stream.state = 'ended';
            resolveEnded();
          });
        }),
        close: () => request.destroy(),
      };
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk) => {
        const now = performance.now();
        stream.bytes += Buffer.byteLength(chunk);
        // Search only the new text (and the byte before it) for the blank line ending an event, so a
        // multi-megabyte `put` arriving in 64 KB chunks is not rescanned from its start every time.
        let searchFrom = Math.max(0, buffer.length - 1);
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n', searchFrom)) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          searchFrom = 0;
          if (block.startsWith(':')) continue; // heartbeat comment
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const dataStart = block.indexOf('data: ');
          onEvent(
            event,
            id === undefined ? undefined : Number(id),
            dataStart === -1 ? '' : block.slice(dataStart + 6),
            now,
          );
        }
      });
      response.on('error', () => {});
      resolve(stream);
    });
    request.on('error', reject);
  });
}

/**
 * Does a fresh stream (no Last-Event-ID) deliver the whole state? Waits for its first event (the
 * `put`), for the server to end the stream, or `timeoutMs`. Returns whether a `put` holding
 * `expectedFlags` flags arrived, its size, the bytes received and how the wait ended.
 */
export async function checkFullState(baseUrl, token, { viaQueryKey = false, expectedFlags, timeoutMs = 30_000 }) {
  let put;
  let firstEvent;
  const gotFirst = new Promise((resolve) => (firstEvent = resolve));
  const started = performance.now();
  const stream = await openStream(baseUrl, token, {
    viaQueryKey,
    onEvent: (type, id, data) => {
      if (type === 'put' && put === undefined) put = { revision: id, data };
      firstEvent();
    },
  });
  let timer;
  const outcome = await Promise.race([
    gotFirst.then(() => 'put'),
    stream.ended.then(() => 'closed by the server'),
    new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  const ms = performance.now() - started;
  stream.close();
  const flags = put ? JSON.parse(put.data).flags.length : 0;
  return {
    full: put !== undefined && flags === expectedFlags,
    flags,
    putBytes: put ? Buffer.byteLength(put.data) : 0,
    bytesReceived: stream.bytes,
    outcome,
    ms: Math.round(ms),
  };
}
