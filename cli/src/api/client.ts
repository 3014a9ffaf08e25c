import { ApiError, type ErrorBody } from './errors.js';

/** A response body with the ETag the server sent (flag configurations carry one). */
export interface WithEtag<T> {
  body: T;
  etag: string | undefined;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as If-Match: the write is refused (412) if the resource changed since. */
  ifMatch?: string;
  query?: Record<string, string | number | boolean | undefined>;
}

/**
 * The admin REST API over fetch: bearer token, JSON in and out, errors as ApiError. No server
 * imports: the CLI talks HTTP only, like any other client.
 */
export class ApiClient {
  readonly baseUrl: string;
  constructor(
    url: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('GET', path, options)).body;
  }
  async post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>('POST', path, { ...options, body })).body;
  }
  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.request<T>('PATCH', path, { body })).body;
  }
  async delete(path: string, options: RequestOptions = {}): Promise<void> {
    await this.request('DELETE', path, options);
  }

  /** One request to `/api/v1<path>`. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<WithEtag<T>> {
    const url = new URL(`${this.baseUrl}/api/v1${path}`);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ApiError(0, method, path, undefined, `${method} ${url.origin}${url.pathname}: no answer (${cause})`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) throw new ApiError(response.status, method, path, body as ErrorBody | undefined);
    return { body: body as T, etag: response.headers.get('etag') ?? undefined };
  }
}

/** Encodes one path segment (keys may hold `.` and `~` once widened; never `/`). */
export const seg = (value: string) => encodeURIComponent(value);
