/**
 * `@switchyard/core`: Switchyard's flag model and its pure, synchronous, allocation-lean evaluator.
 * Wire schemas (zod) live in `@switchyard/core/schema` so browser bundles do not carry zod.
 */
export * from './model/flag.js';
export type * from './model/result.js';
export { compileSnapshot, type CompiledSnapshot } from './compile/compile-snapshot.js';
export { errorResult, evaluate, isEnabled } from './evaluate/evaluate.js';
export { findFlag, serveFlag, type FlagHandle } from './evaluate/serve-flag.js';
export { applyPatch } from './snapshot/apply-patch.js';
export { toClientSnapshot } from './snapshot/client-snapshot.js';
export { murmur3Utf8 } from './hash/murmur3.js';
export { MAX_REGEX_INPUT_LENGTH } from './operators/string.js';
export { rolloutBucket, variantBucket } from './hash/buckets.js';
export { registerOperators } from './operators/operator-table.js';
export type { Ordering, RareOperators } from './operators/rare-operators.js';
