import { badRequest, HttpError } from '../../http/errors.js';

/** The ETag of a configuration version: `"<version>"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version named by an `If-Match` header (`"3"`), undefined when there is none.
 * Anything else is a 400: a configuration has exactly one strong ETag.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*"(\d{1,9})"\s*$/.exec(header);
  if (!match) {
    throw badRequest(`If-Match must be the configuration's ETag, e.g. "3"; got ${JSON.stringify(header)}`, {
      issues: [{ path: 'headers.if-match', message: 'must be an ETag like "3"' }],
    });
  }
  return Number(match[1]);
}

/** The version named by a required `If-Match` header; 428 when it is missing. */
export function requireIfMatch(header: string | undefined): number {
  const version = parseIfMatch(header);
  if (version === undefined) {
    throw new HttpError(
      428,
      'If-Match is required: send the ETag of the configuration you edited (from GET), e.g. If-Match: "3"',
    );
  }
  return version;
}
