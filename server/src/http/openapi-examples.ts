import { z } from 'zod';

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

/**
 * The one story every example of the document tells, so that keys, ids and instants agree from
 * one operation to the next: project `shop`, its `production` and `staging` environments, flag `new-checkout`, made on
 * `createdAt` and last changed on `updatedAt`.
 */
export const exampleStory = {
  project: 'shop',
  environment: 'production',
  flag: 'new-checkout',
  /** The person who signs in, creates tokens and kills flags. */
  person: { id: '8b6f3e2a-1c4d-4e5f-9a0b-7c8d9e0f1a2b', email: 'ada@example.com', displayName: 'Ada Lovelace' },
  createdAt: '2026-11-02T09:30:00.000Z',
  updatedAt: '2026-12-03T15:53:05.789Z',
  /** When SDKs last reported evaluations, webhooks last delivered, and so on. */
  recently: '2026-12-03T15:59:30.000Z',
} as const;

/** The variants of the story's boolean flag, as the API and the SDKs' snapshot both show them. */
export const exampleBooleanVariants = [
  { key: 'on', value: true },
  { key: 'off', value: false },
] as const;

/** `createdAt` and `updatedAt` of the story: spread into a view that shows both. */
export const exampleTimestamps = { createdAt: exampleStory.createdAt, updatedAt: exampleStory.updatedAt } as const;

type ResponseSchemas = Record<string, unknown>;

/**
 * A route transform for @fastify/swagger: a response given per media type
 * (`{ content: { 'text/event-stream': { schema } } }`, for what is not JSON) keeps its schema's
 * `x-examples` inside the schema, where readers do not look; this moves them to the media type's
 * `examples`, as @fastify/swagger does itself for JSON responses.
 */
export function liftMediaTypeExamples<T extends { response?: unknown }>(schema: T): T {
  if (typeof schema.response !== 'object' || schema.response === null) return schema;
  const response = Object.fromEntries(
    Object.entries(schema.response as ResponseSchemas).map(([status, value]) => {
      const content = (value as { content?: Record<string, { schema?: Record<string, unknown> }> }).content;
      if (typeof content !== 'object' || content === null) return [status, value];
      const lifted = Object.fromEntries(
        Object.entries(content).map(([type, media]) => {
          const { 'x-examples': examples, ...rest } = media.schema ?? {};
          return [type, examples === undefined ? media : { ...media, schema: rest, examples }];
        }),
      );
      return [status, { ...(value as object), content: lifted }];
    }),
  );
  return { ...schema, response };
}

/**
 * A success response that is not JSON (Prometheus text, Server-Sent Events): its media type, a
 * string schema and an example, documented per media type so that the route's error responses
 * stay JSON. Only documentation: such routes write their body themselves.
 */
export function textResponse(mediaType: string, description: string, example: string) {
  return { description, content: { [mediaType]: { schema: withExample(z.string().describe(description), example) } } };
}
