import http from 'node:http';

export interface OpenedStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body of a refused stream (parsed JSON); undefined for an open one. */
  body: { error?: string; message?: string } | undefined;
  /** Resolves with everything received so far once `text` contains `fragment`. */
  waitFor(fragment: string, timeoutMs?: number): Promise<string>;
  close(): void;
}

/**
 * Opens `GET <url>` as an SSE client would (own socket, no agent) and resolves when the response
 * headers arrive: an open stream (200) keeps its socket until `close()`, a refused one has its
 * body read.
 */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenedStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      { headers: { accept: 'text/event-stream', ...headers }, agent: false },
      (response) => {
        const status = response.statusCode ?? 0;
        let text = '';
        const waiters: { fragment: string; resolve: (text: string) => void }[] = [];
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          for (const waiter of waiters.splice(0)) {
            if (text.includes(waiter.fragment)) waiter.resolve(text);
            else waiters.push(waiter);
          }
        });
        response.on('error', () => {});
        const stream: Omit<OpenedStream, 'body'> = {
          status,
          headers: response.headers,
          waitFor: (fragment, timeoutMs = 10_000) =>
            text.includes(fragment)
              ? Promise.resolve(text)
              : new Promise((done, fail) => {
                  const timer = setTimeout(() => fail(new Error(`no "${fragment}" within ${timeoutMs} ms`)), timeoutMs);
                  waiters.push({
                    fragment,
                    resolve: (all) => {
                      clearTimeout(timer);
                      done(all);
                    },
                  });
                }),
          close: () => request.destroy(),
        };
        if (status === 200) {
          resolve({ ...stream, body: undefined });
          return;
        }
        response.on('end', () => resolve({ ...stream, body: JSON.parse(text) as OpenedStream['body'] }));
      },
    );
    request.on('error', reject);
  });
}
