/** Settings shared by every request the client makes to the server. */
export interface HttpSettings {
  /** Base URL without a trailing slash. */
  url: string;
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

export function endpoint(settings: HttpSettings, path: string): string {
  return `${settings.url}/api/v1/sdk/${path}`;
}

export function authHeaders(settings: HttpSettings): Record<string, string> {
  return { authorization: `Bearer ${settings.sdkKey}`, 'user-agent': 'switchyard-sdk-node/0.1.0' };
}

/** What `GET /sdk/snapshot` answered: a body to apply, or "unchanged" (304). */
export type SnapshotAnswer = { status: 'unchanged' } | { status: 'ok'; body: unknown };

/**
 * `GET /api/v1/sdk/snapshot`, conditional on `revision` (If-None-Match). Throws on network errors,
 * time-outs and non-2xx answers; a body that is not JSON comes back as `undefined` (the store
 * rejects it as invalid).
 */
export async function fetchSnapshot(settings: HttpSettings, revision: number | undefined): Promise<SnapshotAnswer> {
  const headers: Record<string, string> = { ...authHeaders(settings), accept: 'application/json' };
  if (revision !== undefined) headers['if-none-match'] = `"${revision}"`;
  const response = await settings.fetch(endpoint(settings, 'snapshot'), {
    headers,
    signal: AbortSignal.timeout(settings.requestTimeoutMs),
  });
  if (response.status === 304) return { status: 'unchanged' };
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new ServerResponseError(`Switchyard: snapshot request failed (${response.status})`, response.status);
  }
  const text = await response.text();
  try {
    return { status: 'ok', body: JSON.parse(text) };
  } catch {
    return { status: 'ok', body: undefined };
  }
}

/** `POST` of a JSON body; throws unless the server accepted it (2xx). */
export async function postJson(settings: HttpSettings, path: string, body: unknown): Promise<void> {
  const response = await settings.fetch(endpoint(settings, path), {
    method: 'POST',
    headers: { ...authHeaders(settings), 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(settings.requestTimeoutMs),
  });
  await response.body?.cancel().catch(() => {});
  if (!response.ok)
    throw new ServerResponseError(`Switchyard: POST ${path} failed (${response.status})`, response.status);
}
