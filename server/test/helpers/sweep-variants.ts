import type { Caller } from './sweep-fixture.js';

/**
 * The hostile variants of one OpenAPI operation that the sweep (routes.sweep.test.ts) sends: each
 * is the operation's valid request (its documented example body, the fixture's path values) with
 * one thing wrong, so a refusal is about that thing. Deterministic and bounded: per body field
 * three wrong types, missing, 1 MB, NUL, deep nesting; per path and query parameter NUL, invalid
 * UTF-8, a long value and duplicates; per operation the body as a whole (empty, not JSON, wrong
 * Content-Type, prototype keys, unknown fields), If-Match values and every refused caller.
 */
export interface Variant {
  /** What is wrong, for the failure message. */
  name: string;
  caller: Caller;
  /** Replaces the encoded value of a path parameter. */
  params?: Record<string, string>;
  /** Query string without `?`, replacing the default (none). */
  query?: string;
  headers?: Record<string, string>;
  /** Raw body text (undefined: the example body, `null`: none). */
  body?: string | null;
  contentType?: string | null;
}

export interface OperationShape {
  method: string;
  pathParams: string[];
  queryParams: { name: string; type: string | undefined; format?: string | undefined }[];
  hasIfMatch: boolean;
  /** The documented example body, when the operation takes one. */
  example: unknown;
  /** The caller that may make the request (admin, a user's session, or an SDK token). */
  caller: Caller;
}

const MEGABYTE = 'x'.repeat(1024 * 1024);
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Two values of other JSON types than `value`'s, and null. */
function wrongTypes(value: unknown): unknown[] {
  if (typeof value === 'string') return [12345, { a: 'b' }, null];
  if (typeof value === 'number') return ['12', null];
  if (typeof value === 'boolean') return ['true', null];
  if (Array.isArray(value)) return [{ 0: 'a' }, null];
  if (value === null) return [[], 'x'];
  return ['{}', null];
}

/** Every field of `value` with its dotted path, down to depth 2 (array items: the first only). */
function fields(value: unknown, path: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (depth > 2 || typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.length > 0
      ? [[0, value[0]]]
      : []
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...path, key], ...fields(child, [...path, key], depth + 1)]);
}

function getAt(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

/** `value` with the field at `path` replaced by `by` (removed when `by` is REMOVE). */
const REMOVE = Symbol('remove');
function setAt(value: unknown, path: (string | number)[], by: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const parent = getAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1]!;
  if (by === REMOVE) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else parent[key] = by;
  return copy;
}

/** JSON text of `value` with the field at `path` replaced by raw JSON text. */
function withRaw(value: unknown, path: (string | number)[], raw: string): string {
  const marker = '"\u0001raw\u0001"';
  return JSON.stringify(setAt(value, path, '\u0001raw\u0001')).replace(marker, raw);
}

function bodyVariants(example: unknown, caller: Caller): Variant[] {
  const variants: Variant[] = [
    { name: 'empty body, JSON type', caller, body: '' },
    { name: 'no body, no Content-Type', caller, body: null, contentType: null },
    { name: 'not JSON', caller, body: '{"a":' },
    { name: 'JSON then garbage', caller, body: `${JSON.stringify(example)}}` },
    { name: 'text/plain', caller, contentType: 'text/plain' },
    { name: 'form', caller, body: 'a=b&c=d', contentType: 'application/x-www-form-urlencoded' },
    { name: 'multipart', caller, body: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
    ...[[], 'text', 42, null, true].map((top) => ({
      name: `top-level ${JSON.stringify(top)}`,
      caller,
      body: JSON.stringify(top),
    })),
    { name: 'deep body', caller, body: deep(10_000) },
    { name: 'over 1 MB body', caller, body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }) },
  ];
  if (typeof example !== 'object' || example === null || Array.isArray(example)) return variants;
  const inner = JSON.stringify(example).slice(1, -1);
  const sep = inner === '' ? '' : ',';
  variants.push(
    { name: 'unknown field', caller, body: `{${inner}${sep}"unknownField":1}` },
    { name: '__proto__ key', caller, body: `{${inner}${sep}"__proto__":{"isAdmin":true,"role":"owner"}}` },
    { name: 'constructor key', caller, body: `{${inner}${sep}"constructor":{"prototype":{"isAdmin":true}}}` },
    { name: 'duplicate keys', caller, body: `{${inner}${sep}${inner}}` },
  );
  let textChecked = false;
  for (const path of fields(example)) {
    const at = path.join('.');
    const current = getAt(example, path);
    variants.push({ name: `${at} missing`, caller, body: JSON.stringify(setAt(example, path, REMOVE)) });
    for (const wrong of wrongTypes(current)) {
      variants.push({
        name: `${at} = ${JSON.stringify(wrong)}`,
        caller,
        body: JSON.stringify(setAt(example, path, wrong)),
      });
    }
    if (typeof current === 'string' && !Number.isNaN(Date.parse(current)) && /^\d{4}-/.test(current)) {
      for (const date of ['2000-01-01T00:00:00.000Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z']) {
        variants.push({ name: `${at} = ${date}`, caller, body: JSON.stringify(setAt(example, path, date)) });
      }
    }
    if (typeof current === 'string') {
      variants.push({ name: `${at} 1 MB`, caller, body: JSON.stringify(setAt(example, path, MEGABYTE)) });
      // The JSON parser refuses these in any string (input-guard.ts): one field per body shows it.
      if (!textChecked) {
        textChecked = true;
        variants.push(
          { name: `${at} with NUL`, caller, body: JSON.stringify(setAt(example, path, `${current}\u0000`)) },
          { name: `${at} lone surrogate`, caller, body: withRaw(example, path, '"a\\ud800"') },
        );
      }
    } else if (typeof current === 'number') {
      variants.push(
        { name: `${at} negative`, caller, body: JSON.stringify(setAt(example, path, -current - 1)) },
        { name: `${at} fraction`, caller, body: JSON.stringify(setAt(example, path, current + 0.5)) },
        { name: `${at} 1e400`, caller, body: withRaw(example, path, '1e400') },
        { name: `${at} 2^64`, caller, body: withRaw(example, path, '18446744073709551616') },
        { name: `${at} -1e308`, caller, body: withRaw(example, path, '-1e308') },
      );
    } else if (typeof current === 'object' && current !== null) {
      variants.push(
        {
          name: `${at} deep`,
          caller,
          body: withRaw(example, path, Array.isArray(current) ? deep(200) : `{"a":${deep(200)}}`),
        },
        { name: `${at} __proto__`, caller, body: withRaw(example, path, '{"__proto__":{"polluted":true}}') },
      );
    }
  }
  return variants;
}

