/**
 * The core spec vectors (spec/evaluation/*.json) answered through OFREP: each vector's flags are
 * written through the REST API (as in spec-through-api.test.ts), then every case is evaluated by
 * POST /ofrep/v1/evaluate/flags/{key} with the case's context, and the answer must be the vector's
 * expected result in OFREP's form:
 * - a success: 200 with exactly the expected `value`, `variant`, `reason` and `metadata.ruleId`;
 * - an ERROR: 404 FLAG_NOT_FOUND, or 400 with the expected error code (the caller keeps its default);
 * - a TYPE_MISMATCH case: OFREP requests carry no type, so the server serves the flag and the
 *   answer's value is not of the type the case asked for (which is what an OFREP provider checks).
 * The bulk endpoint must give, for each context, the same answer per flag as the single one.
 *
 * Configurations the API refuses by design (prerequisite cycles, missing parents) cannot be written;
 * cases reaching one are left out, as spec-through-api.test.ts pins down.
 */
import type { Flag, FlagType, JsonValue } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caseArguments,
  loadEvaluationFiles,
  MIN_EVALUATION_CASES,
  type EvaluationCase,
  type EvaluationFile,
} from '../../spec/load.mjs';
import { createTestApp, type TestApp } from './helpers/app.js';
import { SPEC_ENVIRONMENT, writeSpecProject } from './spec-project.js';

const files = loadEvaluationFiles().filter((file) => !file.schemaInvalid);
const projectKeyOf = (file: string) => `ofrep-${file.replace(/^evaluation\//, '').replace(/\.json$/, '')}`;

/**
 * TYPE_MISMATCH cases OFREP cannot show: a `json` flag serving a scalar has a value of the type the
 * case asked for, and OFREP answers carry no flag type (by design: OFREP ADR 0003), so an OFREP
 * provider returns the value where core's typed call reports TYPE_MISMATCH. Listed so that the
 * set cannot grow unnoticed.
 */
const TYPE_INVISIBLE: Readonly<Record<string, readonly string[]>> = {
  'evaluation/unknown-and-type.json': ['json-scalar'],
};

let testApp: TestApp;
let casesRun = 0;
const typeInvisible: string[] = [];

beforeAll(async () => {
  testApp = await createTestApp();
});

afterAll(async () => {
  await testApp?.close();
});

/** Flags `flagKey` reaches through the vector's prerequisites, itself included. */
function reachableFlags(flags: readonly Flag[], flagKey: string): Set<string> {
  const byKey = new Map(flags.map((flag) => [flag.key, flag]));
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const prerequisite of byKey.get(key)?.prerequisites ?? []) visit(prerequisite.flagKey);
  };
  visit(flagKey);
  return seen;
}

/** Whether `value` is of the flag type (what an OFREP provider compares with the caller's default). */
function isOfType(value: JsonValue, type: FlagType): boolean {
  if (type === 'json') return typeof value === 'object';
  return typeof value === type;
}

/** The OFREP answer a vector case expects (status and body). */
function expectedAnswer(testCase: EvaluationCase): { status: number; body: unknown } {
  const { expected, flag } = testCase;
  if (expected.reason === 'ERROR') {
    return {
      status: expected.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400,
      body: { key: flag, errorCode: expected.errorCode, errorDetails: expect.any(String) },
    };
  }
  return {
    status: 200,
    body: {
      key: flag,
      value: expected.value,
      reason: expected.reason,
      ...(expected.variant === undefined ? {} : { variant: expected.variant }),
      ...(expected.ruleId === undefined ? {} : { metadata: { ruleId: expected.ruleId } }),
    },
  };
}

async function post(token: string, path: string, context: unknown) {
  const response = await testApp.app.inject({
    method: 'POST',
    url: `/ofrep/v1/evaluate/flags${path}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ context }),
  });
  return { status: response.statusCode, body: response.json() };
}

function runnableCases(file: EvaluationFile, refused: Set<string>): EvaluationCase[] {
  return file.cases.filter(
    (testCase) => ![...reachableFlags(file.snapshot.flags, testCase.flag)].some((key) => refused.has(key)),
  );
}

for (const file of files) {
  describe(file.file, () => {
    it('every case answers through OFREP as the vector expects, and bulk agrees with single', async () => {
      const projectKey = projectKeyOf(file.file);
      const project = await writeSpecProject(testApp.app, testApp.adminHeaders, projectKey, file.snapshot);
      const refused = new Set(
        [...project.configWrites].filter(([, write]) => write.status !== 200).map(([key]) => key),
      );
      const created = await testApp.api('POST', '/tokens', {
        name: `ofrep ${projectKey}`, // active token names are unique
        kind: 'server',
        project: projectKey,
        environment: SPEC_ENVIRONMENT,
      });
      expect(created.status).toBe(201);
      const token = created.body.secret as string;

      const singles = new Map<string, Map<string, unknown>>();
      for (const testCase of runnableCases(file, refused)) {
        const { flagKey, context, expectedType } = caseArguments(testCase);
        const answer = await post(token, `/${encodeURIComponent(flagKey)}`, context);
        const label = `${testCase.description} (${flagKey})`;
        if (expectedType !== undefined && testCase.expected.errorCode === 'TYPE_MISMATCH') {
          expect(answer.status, label).toBe(200);
          const typeShows = !isOfType(answer.body.value, expectedType);
          expect(typeShows, label).toBe(!TYPE_INVISIBLE[file.file]?.includes(flagKey));
          if (!typeShows) typeInvisible.push(`${file.file}:${flagKey}`);
        } else {
          const expected = expectedAnswer(testCase);
          expect({ status: answer.status, body: answer.body }, label).toStrictEqual(expected);
        }
        const key = JSON.stringify(context);
        if (!singles.has(key)) singles.set(key, new Map());
        singles.get(key)!.set(flagKey, answer.body);
        casesRun++;
      }

      for (const [key, answers] of singles) {
        const bulk = await post(token, '', JSON.parse(key));
        expect(bulk.status).toBe(200);
        const byKey = new Map((bulk.body.flags as { key: string }[]).map((item) => [item.key, item]));
        expect([...byKey.keys()].sort()).toEqual(file.snapshot.flags.map((flag) => flag.key).sort());
        for (const [flagKey, single] of answers) {
          // Unknown flags are not in a bulk answer; every other answer is the single one.
          if (byKey.has(flagKey) || (single as { errorCode?: string }).errorCode !== 'FLAG_NOT_FOUND') {
            expect(byKey.get(flagKey), `${flagKey} with ${key}`).toStrictEqual(single);
          }
        }
      }
    });
  });
}

it('the only TYPE_MISMATCH cases OFREP cannot show are the listed ones', () => {
  const listed = Object.entries(TYPE_INVISIBLE).flatMap(([file, keys]) => keys.map((key) => `${file}:${key}`));
  expect([...new Set(typeInvisible)].sort()).toEqual(listed.sort());
});

it(`ran at least ${MIN_EVALUATION_CASES} vector cases through OFREP`, () => {
  expect(casesRun).toBeGreaterThanOrEqual(MIN_EVALUATION_CASES);
});
