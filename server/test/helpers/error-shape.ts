import { expect } from 'vitest';

/**
 * Asserts the documented error body of a 4xx/5xx answer to `path`: OFREP's own shape under
 * `/ofrep/` (`{ key?, errorCode, errorDetails? }`, features/ofrep/errors.ts), else the API's
 * `{ error, message, details? }`, where a validation error lists its failing paths in
 * `details.issues` (the README's contract).
 */
export function expectDocumentedErrorShape(path: string, error: Record<string, unknown>, label: string): void {
  if (path.startsWith('/ofrep/')) {
    expect(
      Object.keys(error).filter((key) => !['key', 'errorCode', 'errorDetails'].includes(key)),
      label,
    ).toEqual([]);
    expect(error['errorCode'], label).toMatch(/^[A-Z_]+$/);
    return;
  }
  expect(
    Object.keys(error).filter((key) => !['error', 'message', 'details'].includes(key)),
    label,
  ).toEqual([]);
  expect(error['error'], label).toMatch(/^[a-z_]+$/);
  expect(typeof error['message'] === 'string' && error['message'] !== '', label).toBe(true);
  if (error['error'] === 'bad_request' && error['details'] !== undefined) {
    expect(error['details'], label).toMatchObject({ issues: expect.any(Array) });
  }
}
