import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { writeOfrepProject } from '../../../test/ofrep/support/ofrep-project.js';

/*
 * Whatever body a caller sends to OFREP, the answer is a 200 or an OFREP failure (400 / 404 with
 * `errorCode`), never a 5xx; and every context of the documented shape is evaluated (200).
 */
let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = (await writeOfrepProject(t)).client;
});
afterAll(async () => t?.close());

async function post(path: string, payload: string) {
  const response = await t.app.inject({
    method: 'POST',
    url: `/ofrep/v1/evaluate/flags${path}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload,
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

const PATHS = ['/banner', '/color', '/layout', '/secret-pricing', ''];

/** Attribute names a JSON parser keeps as data (fastify refuses `__proto__`; NUL is refused too). */
const name = fc.string({ maxLength: 12 }).filter((s) => s !== '__proto__' && !s.includes('\0'));
const text = fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0'));
const attribute = fc.oneof(
  text,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 4 }),
);
const validContext = fc.dictionary(
  name.filter((s) => s !== 'targetingKey'),
  attribute,
  { maxKeys: 8 },
);

it('any JSON body: 200 or an OFREP failure, never a 5xx', async () => {
  const anyBody = fc.oneof(
    fc.jsonValue(),
    fc.record({ context: fc.jsonValue() }),
    fc.record({ context: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 6 }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...PATHS), anyBody, async (path, body) => {
      const answer = await post(path, JSON.stringify(body));
      expect([200, 400, 404], JSON.stringify(answer)).toContain(answer.status);
      if (answer.status === 400) expect(answer.body.errorCode).toBe('INVALID_CONTEXT');
      if (answer.status === 404) expect(answer.body.errorCode).toBe('FLAG_NOT_FOUND');
    }),
    { numRuns: 300 },
  );
});

it('any context of the documented shape is evaluated', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...PATHS), validContext, fc.option(text), async (path, context, targetingKey) => {
      const body = { context: targetingKey === null ? context : { ...context, targetingKey } };
      const answer = await post(path, JSON.stringify(body));
      const expected = path === '/secret-pricing' ? 404 : 200;
      expect(answer.status, JSON.stringify({ body, answer })).toBe(expected);
    }),
    { numRuns: 300 },
  );
});
