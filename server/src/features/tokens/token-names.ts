import unhomoglyph from 'unhomoglyph';

/**
 * What a token may be called. Audit events show a token's name, so a name must not pass for the
 * server itself (`system:…`), for the tokens the server creates on its own, nor for another active
 * token. Names are compared by `tokenNameKey`, which makes look-alikes equal; the database keeps
 * that key with each token and a unique index over the active ones (see `api_tokens.name_key`).
 */

/** Names the server gives the admin tokens it creates itself (features/tokens/bootstrap.ts). */
export const CONFIGURED_ADMIN_TOKEN_NAME = 'admin (SWITCHYARD_ADMIN_TOKEN)';
export const GENERATED_ADMIN_TOKEN_NAME = 'admin (generated)';

/** Invisible characters (zero-width spaces and joiners, soft hyphens, variation selectors, …). */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const WHITESPACE = /\s+/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;

/**
 * The form names are compared in: Unicode NFKC (fullwidth and other compatibility forms), case
 * folded, invisible characters removed, whitespace trimmed and collapsed, and every character
 * replaced by the one it is confusable with (Unicode's confusables data, so a Cyrillic `е` is an
 * `e`). Two names with the same key look alike; only one active token may have it.
 */
export function tokenNameKey(name: string): string {
  const folded = name
    .normalize('NFKC')
    // Upper then lower case is full case folding for practical purposes (`ß` → `ss`, `ς` → `σ`).
    .toUpperCase()
    .toLowerCase()
    .replace(IGNORABLE, '')
    .normalize('NFKC');
  return unhomoglyph(folded).replace(WHITESPACE, ' ').trim();
}

const compact = (key: string) => key.replace(WHITESPACE, '');
const lettersAndDigits = (key: string) => key.replace(NOT_LETTER_OR_DIGIT, '');

const SYSTEM_PREFIX = compact(tokenNameKey('system:'));
const ENV_ADMIN = lettersAndDigits(tokenNameKey('SWITCHYARD_ADMIN_TOKEN'));
const GENERATED_ADMIN = tokenNameKey(GENERATED_ADMIN_TOKEN_NAME);

/**
 * Why `name` may not be given to a token through the API, or null when it may:
 * - a name of invisible characters only would show as nothing;
 * - `system:…` is the server's own namespace (the seed, the bootstrap, migrations);
 * - anything naming SWITCHYARD_ADMIN_TOKEN, or starting like the generated admin token's name, would pass for
 *   the admin tokens the server creates itself.
 * Checked on `tokenNameKey`, so case, spacing, invisible characters and look-alikes do not help.
 */
export function reservedTokenNameReason(name: string): string | null {
  const key = tokenNameKey(name);
  if (key === '') return 'must have a visible character';
  if (compact(key).startsWith(SYSTEM_PREFIX)) return 'is reserved: names starting with "system:" are the server\'s own';
  // The bootstrap numbers its names when taken (`admin (generated) 2`): the prefix is reserved.
  if (lettersAndDigits(key).includes(ENV_ADMIN) || key.startsWith(GENERATED_ADMIN)) {
    return 'is reserved: it is the name of an admin token the server creates itself';
  }
  return null;
}
