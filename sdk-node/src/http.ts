import { parseRetryAfter, retryAfterDelay } from '@switchyard/core/sync';
import type { RequestKind, ServerList } from './server-list.js';

/** Settings shared by every request the client makes to the server. */
export interface HttpSettings {
  /** The server URLs, with failover between them. */
  servers: ServerList;
  sdkKey: string;
  fetch: typeof fetch;
  requestTimeoutMs: number;
}

/** An HTTP answer the client could not use (status, content type); carries the status when there is one. */
export class ServerResponseError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'ServerResponseError';
    this.status = status;
  }
}

/**
 * The server refused the SDK key (401: unknown, malformed or revoked; 403: not a token for the SDK
 * endpoints). Retrying cannot help, so the client stops (see the README, "Failure modes").
 */
export class SdkKeyRejectedError extends ServerResponseError {
  constructor(message: string, status: 401 | 403) {
    super(message, status);
    this.name = 'SdkKeyRejectedError';
  }
}

/**
 * No request was sent: the server asked (429/503 + `Retry-After`) that none of this kind come yet,
 * and no other server is free for it. Retryable; `status` is the answer that asked.
 */
export class RetryLaterError extends ServerResponseError {
  /** Ms until the server may be asked again. */
  readonly waitMs: number;
  constructor(message: string, status: number, waitMs: number) {
    super(message, status);
    this.name = 'RetryLaterError';
    this.waitMs = waitMs;
  }
}

/** The most a server's error message adds to ours (a proxy may answer with a whole HTML page). */
const MAX_SERVER_MESSAGE = 200;

/**
 * Turns a non-2xx answer to a `kind` request into the error to report (and consumes its body): a
 * {@link SdkKeyRejectedError} for 401/403, with the server's own message, else a
 * {@link ServerResponseError}. A 5xx also moves `servers` on to the next URL; a 429 or 503 with
 * `Retry-After` holds `kind` requests to `base` off for that long, plus jitter (see
 * {@link holdOffFor}).
 */
export async function errorOf(
  settings: HttpSettings,
  base: string,
  kind: RequestKind,
  response: Response,
  what: string = kind,
): Promise<ServerResponseError> {
  const { status } = response;
  if (status >= 500) settings.servers.failed(base);
  if (status !== 401 && status !== 403) {
    await response.body?.cancel().catch(() => {});
    const held = holdOffFor(settings.servers, base, kind, response);
    return new ServerResponseError(`Switchyard: ${what} request to ${base} failed (${status}${held})`, status);
  }
  const text = await response.text().catch(() => '');
  let said = '';
  try {
    said = String((JSON.parse(text) as { message?: unknown }).message ?? '');
  } catch {
    // Not our error shape (a proxy's page): the status says enough.
  }
  const why =
    status === 401
      ? 'rejected the sdkKey (401: unknown, malformed or revoked token)'
      : 'refused the sdkKey (403: not a server or client token)';
  return new SdkKeyRejectedError(
    `Switchyard: ${base} ${why}${said ? `: ${said.slice(0, MAX_SERVER_MESSAGE)}` : ''}. ` +
      'Check the token; the client stopped and will not retry.',
    status,
  );
}

/**
 * Honours the `Retry-After` of a 429 or 503 (delay-seconds or HTTP-date, clamped to 5 minutes):
 * no `kind` request goes to `base` before that, plus up to half as long again at random so a
 * fleet refused together does not return together. Returns the words for the error message.
 */
function holdOffFor(servers: ServerList, base: string, kind: RequestKind, response: Response): string {
  const { status } = response;
  if (status !== 429 && status !== 503) return '';
  const header = response.headers.get('retry-after');
  const asked = parseRetryAfter(header);
  if (asked === undefined || header === null) return '';
  const ms = retryAfterDelay(asked);
  servers.holdOff(base, kind, ms, { status, retryAfter: header });
  return ` with Retry-After: ${header}; no ${kind} request to it for ${seconds(ms)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** True for an error that retrying cannot fix (the server refused the key). */
export function isFatal(error: unknown): error is SdkKeyRejectedError {
  return error instanceof SdkKeyRejectedError;
}

/**
 * `fetch` of the SDK endpoint `kind` on `base` (default: the server `servers` picks for it). A
 * network failure or time-out moves `servers` on to the next URL and is rethrown with a message
 * naming the server and the cause (`ECONNREFUSED`, `ENOTFOUND`, a time-out, …), which Node's bare
 * "fetch failed" does not. While `base` holds `kind` requests off (its `Retry-After`), nothing is
 * sent: a {@link RetryLaterError} is thrown instead.
 */
export async function sdkFetch(
  settings: HttpSettings,
  kind: RequestKind,
  init: RequestInit,
  base: string = settings.servers.pick(kind),
): Promise<{ base: string; response: Response }> {
  const held = settings.servers.heldOff(base, kind);
  if (held) {
    const waitMs = held.until - Date.now();
    throw new RetryLaterError(
      `Switchyard: no ${kind} request to ${base} for ${seconds(waitMs)} more ` +
        `(it answered ${held.status} with Retry-After: ${held.retryAfter})`,
      held.status,
      waitMs,
    );
  }
  try {
    return { base, response: await settings.fetch(`${base}/api/v1/sdk/${kind}`, init) };
  } catch (error) {
    // Aborted by us (the client closed, a stream watchdog fired): not the server's failure.
    if (init.signal?.aborted && (init.signal.reason as Error | undefined)?.name !== 'TimeoutError') throw error;
    settings.servers.failed(base);
    throw new Error(`Switchyard: could not reach ${base} (${causeOf(error)})`, { cause: error });
  }
}

/** The most telling part of a fetch failure: undici's cause code (`ECONNREFUSED`), else the message. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export function authHeaders(settings: HttpSettings): Record<string, string> {
  return { authorization: `Bearer ${settings.sdkKey}`, 'user-agent': 'switchyard-sdk-node/0.1.0' };
}

/** What `GET /sdk/snapshot` answered: a body to apply, or "unchanged" (304). */
export type SnapshotAnswer = { status: 'unchanged' } | { status: 'ok'; body: unknown };

/**
 * `GET /api/v1/sdk/snapshot`, conditional on `revision` (If-None-Match). Throws on network errors,
 * time-outs and non-2xx answers (an {@link SdkKeyRejectedError} for 401/403); a body that is not
 * JSON comes back as `undefined` (the store rejects it as invalid).
 */
export async function fetchSnapshot(settings: HttpSettings, revision: number | undefined): Promise<SnapshotAnswer> {
  const headers: Record<string, string> = { ...authHeaders(settings), accept: 'application/json' };
  if (revision !== undefined) headers['if-none-match'] = `"${revision}"`;
  const { base, response } = await sdkFetch(settings, 'snapshot', {
    headers,
    signal: AbortSignal.timeout(settings.requestTimeoutMs),
  });
  if (response.status === 304) return { status: 'unchanged' };
  if (!response.ok) throw await errorOf(settings, base, 'snapshot', response);
  const text = await response.text();
  try {
    return { status: 'ok', body: JSON.parse(text) };
  } catch {
    return { status: 'ok', body: undefined };
  }
}

/** `POST` of a JSON body; throws unless the server accepted it (2xx). */
export async function postJson(settings: HttpSettings, path: 'metrics' | 'events', body: unknown): Promise<void> {
  const { base, response } = await sdkFetch(settings, path, {
    method: 'POST',
    headers: { ...authHeaders(settings), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(settings.requestTimeoutMs),
  });
  if (!response.ok) throw await errorOf(settings, base, path, response, `POST ${path}`);
  await response.body?.cancel().catch(() => {});
}
