import fc from 'fast-check';
import { OPERATORS } from '@switchyard/core/schema';
import { expect } from 'vitest';
import type { TestApp } from './app.js';

/**
 * Shared pieces of the write-route fuzz tests: a fingerprint of everything a write could touch,
 * a request check (no 5xx; a rejected request changes nothing), and generators of core conditions.
 */

/**
 * Everything a write could touch, as one string: flags, configs, segments, audit, revisions, outbox,
 * projects, environments, tokens and usage counts. Columns that change in the background, outside
 * any request's write, are left out: tokens' `last_used_at` (recorded after the answer) and the
 * outbox's `published_at` (only its row count is taken).
 */
export async function databaseFingerprint(t: TestApp): Promise<string> {
  const rows = await t.db.prisma.$queryRaw<{ dump: string }[]>`
    SELECT concat_ws('|',
      (SELECT md5(coalesce(json_agg(f ORDER BY f.id)::text, '')) FROM flags f),
      (SELECT md5(coalesce(json_agg(c ORDER BY c.flag_id, c.environment_id)::text, '')) FROM flag_configs c),
      (SELECT md5(coalesce(json_agg(s ORDER BY s.id)::text, '')) FROM segments s),
      (SELECT count(*)::text || ':' || coalesce(max(id), 0)::text FROM audit_events),
      (SELECT string_agg(key || '=' || revision, ',' ORDER BY key) FROM environments),
      (SELECT count(*)::text FROM change_outbox),
      (SELECT md5(coalesce(json_agg(p ORDER BY p.id)::text, '')) FROM projects p),
      (SELECT md5(coalesce(json_agg(e ORDER BY e.id)::text, '')) FROM environments e),
      (SELECT md5(coalesce(json_agg(json_build_object(
          'id', k.id, 'name', k.name, 'kind', k.kind, 'hash', k.hash, 'prefix', k.prefix, 'project', k.project_id,
          'environment', k.environment_id, 'created', k.created_at, 'revoked', k.revoked_at) ORDER BY k.id)::text, ''))
        FROM api_tokens k),
      (SELECT md5(coalesce(json_agg(u ORDER BY u.environment_id, u.flag_id, u.variant, u.hour)::text, ''))
        FROM flag_usage u),
      (SELECT md5(coalesce(json_agg(x ORDER BY x.id)::text, '')) FROM users x),
      (SELECT md5(coalesce(json_agg(m ORDER BY m.project_id, m.user_id)::text, '')) FROM project_members m),
      (SELECT md5(coalesce(json_agg(json_build_object('id', s.id, 'revoked', s.revoked_at) ORDER BY s.id)::text, ''))
        FROM user_sessions s),
      (SELECT md5(coalesce(json_agg(json_build_object('id', p.id, 'revoked', p.revoked_at) ORDER BY p.id)::text, ''))
        FROM personal_tokens p),
      (SELECT md5(coalesce(json_agg(st ORDER BY st.id)::text, '')) FROM setup_tokens st)
    ) AS dump`;
  return rows[0]!.dump;
}

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Sends an admin request with a JSON body (none when `payload` is undefined); asserts it is not
 * a 5xx, that an error has the `{ error, … }` shape, and that a rejected request left the
 * database exactly as it was.
 */
export async function checkWrite(
  t: TestApp,
  method: WriteMethod,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  const before = await databaseFingerprint(t);
  const response = await t.app.inject({
    method,
    url,
    headers: {
      ...t.adminHeaders,
      ...headers,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload)} → ${response.body}`).toBeLessThan(500);
  if (response.statusCode >= 400) {
    expect(response.json()).toHaveProperty('error');
    expect(await databaseFingerprint(t), `${method} ${url} ${JSON.stringify(payload)} changed the database`).toBe(
      before,
    );
  }
  return response;
}

/** Condition values: any primitive, plus strings that are (un)safe regexes, dates, semvers, CIDRs. */
export const conditionValueArbitrary = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom('(a+)+$', '[', '^a.*b$', '2024-01-01', '1.2.3', '10.0.0.0/8', '(?=x)', '\\1'),
);

/** Conditions that are often almost valid: real operators and attributes, values of any type. */
export const conditionArbitrary = fc.record(
  {
    attribute: fc.oneof(fc.constantFrom('userId', 'email', 'country'), fc.string()),
    operator: fc.oneof(fc.constantFrom(...OPERATORS), fc.string()),
    values: fc.array(conditionValueArbitrary, { maxLength: 3 }),
    negate: fc.boolean(),
    caseInsensitive: fc.boolean(),
  },
  { requiredKeys: ['attribute', 'operator', 'values'] },
);

/**
 * Strings as a careless or hostile client sends them: printable ASCII, control characters (NUL
 * among them, which Postgres text cannot hold), any code point, a lone surrogate, a long one.
 */
export const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'binary' }), {
  weight: 2,
  arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', ' ', 'x'.repeat(300)),
});

/**
 * `value` as one URL path segment or query value: its UTF-8 bytes (a lone surrogate as U+FFFD),
 * all but unreserved characters percent-encoded, so any generated string can be a parameter.
 */
export function urlPart(value: string): string {
  let encoded = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9_.~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
