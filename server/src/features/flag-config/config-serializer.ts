import { isDeepStrictEqual } from 'node:util';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { configResponseSchema, type ConfigResponse } from './schemas.js';

/** The fields of a configuration whose check is the costly part (every rule and condition). */
const NESTED = ['defaultServe', 'rules', 'prerequisites'] as const;
const nestedSchema = configResponseSchema.pick({ defaultServe: true, rules: true, prerequisites: true });
const scalarSchema = configResponseSchema.omit({ defaultServe: true, rules: true, prerequisites: true });
/** The response's fields in the schema's order (the zod serializer's order). */
const FIELDS = Object.keys(configResponseSchema.shape) as (keyof ConfigResponse)[];
/** Nested contents remembered as checked; past this many the memory starts over. */
const MAX_REMEMBERED = 256;

/**
 * Serializes a configuration response like the zod serializer (same checks, same JSON), without
 * checking the same rules again and again: a toggle answers the rules of the toggle before, and
 * zod's check of every rule and condition was ~5 % of a toggle's CPU on the writer. The nested
 * part (serve, rules, prerequisites) is checked once per distinct content: a content zod passes
 * unchanged (nothing stripped, defaulted or converted) is remembered by its JSON text, and the
 * same text later is sent as it is. The top-level fields are checked every time. Anything zod
 * would change, or refuse, goes through the zod serializer itself (which throws as usual).
 */
export function configSerializer(
  fallback: (data: unknown) => string,
  remembered = new Set<string>(),
): (data: ConfigResponse) => string {
  return (data) => {
    const scalars = scalarSchema.safeEncode(data);
    if (!scalars.success) return fallback(data);
    const texts = NESTED.map((key) => JSON.stringify(data[key]));
    const key = texts.join('\u0000');
    if (!remembered.has(key)) {
      const nested = { defaultServe: data.defaultServe, rules: data.rules, prerequisites: data.prerequisites };
      const checked = nestedSchema.safeEncode(nested);
      if (!checked.success || !isDeepStrictEqual(checked.data, nested)) return fallback(data);
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.add(key);
    }
    const parts: string[] = [];
    for (const field of FIELDS) {
      const nestedIndex = (NESTED as readonly string[]).indexOf(field);
      const value =
        nestedIndex >= 0 ? texts[nestedIndex] : JSON.stringify(scalars.data[field as keyof typeof scalars.data]);
      if (value !== undefined) parts.push(`${JSON.stringify(field)}:${value}`);
    }
    return `{${parts.join(',')}}`;
  };
}

/**
 * For a route's `serializerCompiler`: `configSerializer` for its 200 (a configuration), the zod
 * serializer for the rest. One memory per route.
 */
export function configSerializerCompiler(route: {
  schema: unknown;
  method: string;
  url: string;
  httpStatus?: string;
}): (data: unknown) => string {
  const zod = serializerCompiler(route as Parameters<typeof serializerCompiler>[0]);
  return route.httpStatus === '200' ? (configSerializer(zod) as (data: unknown) => string) : zod;
}
