import { expect } from 'vitest';
import type { TestApp } from './app.js';

/**
 * The world the OpenAPI sweep (routes.sweep.test.ts) aims at, named like the document's own
 * request examples (project `shop`, environment `production`, flag `new-checkout`, rule
 * `beta-users`, segment `internal-staff`), so an example body is valid as it stands and each
 * hostile variant of it differs from a request that would succeed by one thing. It also holds one
 * of everything a path can name (trigger, schedule, release plan, webhook, user, session, personal
 * token) and a caller of every kind. `ensure()` rebuilds the parts a successful write broke.
 */
export const PROJECT = 'shop';
export const ENVIRONMENT = 'production';
export const FLAG = 'new-checkout';

export type Caller = 'admin' | 'viewer' | 'user' | 'server' | 'client' | 'none' | 'garbage';

export interface SweepFixture {
  /** Path parameter values by name; `id` depends on the path (see `idFor`). */
  ids: Record<string, string>;
  /** Headers of each caller. */
  headers(caller: Caller): Record<string, string>;
  /** Rebuilds whatever a request broke (cheap when nothing is). */
  ensure(): Promise<void>;
}

const CONFIG = {
  enabled: true,
  offVariant: 'off',
  defaultServe: { variant: 'off' },
  rules: [
    {
      id: 'beta-users',
      conditions: [{ attribute: 'plan', operator: 'in', values: ['beta'] }],
      segments: ['internal-staff'],
      rollout: { percent: 25 },
      serve: { variant: 'on' },
    },
    // The catch-all rule a release plan moves.
    { id: 'everyone', conditions: [], segments: [], rollout: { percent: 0 }, serve: { variant: 'on' } },
  ],
  prerequisites: [],
};

