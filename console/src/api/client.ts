import { authorize, signOut } from './session';

/** The server's error body (server/src/http/errors.ts). */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** A non-2xx answer from the API, with the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What to show of a caught error: an `ApiError`'s (or any Error's) message, else the value as text. */
export const messageOf = (caught: unknown): string => (caught instanceof Error ? caught.message : String(caught));

/** A successful answer: the parsed body and the ETag (configurations are versioned with it). */
export interface ApiResponse<T> {
  data: T;
  etag: string | null;
}

export interface RequestOptions {
  body?: unknown;
  /** The ETag of the version being changed; a stale one answers 412. */
  ifMatch?: string | null;
  signal?: AbortSignal;
}

/** Called when the server refuses the credentials (401), e.g. to show the sign-in screen. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export const API_PREFIX = '/api/v1';

/** One request to the admin API (same origin). Throws ApiError for every non-2xx answer. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers = new Headers({ accept: 'application/json' });
  authorize(headers, method);
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  if (options.ifMatch) headers.set('if-match', options.ifMatch);
  let response: Response;
  try {
    response = await fetch(`${API_PREFIX}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and retry.');
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const body = (parsed ?? {}) as Partial<ErrorBody>;
    const error = new ApiError(
      response.status,
      body.error ?? 'http_error',
      body.message ?? `The server answered ${response.status}`,
      body.details,
    );
    if (response.status === 401) {
      signOut();
      onUnauthorized();
    }
    throw error;
  }
  return { data: parsed as T, etag: response.headers.get('etag') };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `encodeURIComponent` for each path parameter. */
export function path(strings: TemplateStringsArray, ...params: string[]): string {
  return strings.reduce(
    (out, part, index) => out + part + (index < params.length ? encodeURIComponent(params[index]!) : ''),
    '',
  );
}
