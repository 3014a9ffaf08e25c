/**
 * Flag and segment keys, as the admin API accepts them: what Unleash feature names and
 * LaunchDarkly flag keys already are, so imported flags keep their keys (and, the key being the
 * default hash salt, their users' buckets). Letters of both cases, digits, `.`, `_`, `-` and `~`
 * (RFC 3986's unreserved characters, so a key needs no escaping in a URL path), 1 to 100 of them
 * (Unleash's limit); never only dots (`.` and `..` are resolved away in URLs). Keys are
 * case-sensitive; the server refuses a key that differs only in case from another of the project.
 * No zod here, so any bundle can import it.
 */
export const FLAG_KEY_MAX_LENGTH = 100;

/**
 * The characters of a flag or segment key, with at least one that is not a dot; the length is
 * checked apart (`isFlagKey`). Linear on any input (no nested or adjacent ambiguous repetition) and
 * without look-around, so JSON Schema tools and generators (fast-check) can use it too.
 */
export const FLAG_KEY_PATTERN = /^\.*[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/** Whether `key` can be a flag or segment key. */
export function isFlagKey(key: string): boolean {
  return key.length <= FLAG_KEY_MAX_LENGTH && FLAG_KEY_PATTERN.test(key);
}

/** Why `key` cannot be a flag or segment key, or null when it can. */
export function flagKeyProblem(key: string): string | null {
  if (key.length === 0) return 'must not be empty';
  if (key.length > FLAG_KEY_MAX_LENGTH) return `must be at most ${FLAG_KEY_MAX_LENGTH} characters (is ${key.length})`;
  const bad = [...key].find((char) => !/[A-Za-z0-9._~-]/.test(char));
  if (bad !== undefined) {
    return `must contain only letters (A-Z, a-z), digits, ".", "_", "-" or "~" (found ${JSON.stringify(bad)})`;
  }
  if (/^\.+$/.test(key)) return 'must not be only dots (URLs resolve "." and ".." away)';
  return null;
}
