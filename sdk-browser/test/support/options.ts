import { EventSource } from 'eventsource';
import type { BrowserClientOptions } from '../../src/index.js';

/** Options of a client under test: Node's EventSource, no cache, and a retry/poll pace in ms, not s. */
export function fastClientOptions(url: string, clientKey: string): BrowserClientOptions {
  return { url, clientKey, EventSource, storage: null, reconnectMinMs: 20, reconnectMaxMs: 100, pollIntervalMs: 50 };
}
