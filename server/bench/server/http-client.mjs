/**
 * A minimal keep-alive HTTP client for the admin API (node:http, one socket reused), so measured
 * request times carry as little client overhead as possible.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** One request; resolves to `{ status, body }` (body parsed when JSON). */
export function request(baseUrl, method, path, { token, body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      `${baseUrl}${path}`,
      {
        method,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text) parsed = JSON.parse(text);
          resolve({ status: res.statusCode, headers: res.headers, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like request(), but throws unless the status is `expected`. */
export async function expectStatus(expected, ...args) {
  const response = await request(...args);
  if (response.status !== expected) {
    throw new Error(
      `${args[1]} ${args[2]}: expected ${expected}, got ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return response;
}

export function closeClient() {
  agent.destroy();
}
