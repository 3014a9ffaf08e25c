import type { z } from 'zod';

/** A value of `T` written `as const` (arrays and objects read-only, unions kept). */
type Example<T> = T extends readonly (infer U)[]
  ? readonly Example<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Example<T[K]> }
    : T;

/**
 * `schema` with one example for the OpenAPI document: @fastify/swagger moves a body or response
 * schema's `x-examples` to the media type's `examples`, which Swagger UI shows and "Try it out"
 * prefills. (Not JSON Schema's `examples`: zod drops those from the input schema of any object
 * with a transform inside, such as a normalized email.) Validation is unchanged (metadata only). The examples are real answers of the server
 * (openapi-docs.test.ts checks the main write operations have them).
 */
export function withExample<T extends z.ZodType>(schema: T, example: Example<z.input<T>> | Example<z.output<T>>): T {
  return schema.meta({ 'x-examples': { example: { value: example } } });
}
