import { randomBytes } from 'node:crypto';

/**
 * A small admin-API client over fetch, for tests that talk to real server processes (or to an
 * app listening on a port).
 */
export class AdminApi {
  constructor(
    readonly baseUrl: string,
    readonly adminToken: string,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown, token = this.adminToken): Promise<T> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  createProject(key: string) {
    return this.request('POST', '/projects', { key, name: key });
  }

  createEnvironment(project: string, key: string) {
    return this.request('POST', `/projects/${project}/environments`, { key, name: key });
  }

  async createToken(kind: 'server' | 'client', project: string, environment: string): Promise<string> {
    const created = await this.request<{ secret: string }>('POST', '/tokens', {
      // Names are unique among active tokens: several servers may share one database.
      name: `${kind}-${project}-${environment}-${randomBytes(3).toString('hex')}`,
      kind,
      project,
      environment,
    });
    return created.secret;
  }

  createFlag(project: string, key: string, options: { clientSide?: boolean } = {}) {
    return this.request('POST', `/projects/${project}/flags`, {
      key,
      name: key,
      type: 'boolean',
      clientSide: options.clientSide ?? false,
    });
  }

  /** Turns a flag on or off in one environment; resolves when the write committed. */
  toggle(project: string, flag: string, environment: string, on: boolean) {
    return this.request(
      'POST',
      `/projects/${project}/flags/${flag}/environments/${environment}/${on ? 'on' : 'off'}`,
      {},
    );
  }

  updateFlag(project: string, flag: string, body: Record<string, unknown>) {
    return this.request('PATCH', `/projects/${project}/flags/${flag}`, body);
  }

  archiveFlag(project: string, flag: string) {
    return this.request('POST', `/projects/${project}/flags/${flag}/archive`, {});
  }

  async revision(project: string, environment: string): Promise<number> {
    const env = await this.request<{ revision: number }>('GET', `/projects/${project}/environments/${environment}`);
    return env.revision;
  }

  /** The snapshot the SDK endpoint serves for `token`. */
  async snapshot(token: string): Promise<{ status: number; etag: string | null; body: unknown }> {
    const response = await fetch(`${this.baseUrl}/api/v1/sdk/snapshot`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag'), body: text ? JSON.parse(text) : undefined };
  }
}
