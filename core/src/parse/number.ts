/**
 * A finite number, else `undefined` (numeric strings too: they are the wrong type).
 * `Number.isFinite` is false for every non-number, so no `typeof` check is needed.
 */
export const finiteNumber = (value: unknown): number | undefined =>
  Number.isFinite(value) ? (value as number) : undefined;
