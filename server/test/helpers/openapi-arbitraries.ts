import fc from 'fast-check';
import { anyString } from './fuzz.js';

/**
 * fast-check generators read from the server's own OpenAPI document (GET /docs/json), for the route
 * fuzzer: values that are near what a schema asks for (often valid, so requests get past validation
 * into the services) and, at every level, hostile ones (wrong types, NUL, lone surrogates, huge
 * numbers, deep nesting).
 */

/** The parts of a JSON schema (as @fastify/swagger writes them) the generators read. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  nullable?: boolean;
  definitions?: Record<string, JsonSchema>;
}

export interface OpenApiParameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Strings that are not what a schema expects and have broken servers: NUL, surrogates, sizes. */
export const hostileString = fc.constantFrom(
  '\u0000',
  '\ud800',
  'a\udfffb',
  '\ud83d\ude00',
  '',
  ' ',
  'x'.repeat(10_000),
  '__proto__',
  'constructor',
  '1e400',
  '-0',
  '9'.repeat(40),
  '0000-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
  '%zz',
  '../..',
  "' OR 1=1 --",
);

/** Numbers at the edges: beyond int32/int64/safe integers, negative zero, tiny and huge doubles. */
export const hostileNumber = fc.constantFrom(
  -1,
  -0,
  0.5,
  2 ** 31,
  2 ** 53 + 2,
  2 ** 63,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
);

/** Any JSON value a careless client might send where something else was expected. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, [], {}, [null], { '': null }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Resolves `#/components/schemas/X` and fastify-swagger's `#/components/schemas/X#/definitions/Y`. */
function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const [, component = '', definition] =
    /^#\/components\/schemas\/([^#]+)(?:#\/definitions\/(.+))?$/.exec(schema.$ref) ?? [];
  const schemas = doc.components?.schemas ?? {};
  // zod's JSON values come out as `#/components/schemas/schema0`, defined only under `__shared`.
  const resolved =
    definition === undefined
      ? (schemas[component] ?? schemas['__shared']?.definitions?.[component])
      : schemas[component]?.definitions?.[definition];
  if (!resolved) throw new Error(`openapi-arbitraries: cannot resolve ${schema.$ref}`);
  return resolved;
}

/**
 * Values near `schema`: mostly of its shape (required properties, enum members, `known` strings
 * such as existing keys), with a hostile value in place of any part now and then. `depth` bounds
 * recursive schemas (JSON values).
 */
export function nearSchema(
  doc: OpenApiDocument,
  input: JsonSchema,
  known: fc.Arbitrary<string>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = resolve(doc, input);
  const near = shapeOf(doc, schema, known, depth);
  const withNull = schema.nullable ? fc.oneof({ weight: 6, arbitrary: near }, fc.constant(null)) : near;
  return fc.oneof({ weight: 12, arbitrary: withNull }, { weight: 1, arbitrary: wrongValue });
}

function shapeOf(doc: OpenApiDocument, schema: JsonSchema, known: fc.Arbitrary<string>, depth: number) {
  const next = (child: JsonSchema) => nearSchema(doc, child, known, depth + 1);
  if (depth > 6) return fc.jsonValue({ maxDepth: 1 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...schema.enum) }, fc.string());
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map(next));
  if (schema.allOf?.[0]) return next(schema.allOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringNear(schema, known);
    case 'integer':
    case 'number':
      return numberNear(schema, type === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schema.items ? next(schema.items) : fc.jsonValue({ maxDepth: 2 }), {
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object':
    case undefined:
      if (schema.properties || type === 'object') return objectNear(schema, next);
      return fc.jsonValue({ maxDepth: 3 });
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Date-times: recent ones, and any instant of years 0 to 9999 (PostgreSQL has no year 0), offsets too. */
const dateTime = fc.oneof(
  fc.constantFrom(new Date().toISOString(), '2026-01-01T00:00:00Z', '2026-01-01T00:00:00+14:00'),
  fc
    .date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59-14:00', '1969-12-31T23:59:59Z', '2026-02-29T00:00:00Z'),
);

function stringNear(schema: JsonSchema, known: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const shaped =
    schema.format === 'date-time'
      ? dateTime
      : schema.pattern
        ? fc.oneof(known, fc.stringMatching(new RegExp(schema.pattern)))
        : known;
  return fc.oneof(
    { weight: 4, arbitrary: shaped },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: anyString },
    { weight: 1, arbitrary: hostileString },
  );
}

function numberNear(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1_000_000;
  const max = schema.maximum ?? 1_000_000;
  const inRange = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return fc.oneof(
    { weight: 4, arbitrary: inRange },
    { weight: 1, arbitrary: fc.constantFrom(min, max, min - 1, max + 1) },
    { weight: 1, arbitrary: hostileNumber },
  );
}

function objectNear(schema: JsonSchema, next: (child: JsonSchema) => fc.Arbitrary<unknown>) {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const record = fc.record(Object.fromEntries(properties.map(([key, child]) => [key, next(child)])), {
    requiredKeys: properties.map(([key]) => key).filter((key) => required.has(key)),
  });
  const extra =
    typeof schema.additionalProperties === 'object'
      ? fc.dictionary(fc.string({ maxLength: 8 }), next(schema.additionalProperties), { maxKeys: 3 })
      : fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, fc.dictionary(anyString, wrongValue, { maxKeys: 2 }));
  return fc.tuple(record, extra).map(([known, more]) => ({ ...more, ...known }) as Record<string, unknown>);
}
