/**
 * `@switchyard/core/regex-check`: the write-time `regex` check on its own, without zod (which
 * `@switchyard/core/schema` loads), for SDKs that check snapshots from a bootstrap or a file.
 */
export { MAX_REGEX_PATTERN_LENGTH, regexPatternProblem } from './regex-safety.js';
export { withoutRefusedRegexes, type RefusedRegex } from './snapshot-regexes.js';
