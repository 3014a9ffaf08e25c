import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

/**
 * A rule starting to use a segment while the segment is deleted: whichever commits first, the
 * other must fail, so that no configuration is ever left referring to a missing segment.
 */
let t: TestApp;
const P = '/api/v1/projects/race';
const FLAGS = ['a', 'b', 'c'];

async function inject(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers = {}) {
  return t.app.inject({ method, url, headers: { ...t.adminHeaders, ...headers }, ...(payload ? { payload } : {}) });
}

beforeAll(async () => {
  t = await createTestApp();
  await inject('POST', '/api/v1/projects', { key: 'race', name: 'Race' });
  await inject('POST', `${P}/environments`, { key: 'production', name: 'Production' });
  for (const key of FLAGS) await inject('POST', `${P}/flags`, { key, name: key, type: 'boolean' });
});
afterAll(async () => t?.close());

describe('segment deletion racing configuration writes', () => {
  it('never leaves a rule referring to a deleted segment', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 15; round++) {
      const segment = `s${round}`;
      expect((await inject('POST', `${P}/segments`, { key: segment, name: segment, conditions: [] })).statusCode).toBe(
        201,
      );
      const urls = FLAGS.map((flag) => `${P}/flags/${flag}/environments/production`);
      const currents = await Promise.all(urls.map((url) => inject('GET', url)));
      const rules = [{ id: 'r', conditions: [], segments: [segment], serve: { variant: 'on' } }];
      // Across rounds either side gets a head start of 0-12 ms, so both orders (and near-ties) happen
      // whatever the machine's speed.
      const head = (round % 5) * 3;
      const putDelay = round % 2 === 0 ? head : 0;
      const deleteDelay = round % 2 === 0 ? 0 : head;
      const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const writes = await Promise.all([
        ...urls.map(async (url, index) => {
          const current = currents[index]!;
          const body = { ...current.json(), rules };
          await after(putDelay);
          return (await inject('PUT', url, body, { 'if-match': current.headers.etag as string })).statusCode;
        }),
        after(deleteDelay).then(async () => (await inject('DELETE', `${P}/segments/${segment}`)).statusCode),
      ]);
      const deleted = writes.at(-1);
      const configured = writes.slice(0, -1);
      outcomes.add(`delete ${deleted}, PUTs ${[...new Set(configured)].sort().join('/')}`);
      expect(writes.every((status) => status < 500)).toBe(true);
      // Deleted ⇒ no PUT that used it succeeded; refused ⇒ some PUT did.
      if (deleted === 204) expect(configured.every((status) => status === 400)).toBe(true);
      else expect(deleted === 409 && configured.includes(200)).toBe(true);

      const dangling = await t.db.prisma.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n
        FROM flag_configs c, jsonb_array_elements(c.rules) AS rule, jsonb_array_elements_text(rule->'segments') AS used
        WHERE NOT EXISTS (SELECT 1 FROM segments s WHERE s.key = used)`;
      expect(Number(dangling[0]!.n)).toBe(0);
      // Clear the rules again for the next round.
      for (const flag of FLAGS) {
        const url = `${P}/flags/${flag}/environments/production`;
        const current = await inject('GET', url);
        await inject('PUT', url, { ...current.json(), rules: [] }, { 'if-match': current.headers.etag as string });
      }
    }
    // Both orders happened, or the race was not exercised.
    expect(outcomes.size, [...outcomes].join('; ')).toBeGreaterThan(1);
  }, 120_000);
});
