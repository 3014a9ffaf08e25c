import { API_PREFIX } from './client';
import type { ChangeEvent, EventSourceFactory } from './events';
import { authorize } from './session';

/** Waits before reconnecting, doubling up to the last, reset by a stream that opened. */
const RETRY_MS = [1000, 2000, 5000, 10_000];

/**
 * The `data` of each complete `change` event in `buffer`, whether a `resync` came (changes may have
 * been missed: refetch everything), and what is left of it (a partial event). Other events are skipped.
 */
export function parseSse(buffer: string): { events: ChangeEvent[]; resync: boolean; rest: string } {
  const events: ChangeEvent[] = [];
  let resync = false;
  const frames = buffer.split('\n\n');
  const rest = frames.pop() ?? '';
  for (const frame of frames) {
    let name = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (name === 'resync') resync = true;
    if (name !== 'change' || !data) continue;
    try {
      events.push(JSON.parse(data) as ChangeEvent);
    } catch {
      // A malformed event is skipped, not fatal: the next change refetches anyway.
    }
  }
  return { events, resync, rest };
}

/**
 * The server's admin event stream (`GET /api/v1/events`, Server-Sent Events) as a transport for
 * api/events.ts. Read with fetch rather than EventSource, which cannot send the bearer token (a
 * cookie session would work with both). Reconnects after a drop; stops on 401/403. Calls
 * `resync` when the server says changes may have been missed, and when a stream opens again after a
 * drop (what changed in between was not heard).
 */
export function adminStream(project?: string): EventSourceFactory {
  return (emit, resync) => {
    const controller = new AbortController();
    let attempt = 0;
    let opened = false;
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          const headers = new Headers({ accept: 'text/event-stream' });
          authorize(headers, 'GET');
          const query = project ? `?project=${encodeURIComponent(project)}` : '';
          const response = await fetch(`${API_PREFIX}/events${query}`, {
            headers,
            signal: controller.signal,
            credentials: 'same-origin',
          });
          if (response.status === 401 || response.status === 403) return;
          if (response.ok && response.body) {
            attempt = 0;
            if (opened) resync();
            opened = true;
            const reader = response.body.getReader();
            const decoder = new TextDecoder();
            let buffer = '';
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              const parsed = parseSse(buffer + decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n'));
              buffer = parsed.rest;
              for (const event of parsed.events) emit(event);
              if (parsed.resync) resync();
            }
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)]));
      }
    };
    void run();
    return () => controller.abort();
  };
}
