/**
 * Whether error messages of evaluation results are terse: just the flag key,
 * since the error code already says what failed. The browser SDK's bundle defines
 * `globalThis.SWITCHYARD_TERSE_ERRORS` as `true` at build time (esbuild `define`), which drops the
 * sentences from it to fit its size budget; everywhere else the full sentences are used.
 */
export const TERSE_ERRORS = (globalThis as { SWITCHYARD_TERSE_ERRORS?: boolean }).SWITCHYARD_TERSE_ERRORS === true;
