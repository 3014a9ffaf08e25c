import { describe, expect, it } from 'vitest';
import { loadRegexCorpus } from '../../spec/load.mjs';
import type { Condition } from '../src/index.js';
import {
  conditionSchema,
  regexPatternProblem,
  regexPatternProblemAsync,
  regexSyntaxProblem,
  snapshotSchema,
  withoutRefusedRegexes,
  withoutRefusedRegexesAsync,
} from '../src/schema/index.js';
import { booleanFlag, ruleWith, snapshotOf } from './fixtures.js';

const corpus = loadRegexCorpus();
const refused = corpus.patterns.filter((entry) => entry.expect === 'refuse');
const accepted = corpus.patterns.filter((entry) => entry.expect === 'accept');
const regexCondition = (pattern: string, caseInsensitive = false): Condition => ({
  attribute: 'email',
  operator: 'regex',
  values: [pattern],
  ...(caseInsensitive && { caseInsensitive }),
});

describe('regex safety: the adversarial corpus (spec/regex-redos-corpus.json)', () => {
  it('has at least 50 patterns to refuse', () => {
    expect(refused.length).toBeGreaterThanOrEqual(50);
  });

  it.each(refused.map((entry) => [entry.pattern, entry.kind, entry.caseInsensitive === true] as const))(
    'refuses %j (%s) in conditions and snapshots',
    async (pattern, _kind, caseInsensitive) => {
      // Asynchronous first (the write path's), then the synchronous API answers from its verdicts.
      const problem = await regexPatternProblemAsync(pattern, caseInsensitive);
      expect(problem).toBeDefined();
      expect(regexPatternProblem(pattern, caseInsensitive)).toBe(problem);
      // The schemas check the syntax only (deterministic, fast); the analysis runs after them.
      const syntaxRefused = regexSyntaxProblem(pattern) !== undefined;
      expect(conditionSchema.safeParse(regexCondition(pattern, caseInsensitive)).success).toBe(!syntaxRefused);
      const snapshot = snapshotOf([booleanFlag({ rules: [ruleWith([regexCondition(pattern, caseInsensitive)])] })]);
      expect(snapshotSchema.safeParse(snapshot).success).toBe(!syntaxRefused);
      for (const cleaned of [withoutRefusedRegexes(snapshot), await withoutRefusedRegexesAsync(snapshot)]) {
        expect(cleaned.refused.map((entry) => entry.pattern)).toEqual([pattern]);
        expect(cleaned.snapshot.flags[0]!.rules[0]!.conditions[0]!.values).toEqual([]);
      }
    },
  );

  it.each(accepted.map((entry) => [entry.pattern, entry.caseInsensitive === true] as const))(
    'accepts %j',
    async (pattern, caseInsensitive) => {
      expect(await regexPatternProblemAsync(pattern, caseInsensitive)).toBeUndefined();
      expect(regexPatternProblem(pattern, caseInsensitive)).toBeUndefined();
    },
  );
});

