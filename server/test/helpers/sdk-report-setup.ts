import type { App } from '../../src/app.js';

type Headers = { authorization: string };

/**
 * `app.inject` on `/api/v1<url>` as `headers` (or `auth` for one call): the status and parsed body.
 * For the SDK report tests, which post and read back through the public API only.
 */
export function injectApi(app: App, headers: Headers) {
  return async (method: 'GET' | 'POST', url: string, payload?: object, auth = headers) => {
    const response = await app.inject({ method, url: `/api/v1${url}`, headers: auth, ...(payload ? { payload } : {}) });
    return { status: response.statusCode, body: response.json() };
  };
}

/**
 * What an SDK report test needs: project `p`, environment `prod`, boolean flag `a`, a server token's
 * headers (`sdk`) and a one-minute report window that ended a second ago (`end`, `report`).
 */
export async function createReportingFlag(call: ReturnType<typeof injectApi>) {
  await call('POST', '/projects', { key: 'p', name: 'P' });
  await call('POST', '/projects/p/environments', { key: 'prod', name: 'Prod' });
  await call('POST', '/projects/p/flags', { key: 'a', name: 'a', type: 'boolean' });
  const token = await call('POST', '/tokens', { name: 'sdk', kind: 'server', project: 'p', environment: 'prod' });
  const sdk: Headers = { authorization: `Bearer ${token.body.secret}` };
  const end = new Date(Date.now() - 1_000);
  const report = { start: new Date(end.getTime() - 60_000).toISOString(), end: end.toISOString() };
  return { sdk, end, report };
}