const QUERY_VALUES: Record<string, string[]> = {
  integer: ['-1', '1.5', '1e400', '99999999999999999999999', 'abc', ''],
  number: ['-1', 'NaN', '1e400', ''],
  // `AA`: base64url of a NUL, for values the server decodes itself (the flag list's cursor).
  string: ['%00', '%FF', 'a'.repeat(5000), '', 'AA'],
};

/** Path, query, header and caller variants: for every operation, with or without a body. */
export function variantsOf(shape: OperationShape): Variant[] {
  const { caller } = shape;
  const variants: Variant[] = [];
  shape.pathParams.forEach((name, index) => {
    const values: [string, string][] = [
      ['NUL', 'a%00b'],
      ['invalid UTF-8', '%C0%AF'],
      ['long', 'a'.repeat(5000)],
      ['dot segments', '..%2F..'],
      // Looked up in an object instead of a Map, it finds Object.prototype.
      ['prototype name', '__proto__'],
    ];
    // Past the router's parameter length limit: the same check for every parameter, asked once.
    if (index === 0) values.push(['very long', 'b'.repeat(70_000)]);
    if (/^(id|userId|delivery)$/.test(name)) values.push(['not a uuid', '12345']);
    for (const [what, value] of values) {
      variants.push({ name: `path ${name}: ${what}`, caller, params: { [name]: value } });
    }
  });
  for (const { name, type, format } of shape.queryParams) {
    const dates = format === 'date-time' ? ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z'] : [];
    for (const value of [...(QUERY_VALUES[type ?? 'string'] ?? QUERY_VALUES['string']!), ...dates]) {
      variants.push({ name: `query ${name}=${value.slice(0, 20)}`, caller, query: `${name}=${value}` });
    }
    variants.push({ name: `query ${name} twice`, caller, query: `${name}=1&${name}=2` });
    variants.push({ name: `query ${name}[]`, caller, query: `${name}[a]=1` });
  }
  // Unknown parameters are ignored (a write would succeed and need repairs): asked of reads only.
  if (shape.method === 'GET')
    variants.push({ name: 'unknown query parameter', caller, query: 'unknown=1&__proto__=x' });
  variants.push({ name: 'query NUL', caller, query: 'q=%00' });
  if (shape.hasIfMatch) {
    for (const tag of ['garbage', '"', 'W/"1"', '"-1"', '"1.5"', '"99999999999999999999"', '*', '"1", "2"', '""']) {
      variants.push({ name: `If-Match ${tag}`, caller, headers: { 'if-match': tag } });
    }
  }
  const refused: Caller[] = ['none', 'garbage', 'client', 'viewer'];
  for (const other of refused.filter((c) => c !== caller)) variants.push({ name: `as ${other}`, caller: other });
  if (shape.example !== undefined) variants.push(...bodyVariants(shape.example, caller));
  return variants;
}
