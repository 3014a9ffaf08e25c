import { FLAG_KEY_MAX_LENGTH, FLAG_KEY_PATTERN, flagKeyProblem } from '@switchyard/core/schema';
import { z } from 'zod';

/**
 * Keys of projects and environments: a lower-case slug, safe in URLs, Redis names
 * (`switchyard:snapshot-v2:<project>:<environment>`), metric labels and command lines. Flags and
 * segments have wider keys (`flagSegmentKeySchema`). Keys never change once created (SDKs and
 * snapshots refer to them).
 */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9-_]{0,62}$/;
export const keySchema = z
  .string()
  .regex(KEY_PATTERN, 'must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit')
  .describe('Immutable slug: ^[a-z0-9][a-z0-9-_]{0,62}$');

const keyProblem = (issue: { input?: unknown }) => flagKeyProblem(String(issue.input)) ?? 'is not a valid key';

/**
 * Keys of flags and segments: letters of both cases, digits, `.`, `_`, `-`, `~`, 1..100 characters,
 * not only dots (core's FLAG_KEY_PATTERN: what Unleash and LaunchDarkly users have). Case-sensitive;
 * a key differing only in case from another of the project is a 409 (db/case-twin-keys.ts).
 */
export const flagSegmentKeySchema = z
  .string()
  .max(FLAG_KEY_MAX_LENGTH, { error: keyProblem })
  .regex(FLAG_KEY_PATTERN, { error: keyProblem })
  .describe('Immutable key: 1-100 of A-Z a-z 0-9 . _ - ~ (not only dots); case-sensitive, but unique ignoring case');

/** Postgres text cannot hold U+0000: such a value would fail in the database (a 500), not here. */
const hasNoNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';

/**
 * A key in a URL path. Looser than `keySchema` so that a key that cannot exist is a 404, not a 400
 * (except a NUL, which no query can even look for).
 */
export const pathKeySchema = z.string().min(1).max(200).refine(hasNoNul, NUL_MESSAGE);

export const nameSchema = z.string().trim().min(1, 'must not be empty').max(200).refine(hasNoNul, NUL_MESSAGE);
export const descriptionSchema = z.string().max(2000).refine(hasNoNul, NUL_MESSAGE);

/** Timestamps go out as ISO-8601 strings. */
export const timestampSchema = z.iso.datetime();

const EARLIEST_INSTANT = Date.parse('1970-01-01T00:00:00Z');
const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * An instant a query may name: ISO-8601 with `Z` or an offset, from 1970 to 9999 (UTC), kept as
 * the string. PostgreSQL cannot take year 0 (a 500 where it reached a query), and nothing here is
 * older than 1970.
 */
export const instantSchema = z.iso.datetime({ offset: true }).refine((value) => {
  const time = Date.parse(value);
  return time >= EARLIEST_INSTANT && time <= LATEST_INSTANT;
}, 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z');

/** `?force=true` on deletions that would take other things with them. */
export const forceQuerySchema = z.object({
  force: z.stringbool().default(false).describe('Delete even when not empty (cascades)'),
});

/** The shape of every error response (see http/errors.ts). */
export const errorBodySchema = z
  .object({
    error: z.string().describe('Short code, e.g. bad_request, not_found, conflict'),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error' });

/** Error responses most admin routes can give; spread into `schema.response`. */
export const adminErrorResponses = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
} as const;
