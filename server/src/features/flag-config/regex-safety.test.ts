import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegexCorpus } from '../../../../spec/load.mjs';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';

// The write path refuses every catastrophic pattern of spec/regex-redos-corpus.json with a 400
// naming the field, for flag rules and segments alike, and accepts the ordinary ones.

let t: TestApp;
const FLAG_URL = '/projects/acme/flags/checkout/environments/production';
const corpus = loadRegexCorpus();
const refused = corpus.patterns.filter((entry) => entry.expect === 'refuse');
const accepted = corpus.patterns.filter((entry) => entry.expect === 'accept');

const api = (...args: Parameters<TestApp['api']>) => t.api(...args);
const regexCondition = (pattern: string, caseInsensitive?: boolean) => ({
  attribute: 'email',
  operator: 'regex',
  values: [pattern],
  ...(caseInsensitive && { caseInsensitive }),
});

/** PUT the flag's configuration with one rule holding `condition`. */
async function putRule(condition: object) {
  const current = await api('GET', FLAG_URL);
  const rules = [{ id: 'r1', conditions: [condition], segments: [], serve: { variant: 'on' } }];
  return api('PUT', FLAG_URL, { ...current.body, rules }, { 'if-match': current.headers.etag as string });
}

type ErrorBody = { message: string; details: { issues: { path: string; message: string }[] } };
const issue = (body: ErrorBody, path: string) => body.details.issues.find((entry) => entry.path === path);

beforeAll(async () => {
  t = await createTestApp();
  expect((await api('POST', '/projects', { key: 'acme', name: 'Acme' })).status).toBe(201);
  expect((await api('POST', '/projects/acme/environments', { key: 'production', name: 'production' })).status).toBe(
    201,
  );
  expect((await api('POST', '/projects/acme/flags', { key: 'checkout', name: 'c', type: 'boolean' })).status).toBe(201);
});
afterAll(async () => t?.close());

describe('regex patterns on the write path (spec/regex-redos-corpus.json)', () => {
  it.each(refused.map((entry) => [entry.pattern, entry.kind, entry.caseInsensitive] as const))(
    'refuses %j (%s) in a flag rule and in a segment, with a 400 naming the value',
    async (pattern, _kind, caseInsensitive) => {
      const flag = await putRule(regexCondition(pattern, caseInsensitive));
      expect(flag.status).toBe(400);
      expect(issue(flag.body as ErrorBody, 'body.rules.0.conditions.0.values.0')?.message).toMatch(/pattern /);

      const segment = await api('POST', '/projects/acme/segments', {
        key: 'risky',
        name: 'Risky',
        conditions: [regexCondition(pattern, caseInsensitive)],
      });
      expect(segment.status).toBe(400);
      expect(issue(segment.body as ErrorBody, 'body.conditions.0.values.0')?.message).toMatch(/pattern /);
    },
  );

  it('says why: ^(\\w|\\d)+$ backtracks exponentially', async () => {
    const response = await putRule(regexCondition('^(\\w|\\d)+$'));
    expect(response.status).toBe(400);
    expect(issue(response.body as ErrorBody, 'body.rules.0.conditions.0.values.0')?.message).toMatch(
      /exponential time in backtracking regex engines/,
    );
  });

  it('accepts every ordinary pattern of the corpus', async () => {
    for (const entry of accepted) {
      const response = await putRule(regexCondition(entry.pattern, entry.caseInsensitive));
      expect(response.status, entry.pattern).toBe(200);
    }
  });
});
