/**
 * Loads the language-neutral vectors in this folder, for any JavaScript test suite (core, server,
 * SDKs). Plain JS with no dependencies and no build step; types are in load.d.mts.
 *
 *   import { loadEvaluationFiles, loadHashVectors } from '../../spec/load.mjs';
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the spec/ folder. */
export const specDir = dirname(fileURLToPath(import.meta.url));

/** The contract's floor: runners assert at least this many evaluation cases so it cannot silently shrink. */
export const MIN_EVALUATION_CASES = 250;

const readJson = (relative) => JSON.parse(readFileSync(join(specDir, relative), 'utf8'));

/** spec/hash.json. */
export function loadHashVectors() {
  return readJson('hash.json');
}

/**
 * Every spec/evaluation/*.json, sorted by name. `file` is the path relative to spec/;
 * `schemaInvalid` is always a boolean (absent in the JSON = false).
 */
export function loadEvaluationFiles() {
  return readdirSync(join(specDir, 'evaluation'))
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = `evaluation/${name}`;
      const data = readJson(file);
      return { ...data, file, schemaInvalid: data.schemaInvalid === true };
    });
}

/** Total number of cases over `files` (default: all evaluation files). */
export function countEvaluationCases(files = loadEvaluationFiles()) {
  return files.reduce((sum, f) => sum + f.cases.length, 0);
}

/**
 * What the caller passes to `evaluate` for a case, with the README's defaults applied:
 * `default` absent = null, `expectedType` absent = undefined.
 */
export function caseArguments(testCase) {
  return {
    flagKey: testCase.flag,
    context: testCase.context,
    defaultValue: 'default' in testCase ? testCase.default : null,
    expectedType: testCase.expectedType,
  };
}

/**
 * The part of an evaluation result a vector pins down: `value`, `variant`, `reason`, `ruleId`,
 * `errorCode`, present only when present (and not undefined) in `result`. `errorMessage` is dropped.
 */
export function comparableResult(result) {
  const out = { value: result.value, reason: result.reason };
  for (const field of ['variant', 'ruleId', 'errorCode']) {
    if (result[field] !== undefined) out[field] = result[field];
  }
  return out;
}

/**
 * spec/regex-redos-corpus.json: adversarial `regex` patterns with attack strings. Each attack is
 * expanded by {@link attackString}.
 */
export function loadRegexCorpus() {
  return readJson('regex-redos-corpus.json');
}

/** `prefix + pump × n + suffix`, as long as possible within `length` (UTF-16 code units). */
export function attackString(attack, length) {
  const room = Math.max(0, length - attack.prefix.length - attack.suffix.length);
  return attack.prefix + attack.pump.repeat(Math.floor(room / attack.pump.length)) + attack.suffix;
}
