import type { TestApp } from '../../helpers/app.js';

/** Tokens of the `shop/prod` environment that `writeOfrepProject` creates. */
export interface OfrepProject {
  server: string;
  client: string;
}

/** Path of the banner's `prod` configuration (for toggling it in tests). */
export const BANNER_CONFIG = '/projects/shop/flags/banner/environments/prod';

/**
 * The project the OpenFeature provider tests evaluate: `shop/prod` with
 * - `banner` (boolean, client-side): on for `country: NO` (rule `norway`), else off;
 * - `color` (string, client-side): `blue` for everyone;
 * - `limit` (number, client-side): 10; `layout` (json, client-side): `{ "columns": 2 }`;
 * - `secret-pricing` (boolean, server-only): on.
 */
export async function writeOfrepProject(t: TestApp): Promise<OfrepProject> {
  const ok = async (method: 'POST' | 'PUT' | 'GET', path: string, body?: unknown, headers?: Record<string, string>) => {
    const answer = await t.api(method, path, body, headers);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  await ok('POST', '/projects', { key: 'shop', name: 'Shop' });
  await ok('POST', '/projects/shop/environments', { key: 'prod', name: 'Production' });
  const flags = [
    { key: 'banner', type: 'boolean', clientSide: true },
    {
      key: 'color',
      type: 'string',
      clientSide: true,
      variants: [
        { key: 'blue', value: 'blue' },
        { key: 'red', value: 'red' },
      ],
    },
    {
      key: 'limit',
      type: 'number',
      clientSide: true,
      variants: [
        { key: 'ten', value: 10 },
        { key: 'one', value: 1 },
      ],
    },
    {
      key: 'layout',
      type: 'json',
      clientSide: true,
      variants: [
        { key: 'two', value: { columns: 2 } },
        { key: 'one', value: { columns: 1 } },
      ],
    },
    { key: 'secret-pricing', type: 'boolean' },
  ];
  for (const flag of flags) await ok('POST', '/projects/shop/flags', { name: flag.key, ...flag });

  const configure = async (key: string, config: Record<string, unknown>) => {
    const path = `/projects/shop/flags/${key}/environments/prod`;
    const current = await ok('GET', path);
    await ok('PUT', path, { rules: [], prerequisites: [], ...config }, { 'if-match': String(current.headers.etag) });
  };
  await configure('banner', {
    enabled: true,
    offVariant: 'off',
    defaultServe: { variant: 'off' },
    rules: [
      {
        id: 'norway',
        conditions: [{ attribute: 'country', operator: 'in', values: ['NO'] }],
        segments: [],
        serve: { variant: 'on' },
      },
    ],
  });
  await configure('color', { enabled: true, offVariant: 'red', defaultServe: { variant: 'blue' } });
  await configure('limit', { enabled: true, offVariant: 'one', defaultServe: { variant: 'ten' } });
  await configure('layout', { enabled: true, offVariant: 'one', defaultServe: { variant: 'two' } });
  await configure('secret-pricing', { enabled: true, offVariant: 'off', defaultServe: { variant: 'on' } });

  const token = async (kind: 'server' | 'client') =>
    (await ok('POST', '/tokens', { name: `ofrep ${kind}`, kind, project: 'shop', environment: 'prod' })).body
      .secret as string;
  return { server: await token('server'), client: await token('client') };
}
