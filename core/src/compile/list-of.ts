/** An array field of a snapshot that bypassed validation may be anything: treat non-arrays as empty. */
export const listOf = <T>(value: readonly T[] | undefined): readonly T[] => (Array.isArray(value) ? value : []);
