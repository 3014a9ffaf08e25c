/**
 * Two writes that are each fine alone but together would leave a client-side flag with a
 * server-only prerequisite: whatever the order, the second one sees the first and is refused.
 *
 * The interleaving is forced, not hoped for: another session holds the project's environment rows
 * (every audited write locks them last, to bump the revision), so the first write passes its check
 * and waits there, uncommitted; the second one is sent once the first waits, and is sent on while
 * the rows are still held. Without the row locks that serialize the checks, the second would pass
 * its check too (the first has not committed) and both would be written.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { clientSideViolations } from '../../../test/helpers/client-side-violations.js';

let t: TestApp;
const FLAGS = '/projects/race/flags';

interface Answer {
  status: number;
  body: { message?: string };
}

async function api(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown, headers = {}) {
  const response = await t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...t.adminHeaders, ...headers },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

async function createFlag(key: string, clientSide: boolean) {
  expect((await api('POST', FLAGS, { key, name: key, type: 'boolean', clientSide })).status).toBe(201);
}

/** Sends the PUT that makes `parent` the only prerequisite of `flag` in production. */
async function putPrerequisite(flag: string, parent: string): Promise<Answer> {
  const url = `${FLAGS}/${flag}/environments/production`;
  const current = await api('GET', url);
  const body = { ...current.body, prerequisites: [{ flagKey: parent, variants: ['on'] }] };
  return api('PUT', url, body, { 'if-match': current.headers.etag });
}

const setClientSide = (flag: string, clientSide: boolean): Promise<Answer> =>
  api('PATCH', `${FLAGS}/${flag}`, { clientSide });

/**
 * Runs `first`, and `second` once `first` waits for a lock, while another session holds the
 * project's environment rows; lets them go once both wait. Resolves with both answers, or with
 * `undefined` when the interleaving could not be forced: a request finished without ever waiting
 * (on a loaded machine a request can fail for reasons of its own, e.g. no free connection), or
 * neither reached its lock within 15 s. The caller then tries again with fresh flags, so a test
 * never hangs on the holder's lock.
 */
async function interleaved(
  first: () => Promise<Answer>,
  second: () => Promise<Answer>,
): Promise<[Answer, Answer] | undefined> {
  const holder = new pg.Client({ connectionString: t.config.databaseUrl });
  await holder.connect();
  let settled = 0;
  const track = (request: Promise<Answer>) => request.finally(() => settled++);
  /** Whether `count` requests wait on a lock; false when one settled first or time ran out. */
  const waiting = async (count: number) => {
    const deadline = Date.now() + 15_000;
    while (settled === 0 && Date.now() < deadline) {
      const { rows } = await holder.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      if (rows[0]!.n >= count) return true;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return false;
  };
  try {
    await holder.query('BEGIN');
    await holder.query(
      "SELECT id FROM environments WHERE project_id = (SELECT id FROM projects WHERE key = 'race') FOR UPDATE",
    );
    const a = track(first());
    let b: Promise<Answer> | undefined;
    let forced = await waiting(1);
    if (forced) {
      b = track(second());
      forced = await waiting(2);
    }
    await holder.query('COMMIT');
    const answers = await Promise.all([a, b]);
    return forced ? (answers as [Answer, Answer]) : undefined;
  } finally {
    await holder.end();
  }
}

/** Whether live client-side `childKey` lists a flag that is not client-side, as `child → parent (env)`. */
const violations = (childKey: string) => clientSideViolations(t.db, childKey);

beforeAll(async () => {
  t = await createTestApp();
  await api('POST', '/projects', { key: 'race', name: 'Race' });
  for (const key of ['production', 'staging']) await api('POST', '/projects/race/environments', { key, name: key });
});
afterAll(async () => t?.close());

/**
 * Each race, with its flags (created fresh for each order) and its two writes. `refused` is the
 * answer the second write must get, whichever it is.
 */
const races: {
  name: string;
  setup: (n: number) => Promise<{ a: () => Promise<Answer>; b: () => Promise<Answer> }>;
}[] = [
  {
    name: 'PUT of a prerequisite on a client-side parent × making that parent server-only',
    setup: async (n) => {
      await createFlag(`parent-${n}`, true);
      await createFlag(`child-${n}`, true);
      return { a: () => putPrerequisite(`child-${n}`, `parent-${n}`), b: () => setClientSide(`parent-${n}`, false) };
    },
  },
  {
    name: 'making a child client-side × making its (client-side) parent server-only',
    setup: async (n) => {
      await createFlag(`parent-${n}`, true);
      await createFlag(`child-${n}`, false);
      expect((await putPrerequisite(`child-${n}`, `parent-${n}`)).status).toBe(200);
      return { a: () => setClientSide(`child-${n}`, true), b: () => setClientSide(`parent-${n}`, false) };
    },
  },
  {
    name: 'PUT of a server-only prerequisite on a server-only child × making that child client-side',
    setup: async (n) => {
      await createFlag(`parent-${n}`, false);
      await createFlag(`child-${n}`, false);
      return { a: () => putPrerequisite(`child-${n}`, `parent-${n}`), b: () => setClientSide(`child-${n}`, true) };
    },
  },
  {
    name: 'unarchiving a client-side child × making its parent server-only',
    setup: async (n) => {
      await createFlag(`parent-${n}`, true);
      await createFlag(`child-${n}`, true);
      expect((await putPrerequisite(`child-${n}`, `parent-${n}`)).status).toBe(200);
      expect((await api('POST', `${FLAGS}/child-${n}/archive`)).status).toBe(200);
      return {
        a: () => api('POST', `${FLAGS}/child-${n}/unarchive`),
        b: () => setClientSide(`parent-${n}`, false),
      };
    },
  },
];

let counter = 0;

describe('concurrent writes cannot together give a client-side flag a server-only prerequisite', () => {
  for (const race of races) {
    for (const order of ['a then b', 'b then a'] as const) {
      it(`${race.name} (${order}): the first lands, the second is refused`, async () => {
        let n = 0;
        let answers: [Answer, Answer] | undefined;
        for (let attempt = 0; attempt < 3 && !answers; attempt++) {
          n = ++counter;
          const { a, b } = await race.setup(n);
          answers = order === 'a then b' ? await interleaved(a, b) : await interleaved(b, a);
        }
        expect(answers, 'the two writes could not be made to wait on each other').toBeDefined();
        const [first, second] = answers!;
        expect(first.status, JSON.stringify(first.body)).toBe(200);
        expect([400, 409], JSON.stringify(second.body)).toContain(second.status);
        expect(second.body.message).toMatch(/client-side/);
        expect(await violations(`child-${n}`)).toEqual([]);
      }, 120_000);
    }
  }
});

describe('flags that list each other (in different environments)', () => {
  it('made client-side at the same time: no deadlock, both refused (each has a server-only parent)', async () => {
    await createFlag('ping', false);
    await createFlag('pong', false);
    expect((await putPrerequisite('ping', 'pong')).status).toBe(200);
    const url = `${FLAGS}/pong/environments/staging`;
    const current = await api('GET', url);
    const body = { ...current.body, prerequisites: [{ flagKey: 'ping', variants: ['on'] }] };
    expect((await api('PUT', url, body, { 'if-match': current.headers.etag })).status).toBe(200);
    // Each locks itself FOR UPDATE and the other FOR SHARE; taken in id order, one simply waits.
    for (let round = 0; round < 30; round++) {
      const answers = await Promise.all([setClientSide('ping', true), setClientSide('pong', true)]);
      expect(answers.map((answer) => answer.status)).toEqual([409, 409]);
    }
  }, 60_000);
});
