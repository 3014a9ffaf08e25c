/**
 * The rare operator families (`cidr`, `date_*`, `semver_*`: their parsers are most of the
 * evaluator's bytes, and most flags never use them), a file of their own in the ESM build
 * (dist/operators-extra.js): the client imports it only when a snapshot or patch uses one of them
 * (see operators.ts). It must share no module with the client's bundle, or the build would put that
 * module in a third file (scripts/build.mjs fails then).
 */
export { RARE_OPERATORS as operators } from '@switchyard/core/operators';
