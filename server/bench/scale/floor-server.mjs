/**
 * Child process: the FLOOR of the fan-out bench. A minimal `node:net` server that answers each
 * connection with the stream's response head, then, per `{ type: 'write', revision, data }` over
 * IPC, writes one SSE patch frame, framed as an HTTP/1.1 chunk and built once, to every socket in
 * one plain loop (`socket.write`, Nagle off, as the real server). No framework, no routing, no
 * bookkeeping: what is left is Node's socket write and the kernel's loopback send, so the real
 * server's CPU per stream ÷ this one's says how much of the cost is ours.
 *
 * IPC: → `{ type: 'listening', port }` once listening; `write` → `{ type: 'written', ms }`.
 */
import net from 'node:net';

const HEAD =
  'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache, no-transform\r\n' +
  'connection: keep-alive\r\ntransfer-encoding: chunked\r\n\r\n';

const sockets = [];

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let request = '';
  const onRequest = (buffer) => {
    request += buffer.toString('latin1');
    if (!request.includes('\r\n\r\n')) return;
    socket.off('data', onRequest);
    socket.write(HEAD);
    sockets.push(socket);
  };
  socket.on('data', onRequest);
  socket.on('error', () => {});
  socket.on('close', () => {
    const index = sockets.indexOf(socket);
    if (index !== -1) sockets.splice(index, 1);
  });
});

server.listen(0, '127.0.0.1', () => process.send({ type: 'listening', port: server.address().port }));

process.on('message', (message) => {
  if (message.type === 'write') {
    const started = performance.now();
    const frame = Buffer.from(`event: patch\nid: ${message.revision}\ndata: ${message.data}\n\n`);
    const chunk = Buffer.concat([Buffer.from(`${frame.length.toString(16)}\r\n`), frame, Buffer.from('\r\n')]);
    const slice = Number(process.env.FLOOR_SLICE ?? 0);
    if (!(slice > 0)) {
      for (const socket of sockets) socket.write(chunk);
      process.send({ type: 'written', ms: performance.now() - started });
      return;
    }
    // FLOOR_SLICE: the same loop in slices, one turn of the event loop each (what the server does).
    const targets = [...sockets];
    let next = 0;
    const runSlice = () => {
      const end = Math.min(targets.length, next + slice);
      for (; next < end; next++) targets[next].write(chunk);
      if (next < targets.length) setImmediate(runSlice);
      else process.send({ type: 'written', ms: performance.now() - started });
    };
    runSlice();
  } else if (message.type === 'exit') {
    for (const socket of sockets) socket.destroy();
    server.close();
    process.disconnect();
  }
});
