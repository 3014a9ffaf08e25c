/**
 * Parses what arrived on the bus or from a Redis key as a JSON object: null when it is not JSON or
 * not an object, so each message parser only checks its own fields (messages from another version
 * of the server, or written by hand, must never throw in a listener).
 */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
