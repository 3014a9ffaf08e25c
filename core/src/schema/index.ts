/**
 * `@switchyard/core/schema`: zod 4 schemas of every wire type, with the cross-field checks the
 * server applies at write time. Kept apart from the main entry so browser bundles do not carry zod.
 * The schemas are typed with the model types (`z.ZodType<Flag>`, ...), which stay the source of truth.
 */
export { conditionSchema, OPERATORS } from './condition.js';
export {
  flagSchema,
  flagTypeSchema,
  prerequisiteSchema,
  rolloutSchema,
  ruleSchema,
  serveSchema,
  variantSchema,
  weightedVariantSchema,
} from './flag.js';
export {
  isRegexVerdictCached,
  MAX_REGEX_PATTERN_LENGTH,
  regexPatternProblem,
  regexPatternProblemAsync,
  regexPatternVerdictAsync,
  regexSyntaxProblem,
} from './regex-safety.js';
export { withoutRefusedRegexes, withoutRefusedRegexesAsync, type RefusedRegex } from './snapshot-regexes.js';
export { segmentSchema, snapshotPatchSchema, snapshotSchema } from './snapshot.js';
export {
  basisPointsToPercent,
  BASIS_POINTS_PER_PERCENT,
  configFromPercent,
  configToPercent,
  isPercent,
  percentToBasisPoints,
  rolloutFromPercent,
  rolloutToPercent,
  ruleFromPercent,
  ruleToPercent,
  serveFromPercent,
  serveToPercent,
  type PercentRollout,
  type PercentRule,
  type PercentServe,
  type PercentServingConfig,
  type PercentShare,
  type ServingConfig,
} from './percent.js';
export {
  percentRolloutSchema,
  percentRuleSchema,
  percentSchema,
  percentServeSchema,
  percentShareSchema,
} from './percent-schemas.js';
export { FLAG_KEY_MAX_LENGTH, FLAG_KEY_PATTERN, flagKeyProblem, isFlagKey } from './keys.js';
