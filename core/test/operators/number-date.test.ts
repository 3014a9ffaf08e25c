import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/index.js';
import { parseIsoDate } from '../../src/parse/date.js';
import { matches } from './match-helper.js';

const cond = (operator: Condition['operator'], values: Condition['values'], negate = false): Condition => ({
  attribute: 'a',
  operator,
  values,
  negate,
});

describe('number operators', () => {
  it.each([
    ['num_eq', 5, true],
    ['num_eq', 6, false],
    ['num_gt', 6, true],
    ['num_gt', 5, false],
    ['num_gte', 5, true],
    ['num_gte', 4, false],
    ['num_lt', 4, true],
    ['num_lt', 5, false],
    ['num_lte', 5, true],
    ['num_lte', 6, false],
  ] as const)('%s 5 with attribute %d → %s', (operator, attribute, expected) => {
    expect(matches(cond(operator, [5]), { a: attribute })).toBe(expected);
  });

  it('holds when any value satisfies the comparison', () => {
    expect(matches(cond('num_gt', [10, 3]), { a: 4 })).toBe(true);
    expect(matches(cond('num_lt', [1, 10]), { a: 4 })).toBe(true);
    expect(matches(cond('num_eq', [1, 4]), { a: 4 })).toBe(true);
  });

  it('rejects numeric strings as the wrong type and ignores string values', () => {
    expect(matches(cond('num_eq', [5]), { a: '5' })).toBe(false);
    expect(matches(cond('num_eq', [5], true), { a: '5' })).toBe(false);
    expect(matches(cond('num_eq', ['5']), { a: 5 })).toBe(false);
    expect(matches(cond('num_eq', ['5'], true), { a: 5 })).toBe(true);
  });

  it('an empty list never holds; negated it matches any number', () => {
    expect(matches(cond('num_gt', []), { a: 1 })).toBe(false);
    expect(matches(cond('num_gt', [], true), { a: 1 })).toBe(true);
  });

  it('treats non-finite attributes as the wrong type', () => {
    expect(matches(cond('num_gt', [1], true), { a: Number.NaN })).toBe(false);
    expect(matches(cond('num_gt', [1]), { a: Infinity })).toBe(false);
  });
});

describe('parseIsoDate', () => {
  it.each([
    ['2024-03-01', Date.UTC(2024, 2, 1)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2024-03-01T10:20Z', Date.UTC(2024, 2, 1, 10, 20)],
    ['2024-03-01T10:20:30Z', Date.UTC(2024, 2, 1, 10, 20, 30)],
    ['2024-03-01T10:20:30.5Z', Date.UTC(2024, 2, 1, 10, 20, 30, 500)],
    ['2024-03-01T10:20:30.123456Z', Date.UTC(2024, 2, 1, 10, 20, 30, 123)],
    ['2024-03-01T10:20:30+02:00', Date.UTC(2024, 2, 1, 8, 20, 30)],
    ['2024-03-01T00:30-01:30', Date.UTC(2024, 2, 1, 2, 0)],
    ['1969-12-31T23:59:59Z', -1000],
    ['0050-06-15', Date.parse('0050-06-15T00:00:00Z')],
  ])('parses %s', (text, expected) => {
    expect(parseIsoDate(text)).toBe(expected);
  });

  it.each([
    '2024-03-01T10:20',
    '2024-03-01T10:20:30',
    '2024-3-01',
    '2024-02-30',
    '2023-02-29',
    '2024-13-01',
    '2024-00-10',
    '2024-03-01T24:00Z',
    '2024-03-01T10:60Z',
    '2024-03-01T10:20:60Z',
    '2024-03-01 10:20Z',
    '2024-03-01T10:20z',
    '2024-03-01T10:20+0200',
    '2024-03-01T10:20:30.Z',
    '20240301',
    'March 1, 2024',
    '',
  ])('rejects %s', (text) => {
    expect(parseIsoDate(text)).toBeUndefined();
  });
});

describe('date operators', () => {
  it('compares instants strictly, across offsets', () => {
    expect(matches(cond('date_before', ['2024-01-01']), { a: '2023-12-31T23:59:59Z' })).toBe(true);
    expect(matches(cond('date_before', ['2024-01-01']), { a: '2024-01-01T00:00:00Z' })).toBe(false);
    expect(matches(cond('date_after', ['2024-01-01T00:00Z']), { a: '2024-01-01T00:30+01:00' })).toBe(false);
    expect(matches(cond('date_after', ['2024-01-01T00:00Z']), { a: '2024-01-01T00:30-01:00' })).toBe(true);
  });

  it('accepts epoch milliseconds on either side', () => {
    expect(matches(cond('date_after', [0]), { a: '1970-01-01T00:00:00.001Z' })).toBe(true);
    expect(matches(cond('date_before', ['1970-01-02']), { a: 86_399_999 })).toBe(true);
  });

  it('treats unparseable attributes as the wrong type and ignores unparseable values', () => {
    expect(matches(cond('date_before', ['2024-01-01'], true), { a: 'yesterday' })).toBe(false);
    expect(matches(cond('date_before', ['2024-01-01'], true), { a: true })).toBe(false);
    expect(matches(cond('date_before', ['soon', '2024-01-01']), { a: '2023-01-01' })).toBe(true);
    expect(matches(cond('date_before', ['soon'], true), { a: '2023-01-01' })).toBe(true);
  });
});
