import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** A media type of a request body or response: its schema and the examples shown beside it. */
export interface MediaType {
  schema?: object;
  examples?: Record<string, { value?: unknown }>;
  example?: unknown;
}
type Content = Record<string, MediaType>;

/** The parts of an OpenAPI 3.0 operation the documentation checks read. */
export interface Operation {
  summary?: string;
  description?: string;
  requestBody?: { content?: Content };
  responses?: Record<string, { content?: Content }>;
}

/** The parts of the OpenAPI document the documentation checks read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, object> };
}

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);

/** Every operation of the document, named `METHOD /path` as a reader would look it up. */
export function listOperations(document: OpenApiDocument): { id: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => ({ id: `${method.toUpperCase()} ${path}`, operation })),
  );
}

/** Statuses whose response has no body: nothing to show an example of. */
const isBodyless = (status: string) => status === '204' || status.startsWith('3');

/**
 * What is missing or wrong in the examples of one operation, one line each, named after the
 * operation: a request body without an example, no success response, a success response with a
 * body but no example, or an example its own schema refuses (with ajv's reasons).
 */
export function exampleProblems(
  id: string,
  operation: Operation,
  validate: (schema: object, value: unknown) => string[],
): string[] {
  const checkContent = (where: string, content: Content | undefined, required: boolean): string[] => {
    const media = Object.entries(content ?? {});
    if (required && media.length === 0) return [`${id}: ${where} documents no body (nor its media type)`];
    return media.flatMap(([type, { schema, examples, example }]) => {
      const values = [
        ...Object.entries(examples ?? {}).map(([name, { value }]) => [name, value] as const),
        ...(example === undefined ? [] : [['example', example] as const]),
      ];
      if (values.length === 0) return required ? [`${id}: ${where} (${type}) has no example`] : [];
      if (schema === undefined) return [];
      return values.flatMap(([name, value]) =>
        validate(schema, value).map((error) => `${id}: ${where} (${type}) example "${name}" ${error}`),
      );
    });
  };
  const success = Object.entries(operation.responses ?? {}).filter(([status]) => /^[23]/.test(status));
  return [
    ...(operation.requestBody ? checkContent('request body', operation.requestBody.content, true) : []),
    ...(success.length === 0 ? [`${id}: no success response documented`] : []),
    ...success.flatMap(([status, response]) =>
      checkContent(`response ${status}`, response.content, !isBodyless(status)),
    ),
  ];
}

const describeError = (error: ErrorObject) =>
  `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: `null` added to `type` (and to `enum`), or, on a
 * schema without `type` (an `anyOf`), an `anyOf` of the schema and `null`. Ajv knows `nullable`
 * only beside `type`.
 */
function withNullAsJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withNullAsJsonSchema);
  if (value === null || typeof value !== 'object') return value;
  const { nullable, ...rest } = Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, withNullAsJsonSchema(child)]),
  ) as Record<string, unknown>;
  if (nullable !== true) return nullable === undefined || typeof nullable === 'boolean' ? rest : { ...rest, nullable };
  if (typeof rest['type'] !== 'string') return { anyOf: [rest, { type: 'null' }] };
  const enumWithNull =
    Array.isArray(rest['enum']) && !rest['enum'].includes(null) ? [...rest['enum'], null] : rest['enum'];
  return { ...rest, type: [rest['type'], 'null'], ...(enumWithNull === undefined ? {} : { enum: enumWithNull }) };
}

/**
 * A validator of values against the document's own schemas (their `$ref`s into
 * `components/schemas` resolved): the errors, one line each, or none. OpenAPI 3.0 schemas are
 * read as draft-07 with `nullable` rewritten; `strict: false` lets OpenAPI's own keywords
 * (`example`, `x-…`) through.
 */
export function schemaValidator(document: OpenApiDocument): (schema: object, value: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi', components: withNullAsJsonSchema(document.components ?? {}) });
  return (schema, value) => {
    // Point the operation's `#/components/...` references at the document registered above.
    const rooted = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object;
    const check = ajv.compile(withNullAsJsonSchema(rooted) as object);
    return check(value) ? [] : (check.errors ?? []).map(describeError);
  };
}
