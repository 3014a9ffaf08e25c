/** One event of the admin stream (`GET /api/v1/events`): its name and parsed data. */
export interface AdminStreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** An open admin event stream, read by a test. */
export interface AdminStream {
  status: number;
  contentType: string | null;
  /** Every event received so far, in order (comments left out). */
  readonly events: AdminStreamEvent[];
  /**
   * Resolves with the first received event (from the start of the stream) matching `predicate`;
   * null when the stream ended without one; rejects after `timeoutMs` (the test's own wait, not a
   * speed requirement).
   */
  waitFor(predicate: (event: AdminStreamEvent) => boolean, timeoutMs?: number): Promise<AdminStreamEvent | null>;
  /** Resolves true once the server ended the stream; rejects after `timeoutMs`. */
  ended(timeoutMs?: number): Promise<true>;
  close(): void;
}

/** Opens `GET /api/v1/events` with a bearer token; reads it in the background. */
export async function openAdminStream(baseUrl: string, token: string, query = ''): Promise<AdminStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/events${query}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const events: AdminStreamEvent[] = [];
  let done = response.status !== 200 || !response.body;
  const wake = new Set<() => void>();
  const notify = () => {
    for (const resolve of wake) resolve();
  };
  if (!done) {
    void (async () => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) break;
          buffer += decoder.decode(chunk.value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const name = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (name !== undefined && data !== undefined) {
              events.push({ event: name, data: JSON.parse(data) as Record<string, unknown> });
            }
          }
          notify();
        }
      } catch {
        // aborted by close()
      }
      done = true;
      notify();
    })();
  } else await response.body?.cancel();

  const wait = async <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what} within ${timeoutMs} ms; received ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const wakeUp = () => {
          clearTimeout(timer);
          wake.delete(wakeUp);
          resolve();
        };
        wake.add(wakeUp);
      });
    }
  };

  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    waitFor: (predicate, timeoutMs = 10_000) =>
      wait(() => events.find(predicate) ?? (done ? null : undefined), 'no matching event', timeoutMs),
    ended: (timeoutMs = 10_000) => wait(() => (done ? true : undefined), 'the stream did not end', timeoutMs),
    close: () => controller.abort(),
  };
}
