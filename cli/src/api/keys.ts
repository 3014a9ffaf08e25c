/**
 * The keys the server accepts for flags and segments: core's rule (letters of both cases, digits,
 * `.` `_` `-` `~`, 1–100, not only dots), unique in a project ignoring case. Checked before an
 * import writes anything, so a name the server would refuse is reported up front instead of
 * stopping an import half-way.
 */
import { flagKeyProblem, isFlagKey } from '@switchyard/core/schema';

export const isValidKey = (key: string) => isFlagKey(key);

/** Why `key` is not a valid flag or segment key (null when it is). */
export const keyProblem = (key: string) => flagKeyProblem(key);

/** The form two keys share when they differ only in case (the server refuses such twins). */
export const caseFold = (key: string) => key.toLowerCase();

/** A key made from a display name: lower case, spaces and other characters as "-". */
export function slugKey(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^A-Za-z0-9._~-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  return slug || 'segment';
}
