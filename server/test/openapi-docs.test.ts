import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import {
  exampleProblems,
  listOperations,
  schemaValidator,
  type OpenApiDocument,
  type Operation,
} from './helpers/openapi-document.js';

/**
 * The admin OpenAPI document (GET /docs/json) is what the console, the CLI and API users read:
 * every operation says what it does (a description, not only a summary) and shows a request
 * example (when it takes a body) and a response example for each success status, and every
 * example is valid against the operation's own schema, so an example cannot drift from the API.
 */
let t: TestApp;
let document: OpenApiDocument;
let operations: { id: string; operation: Operation }[];

beforeAll(async () => {
  t = await createTestApp();
  document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json<OpenApiDocument>();
  operations = listOperations(document);
});
afterAll(async () => t?.close());

describe('OpenAPI document', () => {
  it('every operation has a description', () => {
    expect(operations.length).toBeGreaterThan(50);
    const undescribed = operations.filter(({ operation }) => !operation.description?.trim()).map(({ id }) => id);
    expect(undescribed, 'operations without a description').toEqual([]);
  });

  it("every $ref points at a schema of components.schemas (zod's shared definitions included)", () => {
    const refs = new Set([...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map(([, ref]) => ref!));
    const schemas = document.components?.schemas ?? {};
    const broken = [...refs].filter(
      (ref) => !/^#\/components\/schemas\/[^/#]+$/.test(ref) || !(ref.split('/').at(-1)! in schemas),
    );
    expect(refs.size).toBeGreaterThan(10);
    expect(broken, 'references that do not resolve').toEqual([]);
  });

  it('every operation shows a request example (when it has a body) and a success response example, each valid against its schema', () => {
    const validate = schemaValidator(document);
    const problems = operations.flatMap(({ id, operation }) => exampleProblems(id, operation, validate));
    expect(problems, 'operations whose examples are missing or invalid').toEqual([]);
  });
});

describe('the example check', () => {
  const validate = (schema: object, value: unknown) => schemaValidator({ paths: {} })(schema, value);
  const object = { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] };

  it('names an operation whose request body or success response has no example', () => {
    const operation: Operation = {
      requestBody: { content: { 'application/json': { schema: object } } },
      responses: { '201': { content: { 'application/json': { schema: object } } }, '204': {} },
    };
    expect(exampleProblems('POST /x', operation, validate)).toEqual([
      'POST /x: request body (application/json) has no example',
      'POST /x: response 201 (application/json) has no example',
    ]);
  });

  it('names an operation without a success response, or whose success response documents no body', () => {
    expect(exampleProblems('GET /a', { responses: { '404': {} } }, validate)).toEqual([
      'GET /a: no success response documented',
    ]);
    expect(exampleProblems('GET /b', { responses: { '200': {} } }, validate)).toEqual([
      'GET /b: response 200 documents no body (nor its media type)',
    ]);
  });

  it('refuses an example its schema does not accept', () => {
    const operation: Operation = {
      responses: { '200': { content: { 'application/json': { schema: object, examples: { one: { value: {} } } } } } },
    };
    expect(exampleProblems('GET /c', operation, validate)).toEqual([
      `GET /c: response 200 (application/json) example "one" / must have required property 'key' {"missingProperty":"key"}`,
    ]);
  });
});