export async function createSweepFixture(t: TestApp): Promise<SweepFixture> {
  const ids: Record<string, string> = {};
  const callers: Partial<Record<Caller, Record<string, string>>> = {
    admin: t.adminHeaders,
    none: {},
    garbage: { authorization: 'Bearer sy_admin_not-a-real-token' },
  };
  let users = 0;
  const PASSWORD = 'correct horse battery staple';

  const call = async (
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET',
    url: string,
    body?: object,
    as = t.adminHeaders,
  ) => {
    const response = await t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: as,
      ...(body ? { payload: body } : {}),
    });
    return response;
  };
  const created = async (method: 'POST' | 'PUT', url: string, body: object, as = t.adminHeaders) => {
    const response = await call(method, url, body, as);
    expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
    return response.json<Record<string, unknown>>();
  };

  const flagUrl = `/projects/${PROJECT}/flags/${FLAG}`;
  const uuid = (name: string) => ids[name] ?? '00000000-0000-0000-0000-000000000000';

  /** The project, its environments, segment, flags and the configuration the examples need. */
  async function buildProject(): Promise<void> {
    await call('DELETE', `/projects/${PROJECT}?force=true`);
    await created('POST', '/projects', { key: PROJECT, name: 'Shop' });
    for (const key of [ENVIRONMENT, 'staging']) {
      await created('POST', `/projects/${PROJECT}/environments`, { key, name: key });
    }
    await created('POST', `/projects/${PROJECT}/segments`, {
      key: 'internal-staff',
      name: 'Internal staff',
      conditions: [{ attribute: 'email', operator: 'ends_with', values: ['@example.com'] }],
    });
    await created('POST', `/projects/${PROJECT}/flags`, {
      key: FLAG,
      name: 'New checkout',
      type: 'boolean',
      clientSide: true,
    });
    await created('POST', `/projects/${PROJECT}/flags`, { key: 'old-banner', name: 'Old banner', type: 'boolean' });
    const config = await call('PUT', `${flagUrl}/environments/${ENVIRONMENT}`, CONFIG, {
      ...t.adminHeaders,
      'if-match': '"1"',
    });
    expect(config.statusCode, config.body).toBe(200);
  }

  const parts = {
    async trigger() {
      const trigger = await created('POST', `/projects/${PROJECT}/triggers`, {
        name: `alertmanager ${Object.keys(ids).length}`,
        flag: FLAG,
        environment: ENVIRONMENT,
        restoreOnResolve: true,
      });
      ids['trigger'] = String(trigger['id']);
      ids['secret'] = String(trigger['secret']);
    },
    async schedule() {
      const schedule = await created('POST', `${flagUrl}/schedules`, {
        environment: ENVIRONMENT,
        at: new Date(Date.now() + 365 * 86_400_000).toISOString(),
        change: { kind: 'percent', ruleId: 'beta-users', percent: 100 },
        reason: 'sweep',
      });
      ids['schedule'] = String(schedule['id']);
    },
    async plan() {
      // One plan per environment at a time: the one a variant started or finished goes first.
      await t.db.prisma.$executeRaw`DELETE FROM release_plans`;
      const plan = await created('POST', `${flagUrl}/environments/${ENVIRONMENT}/release-plans`, {
        steps: [{ percent: 1, holdMinutes: 30 }, { gate: 'manual' }, { percent: 100, holdMinutes: 0 }],
        reason: 'sweep',
      });
      ids['plan'] = String(plan['id']);
    },
    async tokens() {
      for (const kind of ['server', 'client', 'viewer'] as const) {
        const body =
          kind === 'viewer'
            ? { name: `viewer ${++users}`, kind: 'admin', role: 'viewer', project: PROJECT }
            : { name: `${kind} ${++users}`, kind, project: PROJECT, environment: ENVIRONMENT };
        const token = await created('POST', '/tokens', body);
        callers[kind] = { authorization: `Bearer ${String(token['secret'])}` };
        ids[`${kind}Token`] = String(token['id']);
      }
      ids['token'] = ids['serverToken']!;
    },
    async user() {
      const email = `sweep-${++users}@example.com`;
      const user = await created('POST', '/users', {
        email,
        displayName: 'Sweep',
        password: PASSWORD,
        instanceRole: null,
      });
      ids['user'] = String(user['id']);
      ids['email'] = email;
    },
    async member() {
      await created('PUT', `/projects/${PROJECT}/members/${ids['user']}`, { role: 'viewer' });
    },
    async session() {
      const signIn = await t.app.inject({
        method: 'POST',
        url: '/api/v1/sign-in/password',
        payload: { email: ids['email'], password: PASSWORD },
      });
      expect(signIn.statusCode, signIn.body).toBe(200);
      callers.user = {
        cookie: String(signIn.headers['set-cookie']).split(';')[0]!,
        'x-csrf-token': signIn.json<{ csrfToken: string }>().csrfToken,
      };
      const sessions = (await call('GET', '/me/sessions', undefined, callers.user)).json<{
        sessions: { id: string }[];
      }>();
      ids['session'] = sessions.sessions.find((session) => session.id)!.id;
    },
    async personalToken() {
      const token = await created('POST', '/me/tokens', { name: `cli ${++users}` }, callers.user);
      ids['personalToken'] = String(token['id']);
    },
    async webhook() {
      const webhook = await created('POST', '/webhooks', {
        name: `sweep ${++users}`,
        url: 'http://127.0.0.1:9/hook',
        format: 'json',
        project: PROJECT,
        environments: [ENVIRONMENT],
        events: ['flag_config.killed'],
        enabled: false,
      });
      ids['webhook'] = String(webhook['id']);
    },
  };
  type Part = keyof typeof parts | 'project' | 'flags';

  /** Which parts still stand, in one query. */
  async function intact(): Promise<Record<Part, boolean>> {
    const [row] = await t.db.prisma.$queryRaw<Record<Part, boolean>[]>`
      SELECT
        (SELECT count(*) FROM environments e JOIN projects p ON p.id = e.project_id WHERE p.key = ${PROJECT}) = 2
          AND (SELECT count(*) FROM segments s JOIN projects p ON p.id = s.project_id WHERE p.key = ${PROJECT}) = 1
          AND (SELECT count(*) FROM flags f JOIN projects p ON p.id = f.project_id WHERE p.key = ${PROJECT}) = 2
          AS project,
        (SELECT count(*) FROM flags f JOIN projects p ON p.id = f.project_id
           WHERE p.key = ${PROJECT} AND f.archived_at IS NULL) = 2 AS flags,
        EXISTS (SELECT FROM flag_triggers WHERE id::text = ${uuid('trigger')} AND revoked_at IS NULL) AS trigger,
        EXISTS (SELECT FROM schedules WHERE id::text = ${uuid('schedule')} AND state = 'pending') AS schedule,
        EXISTS (SELECT FROM release_plans WHERE id::text = ${uuid('plan')} AND state = 'draft') AS plan,
        (SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL
           AND id::text IN (${uuid('serverToken')}, ${uuid('clientToken')}, ${uuid('viewerToken')})) = 3 AS tokens,
        EXISTS (SELECT FROM users WHERE id::text = ${uuid('user')} AND disabled_at IS NULL
           AND instance_role IS NULL) AS user,
        EXISTS (SELECT FROM project_members WHERE user_id::text = ${uuid('user')} AND role = 'viewer') AS member,
        EXISTS (SELECT FROM user_sessions WHERE id::text = ${uuid('session')} AND revoked_at IS NULL) AS session,
        EXISTS (SELECT FROM personal_tokens WHERE id::text = ${uuid('personalToken')} AND revoked_at IS NULL)
          AS "personalToken",
        EXISTS (SELECT FROM webhooks WHERE id::text = ${uuid('webhook')}) AS webhook`;
    return row!;
  }

  /** Repairs in dependency order: a rebuilt project takes its trigger, plan, tokens and members. */
  async function ensure(): Promise<void> {
    const state = await intact();
    if (!state.project) {
      await buildProject();
      Object.assign(state, { trigger: false, schedule: false, plan: false, tokens: false, member: false });
    } else if (!state.flags) {
      for (const key of [FLAG, 'old-banner']) await call('POST', `/projects/${PROJECT}/flags/${key}/unarchive`);
    }
    if (!state.user) Object.assign(state, { member: false, session: false, personalToken: false });
    if (!state.session) state.personalToken = false;
    for (const part of Object.keys(parts) as (keyof typeof parts)[]) if (!state[part]) await parts[part]();
  }

  await ensure();
  return {
    ids,
    headers: (caller) => callers[caller] ?? {},
    ensure,
  };
}

/** The value of a path parameter named `name` in `path`: `{id}` is whatever that path's resource is. */
export function idFor(ids: Record<string, string>, path: string, name: string): string {
  if (name !== 'id') {
    const byName: Record<string, string> = {
      project: PROJECT,
      environment: ENVIRONMENT,
      flag: FLAG,
      key: FLAG,
      segment: 'internal-staff',
      ruleId: 'beta-users',
      userId: ids['user']!,
      secret: ids['secret']!,
      delivery: '00000000-0000-4000-8000-000000000000',
    };
    return byName[name] ?? 'x';
  }
  const byPath: [RegExp, string][] = [
    [/^\/api\/v1\/tokens\//, 'token'],
    [/\/triggers\//, 'trigger'],
    [/\/schedules\//, 'schedule'],
    [/\/release-plans\//, 'plan'],
    [/^\/api\/v1\/webhooks\//, 'webhook'],
    [/^\/api\/v1\/users\//, 'user'],
    [/^\/api\/v1\/me\/tokens\//, 'personalToken'],
    [/^\/api\/v1\/me\/sessions\//, 'session'],
  ];
  const match = byPath.find(([pattern]) => pattern.test(path));
  return match ? ids[match[1]]! : '00000000-0000-4000-8000-000000000000';
}
