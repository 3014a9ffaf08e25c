import { describe, expect, it } from 'vitest';
import { addedRegexes, regexesIn, regexesOfRules, regexIssues } from './write-check.js';

// The bounds of one write's regex analysis: a cap on patterns without a cached verdict and a total
// time budget, each answered with an issue that says so (a 400), never an unbounded wait.

const unique = () => Math.random().toString(36).slice(2, 8);
const condition = (values: string[], caseInsensitive?: boolean) => ({
  attribute: 'email',
  operator: 'regex' as const,
  values,
  ...(caseInsensitive && { caseInsensitive }),
});

describe('regexesIn / regexesOfRules / addedRegexes', () => {
  it('lists every regex value with its path, and only the ones a write adds', () => {
    const rules = [
      { conditions: [{ attribute: 'a', operator: 'in' as const, values: ['x'] }, condition(['^a', '^b'])] },
      { conditions: [condition(['^a'], true)] },
    ];
    const found = regexesOfRules(rules);
    expect(found.map(({ path, pattern, caseInsensitive }) => [path, pattern, caseInsensitive])).toEqual([
      ['body.rules.0.conditions.1.values.0', '^a', false],
      ['body.rules.0.conditions.1.values.1', '^b', false],
      ['body.rules.1.conditions.0.values.0', '^a', true],
    ]);
    const stored = regexesIn([condition(['^a'])], 'x');
    expect(addedRegexes(found, stored).map((entry) => entry.path)).toEqual([
      'body.rules.0.conditions.1.values.1',
      'body.rules.1.conditions.0.values.0',
    ]);
  });
});

describe('regexIssues', () => {
  it('names each refused value with why', async () => {
    const issues = await regexIssues(regexesIn([condition([`^${unique()}$`, '^(\\w|\\d)+$'])], 'body.conditions'));
    expect(issues).toEqual([
      {
        path: 'body.conditions.0.values.1',
        message: expect.stringMatching(/^"\^\(\\\\w\|\\\\d\)\+\$": pattern can take exponential/),
      },
    ]);
  });

  it('analyses at most maxNewPatterns uncached patterns per request and refuses the rest, saying so', async () => {
    const patterns = [`^${unique()}$`, `^${unique()}$`, `^${unique()}$`];
    const issues = await regexIssues(regexesIn([condition(patterns)], 'body.conditions'), {
      maxNewPatterns: 2,
      budgetMs: 60_000,
    });
    expect(issues.map((issue) => issue.path)).toEqual(['body.conditions.0.values.2']);
    expect(issues[0]!.message).toMatch(/not analysed: the request adds more than 2 regex patterns not seen before/);
    // The two analysed are remembered: the same request now gets one pattern further.
    expect(
      await regexIssues(regexesIn([condition(patterns)], 'body.conditions'), { maxNewPatterns: 1, budgetMs: 60_000 }),
    ).toEqual([]);
  });

  it('stops waiting when the time budget is spent and refuses what is left, saying so', async () => {
    // ~2 s to analyse (recheck times out on it), far over a 100 ms budget.
    const slow = `^[ab]*a[ab]{${200 + Math.floor(Math.random() * 50)}}$`;
    const issues = await regexIssues(regexesIn([condition([slow])], 'body.conditions'), {
      maxNewPatterns: 10,
      budgetMs: 100,
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/not analysed within the request's 100 ms for regex analysis/);
  });
});
