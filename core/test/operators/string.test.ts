import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/index.js';
import { matches } from './match-helper.js';

const cond = (
  operator: Condition['operator'],
  values: Condition['values'],
  extra: Partial<Condition> = {},
): Condition => ({
  attribute: 'a',
  operator,
  values,
  ...extra,
});

describe('in / not_in', () => {
  it('matches strings exactly, case-sensitively by default', () => {
    expect(matches(cond('in', ['US', 'CA']), { a: 'US' })).toBe(true);
    expect(matches(cond('in', ['US', 'CA']), { a: 'us' })).toBe(false);
    expect(matches(cond('in', ['US']), { a: 'USA' })).toBe(false);
  });

  it('lower-cases both sides with caseInsensitive, Unicode included', () => {
    expect(matches(cond('in', ['us', 'ПРИВЕТ'], { caseInsensitive: true }), { a: 'US' })).toBe(true);
    expect(matches(cond('in', ['us', 'ПРИВЕТ'], { caseInsensitive: true }), { a: 'привет' })).toBe(true);
  });

  it('compares numbers numerically and booleans by value, never across types', () => {
    expect(matches(cond('in', [1, 2.5]), { a: 2.5 })).toBe(true);
    expect(matches(cond('in', [0]), { a: -0 })).toBe(true);
    expect(matches(cond('in', ['1']), { a: 1 })).toBe(false);
    expect(matches(cond('in', [1]), { a: '1' })).toBe(false);
    expect(matches(cond('in', [true]), { a: true })).toBe(true);
    expect(matches(cond('in', [true]), { a: false })).toBe(false);
    expect(matches(cond('in', ['true']), { a: true })).toBe(false);
  });

  it('matches a string[] attribute when any element is in the list', () => {
    expect(matches(cond('in', ['b']), { a: ['a', 'b'] })).toBe(true);
    expect(matches(cond('in', ['c']), { a: ['a', 'b'] })).toBe(false);
    expect(matches(cond('in', ['c'], { negate: true }), { a: ['a', 'b'] })).toBe(true);
    expect(matches(cond('in', ['b'], { negate: true }), { a: ['a', 'b'] })).toBe(false);
  });

  it('not_in is the complement of in on present attributes, and not_in + negate = in', () => {
    expect(matches(cond('not_in', ['US']), { a: 'FR' })).toBe(true);
    expect(matches(cond('not_in', ['US']), { a: 'US' })).toBe(false);
    expect(matches(cond('not_in', ['US'], { negate: true }), { a: 'US' })).toBe(true);
    expect(matches(cond('not_in', [1]), { a: 2 })).toBe(true);
  });

  it('never matches a missing or null attribute, negated or not', () => {
    for (const operator of ['in', 'not_in'] as const) {
      for (const negate of [false, true]) {
        expect(matches(cond(operator, ['x'], { negate }), {})).toBe(false);
        expect(matches(cond(operator, ['x'], { negate }), { a: null as never })).toBe(false);
      }
    }
  });

  it('an empty list matches nothing, and its negation every present attribute', () => {
    expect(matches(cond('in', []), { a: 'x' })).toBe(false);
    expect(matches(cond('in', [], { negate: true }), { a: 'x' })).toBe(true);
    expect(matches(cond('in', [], { negate: true }), {})).toBe(false);
  });

  it('ignores inherited properties of the context', () => {
    expect(matches({ attribute: 'constructor', operator: 'exists', values: [] }, {})).toBe(false);
    expect(matches({ attribute: 'toString', operator: 'in', values: ['x'], negate: true }, {})).toBe(false);
  });
});

describe('contains / starts_with / ends_with', () => {
  it('tests substrings, prefixes and suffixes', () => {
    expect(matches(cond('contains', ['ell']), { a: 'hello' })).toBe(true);
    expect(matches(cond('contains', ['xyz']), { a: 'hello' })).toBe(false);
    expect(matches(cond('starts_with', ['he']), { a: 'hello' })).toBe(true);
    expect(matches(cond('starts_with', ['lo']), { a: 'hello' })).toBe(false);
    expect(matches(cond('ends_with', ['@acme.com']), { a: 'jo@acme.com' })).toBe(true);
    expect(matches(cond('ends_with', ['@acme.com']), { a: 'jo@acme.co' })).toBe(false);
  });

  it('treats "" as contained in every string', () => {
    expect(matches(cond('contains', ['']), { a: '' })).toBe(true);
    expect(matches(cond('starts_with', ['']), { a: 'x' })).toBe(true);
  });

  it('honours caseInsensitive on both sides', () => {
    expect(matches(cond('ends_with', ['@ACME.com'], { caseInsensitive: true }), { a: 'JO@acme.COM' })).toBe(true);
    expect(matches(cond('ends_with', ['@ACME.com']), { a: 'JO@acme.COM' })).toBe(false);
  });

  it('rejects non-string attributes as the wrong type (even negated) and ignores non-string values', () => {
    expect(matches(cond('contains', ['1']), { a: 12 })).toBe(false);
    expect(matches(cond('contains', ['1'], { negate: true }), { a: 12 })).toBe(false);
    expect(matches(cond('contains', [1]), { a: '12' })).toBe(false);
    expect(matches(cond('contains', [1], { negate: true }), { a: '12' })).toBe(true);
  });

  it('matches string[] attributes by any element', () => {
    expect(matches(cond('starts_with', ['be']), { a: ['alpha', 'beta'] })).toBe(true);
    expect(matches(cond('starts_with', ['ga']), { a: ['alpha', 'beta'] })).toBe(false);
  });
});

describe('regex', () => {
  it('finds a match anywhere (unanchored)', () => {
    expect(matches(cond('regex', ['b+c']), { a: 'abbbcd' })).toBe(true);
    expect(matches(cond('regex', ['^b']), { a: 'abc' })).toBe(false);
  });

  it('adds the i flag with caseInsensitive', () => {
    expect(matches(cond('regex', ['^ABC$'], { caseInsensitive: true }), { a: 'abc' })).toBe(true);
    expect(matches(cond('regex', ['^ABC$']), { a: 'abc' })).toBe(false);
  });

  it('ignores invalid patterns instead of throwing', () => {
    expect(matches(cond('regex', ['(', 'ok']), { a: 'ok' })).toBe(true);
    expect(matches(cond('regex', ['(']), { a: '(' })).toBe(false);
    expect(matches(cond('regex', ['('], { negate: true }), { a: '(' })).toBe(true);
  });

  it('is stateless between calls (no g flag lastIndex surprises)', () => {
    for (let i = 0; i < 3; i++) expect(matches(cond('regex', ['a']), { a: 'a' })).toBe(true);
  });

  it('treats numbers as the wrong type', () => {
    expect(matches(cond('regex', ['1'], { negate: true }), { a: 1 })).toBe(false);
  });
});
