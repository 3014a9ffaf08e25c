/**
 * The keys the server accepts for projects, environments, flags and segments (server/src/http/
 * schemas.ts). Checked before an import writes anything, so a name the server would refuse is
 * reported up front instead of stopping an import half-way.
 */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9-_]{0,62}$/;
export const KEY_RULE = '1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit';

export const isValidKey = (key: string) => KEY_PATTERN.test(key);

/** A key made from a display name: lower case, other characters as "-". */
export function slugKey(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'segment';
}
