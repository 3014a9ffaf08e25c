import { createServer, type Server } from 'node:http';
import { Counter, Registry } from 'prom-client';
import type { SwitchyardClient } from '../../src/index.js';

/** The flag that guards the checkout's new code path. */
export const CHECKOUT_FLAG = 'new-checkout';

export interface CheckoutApp {
  /** host:port, for Prometheus to scrape `/metrics`. */
  target: string;
  url: string;
  close(): Promise<void>;
}

/**
 * A small service instrumented with prom-client: `GET /checkout` asks the SDK whether the new code
 * path is on for the user, and the new path is broken (every other request answers 500). It
 * counts requests by status in `app_requests_total{code}`, exposed on `/metrics`.
 */
export async function startCheckoutApp(client: SwitchyardClient): Promise<CheckoutApp> {
  const registry = new Registry();
  const requests = new Counter({
    name: 'app_requests_total',
    help: 'Checkout requests by HTTP status',
    labelNames: ['code'],
    registers: [registry],
  });
  let served = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === '/metrics') {
      void registry.metrics().then((text) => {
        response.writeHead(200, { 'content-type': registry.contentType }).end(text);
      });
      return;
    }
    const userId = `u${served++}`;
    const code = client.isEnabled(CHECKOUT_FLAG, { userId }) && served % 2 === 0 ? 500 : 200;
    requests.inc({ code: String(code) });
    response.writeHead(code).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    target: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `GET /checkout` back to back (one at a time) until stopped. */
export function generateTraffic(url: string): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fetch(`${url}/checkout`).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
