/**
 * `@switchyard/core/regex-check`: the write-time `regex` check on its own, without zod (which
 * `@switchyard/core/schema` loads), for SDKs that check snapshots from a bootstrap or a file.
 */
export {
  isRegexVerdictCached,
  MAX_REGEX_PATTERN_LENGTH,
  regexPatternProblem,
  regexPatternProblemAsync,
  regexPatternVerdictAsync,
  regexSyntaxProblem,
} from './regex-safety.js';
export { withoutRefusedRegexes, withoutRefusedRegexesAsync, type RefusedRegex } from './snapshot-regexes.js';