describe('regexPatternProblem', () => {
  it('refuses ^(\\w|\\d)+$, which froze isEnabled for 16.8 s on a 32-character email', () => {
    expect(regexPatternProblem('^(\\w|\\d)+$')).toMatch(/exponential/);
  });

  it('refuses polynomial patterns, including the unanchored search of a*b', () => {
    expect(regexPatternProblem('.*.*.*=')).toMatch(/4th degree polynomial/);
    expect(regexPatternProblem('a*b')).toMatch(/2nd degree polynomial/);
    expect(regexPatternProblem('^a*b')).toBeUndefined();
  });

  it('refuses star-free ambiguity, which recheck calls constant but backtracking tries in full', () => {
    expect(regexPatternProblem('a?'.repeat(24) + 'a'.repeat(24) + 'x')).toMatch(/over 1,000,000 ways, at most 32/);
    expect(regexPatternProblem('(?:a|a)'.repeat(6) + 'x')).toMatch(/64 ways, at most 32 unless anchored/);
    expect(regexPatternProblem('(?:a|a)'.repeat(5) + 'x')).toBeUndefined();
    expect(regexPatternProblem('^' + '(?:a|a)'.repeat(12) + 'x')).toBeUndefined();
    expect(regexPatternProblem('^' + '(?:a|a)'.repeat(13) + 'x')).toMatch(/8192 ways, at most 4096\)/);
    expect(regexPatternProblem('^(?:a?){30}$')).toMatch(/can match the empty string/);
  });

  it('checks with the i flag when the condition is case-insensitive', () => {
    expect(regexPatternProblem('^(a|A)+$')).toBeUndefined();
    expect(regexPatternProblem('^(a|A)+$', true)).toMatch(/exponential/);
  });

  it('says which construct is outside the portable syntax', () => {
    expect(regexPatternProblem('(a)\\1')).toMatch(/back-reference/);
    expect(regexPatternProblem('(?=a)a')).toMatch(/look-around/);
    expect(regexPatternProblem('(?<!a)b')).toMatch(/look-around/);
    expect(regexPatternProblem('(?<n>a)')).toMatch(/named group/);
    expect(regexPatternProblem('\\z')).toMatch(/escape \\z/);
    expect(regexPatternProblem('[[:alpha:]]')).toMatch(/\[ inside a class/);
    expect(regexPatternProblem('a{,3}')).toMatch(/not a quantifier/);
    expect(regexPatternProblem('x{1001}')).toMatch(/more than 1000/);
    expect(regexPatternProblem('(?:(?:a{10}){10}){11}')).toMatch(/more than 1000/);
    expect(regexPatternProblem('x'.repeat(257))).toMatch(/longer than 256/);
    expect(regexPatternProblem('(')).toMatch(/not a valid regular expression/);
  });

  it('does not mistake escapes or classes for back-references or look-around', () => {
    expect(regexPatternProblem('[\\\\1(?=]')).toBeUndefined();
    expect(regexPatternProblem('\\(\\?=x\\)')).toBeUndefined();
    expect(regexPatternProblem('^\\d{3}-\\d{4}$')).toBeUndefined();
    expect(regexPatternProblem('(?:(?:a{10}){10}){10}')).toBeUndefined();
    expect(regexPatternProblem('^[\\w.+-]+@[a-z]+\\.(?:com|org)$')).toBeUndefined();
  });
});

describe('withoutRefusedRegexes', () => {
  it('keeps the snapshot object when every pattern is accepted', () => {
    const snapshot = snapshotOf([booleanFlag({ rules: [ruleWith([regexCondition('^a')])] })]);
    expect(withoutRefusedRegexes(snapshot)).toEqual({ snapshot, refused: [] });
    expect(withoutRefusedRegexes(snapshot).snapshot).toBe(snapshot);
  });

  it('takes refused patterns out of flags and segments, keeping the accepted ones and other operators', () => {
    const snapshot = snapshotOf(
      [
        booleanFlag({
          rules: [
            ruleWith([
              { ...regexCondition('^ok$'), values: ['^(a+)+$', '^ok$'] },
              { attribute: 'country', operator: 'in', values: ['^(a+)+$'] },
            ]),
          ],
        }),
      ],
      [{ key: 's', conditions: [regexCondition('(x*)*y')] }],
    );
    const { snapshot: cleaned, refused: removed } = withoutRefusedRegexes(snapshot);
    expect(removed.map(({ where, pattern }) => `${where}: ${pattern}`)).toEqual([
      'flag flag: ^(a+)+$',
      'segment s: (x*)*y',
    ]);
    expect(cleaned.flags[0]!.rules[0]!.conditions.map((condition) => condition.values)).toEqual([
      ['^ok$'],
      ['^(a+)+$'],
    ]);
    expect(cleaned.segments[0]!.conditions[0]!.values).toEqual([]);
    expect(snapshot.segments[0]!.conditions[0]!.values).toEqual(['(x*)*y']);
  });
});
