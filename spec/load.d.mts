import type { EvaluationResult, ErrorCode, FlagType, JsonValue, Reason, Snapshot } from '@switchyard/core';

/** Absolute path of the spec/ folder. */
export declare const specDir: string;
/** The contract's floor: runners assert at least this many evaluation cases. */
export declare const MIN_EVALUATION_CASES: number;

/** The fields of an evaluation result a vector pins down (`errorMessage` is never compared). */
export interface ExpectedResult {
  value: JsonValue;
  variant?: string;
  reason: Reason;
  ruleId?: string;
  errorCode?: ErrorCode;
}

/** A context as written in the vectors: JSON, so attributes may also be `null`. */
export type VectorContext = Record<string, string | number | boolean | string[] | null>;

export interface EvaluationCase {
  description: string;
  flag: string;
  context: VectorContext;
  /** The caller's default; absent = null. */
  default?: JsonValue;
  expectedType?: FlagType;
  expected: ExpectedResult;
}

export interface EvaluationFile {
  /** Path relative to spec/, e.g. `evaluation/strings.json`. */
  file: string;
  description: string;
  /** True when the snapshot is deliberately invalid per the wire schema (skip validation). */
  schemaInvalid: boolean;
  snapshot: Snapshot;
  cases: EvaluationCase[];
}

export interface Murmur3Vector {
  input: string;
  seed: number;
  hash: number;
  note?: string;
}

export interface BucketVector {
  salt: string;
  unit: string;
  /** murmur3 of `${salt}:${unit}` (UTF-8), seed 0. */
  murmur3_seed0: number;
  /** murmur3 of `${salt}:${unit}` (UTF-8), seed 86028157. */
  murmur3_seed86028157: number;
  rolloutBucket: number;
  variantBucket: number;
}

export interface HashVectors {
  description: string;
  murmur3: Murmur3Vector[];
  buckets: BucketVector[];
}

export declare function loadHashVectors(): HashVectors;
export declare function loadEvaluationFiles(): EvaluationFile[];
export declare function countEvaluationCases(files?: EvaluationFile[]): number;
export declare function caseArguments(testCase: EvaluationCase): {
  flagKey: string;
  context: VectorContext;
  defaultValue: JsonValue;
  expectedType: FlagType | undefined;
};
export declare function comparableResult(result: EvaluationResult<unknown>): ExpectedResult;

/** One way to attack a pattern: `prefix + pump × n + suffix`. */
export interface RegexAttack {
  prefix: string;
  pump: string;
  suffix: string;
}

export interface RegexCorpusEntry {
  pattern: string;
  caseInsensitive?: boolean;
  /** What makes it dangerous (or, for `accept`, what it is). */
  kind: string;
  /** `refuse`: the write-time check must refuse it; `accept`: it must accept it. */
  expect: 'refuse' | 'accept';
  attacks: RegexAttack[];
}

export interface RegexCorpus {
  description: string;
  /** Longest attribute value the regex operator tests (UTF-16 code units). */
  maxAttributeLength: number;
  patterns: RegexCorpusEntry[];
}

/** spec/regex-redos-corpus.json. */
export declare function loadRegexCorpus(): RegexCorpus;
/** `prefix + pump × n + suffix`, as long as possible within `length` (UTF-16 code units). */
export declare function attackString(attack: RegexAttack, length: number): string;
