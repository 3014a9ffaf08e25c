import { ctx, operatorGroups, snapshot } from './helpers.mjs';

const d = (v) => ctx('createdAt', v);
// 2024-01-01T00:00:00.000Z in epoch milliseconds.
const NEW_YEAR_MS = 1704067200000;

const { flags, cases } = operatorGroups([
  {
    key: 'date-before',
    condition: { attribute: 'createdAt', operator: 'date_before', values: ['2024-01-01T00:00:00Z'] },
    rows: [
      ['one second before', d('2023-12-31T23:59:59Z'), true],
      ['one millisecond before', d('2023-12-31T23:59:59.999Z'), true],
      ['same instant is not before (strict)', d('2024-01-01T00:00:00Z'), false],
      ['one millisecond after', d('2024-01-01T00:00:00.001Z'), false],
      ['date only = midnight UTC = the same instant', d('2024-01-01'), false],
      ['date only, the day before', d('2023-12-31'), true],
      ['minutes without seconds', d('2023-12-31T23:59Z'), true],
      ['long fraction', d('2023-12-31T23:59:59.123456789Z'), true],
      ['positive offset: 01:00+02:00 is 23:00Z the day before', d('2024-01-01T01:00:00+02:00'), true],
      ['negative offset: 19:00-05:00 is exactly midnight UTC', d('2023-12-31T19:00:00-05:00'), false],
      ['half-hour offset: 05:29+05:30 is one minute before midnight UTC', d('2024-01-01T05:29:00+05:30'), true],
      ['number = epoch ms, one ms before', d(NEW_YEAR_MS - 1), true],
      ['number = epoch ms, same instant', d(NEW_YEAR_MS), false],
      ['epoch 0 is long before', d(0), true],
      ['negative epoch ms (before 1970)', d(-86400000), true],
      ['missing attribute', d(undefined), false],
      ['null attribute', d(null), false],
      ['boolean is the wrong type', d(true), false],
      ['string[] is the wrong type', d(['2023-01-01']), false],
      ['unparseable string never matches', d('not a date'), false],
      ['date-time without an offset is invalid', d('2023-12-31T23:00:00'), false],
      ['space instead of T is invalid', d('2023-12-31 23:00:00Z'), false],
      ['offset without a colon is invalid', d('2023-12-31T23:00:00+0000'), false],
      ['month 13 is invalid', d('2023-13-01'), false],
      ['day that does not exist (Feb 30) is invalid', d('2023-02-30'), false],
      ['Feb 29 in a non-leap year is invalid', d('2023-02-29'), false],
      ['Feb 29 in a leap year is valid', d('2020-02-29'), true],
      ['hour 24 is invalid', d('2023-12-31T24:00:00Z'), false],
      ['two-digit year is invalid', d('23-12-31'), false],
      ['US-style date is invalid', d('12/31/2023'), false],
      ['RFC 2822 date is invalid', d('Sun, 31 Dec 2023 23:00:00 GMT'), false],
      ['empty string is invalid', d(''), false],
      ['numeric string is not epoch ms', d('1704067199999'), false],
      ['lower-case t separator is invalid', d('2023-12-31t23:00:00Z'), false],
      ['lower-case z is invalid', d('2023-12-31T23:00:00z'), false],
      ['offset hour 24 is invalid', d('2023-12-31T23:00:00+24:00'), false],
      [
        'millisecond precision, extra digits truncated (not rounded): .9999 is .999, still before',
        d('2023-12-31T23:59:59.9999Z'),
        true,
      ],
    ],
  },
  {
    key: 'date-before-negate',
    condition: { attribute: 'createdAt', operator: 'date_before', values: ['2024-01-01'], negate: true },
    rows: [
      ['after: negation matches', d('2025-06-01T12:00:00Z'), true],
      ['same instant is not before: negation matches', d('2024-01-01T00:00:00.000Z'), true],
      ['before: negation does not match', d('2023-01-01'), false],
      ['unparseable string never matches, even negated', d('garbage'), false],
      ['date-time without offset never matches, even negated', d('2025-01-01T00:00:00'), false],
      ['missing attribute never matches, even negated', d(undefined), false],
      ['boolean never matches, even negated', d(false), false],
    ],
  },
  {
    key: 'date-after',
    condition: { attribute: 'createdAt', operator: 'date_after', values: ['2024-01-01'] },
    rows: [
      ['one millisecond after midnight UTC', d('2024-01-01T00:00:00.001Z'), true],
      ['same instant is not after (strict)', d('2024-01-01T00:00:00Z'), false],
      ['date only, the next day', d('2024-01-02'), true],
      ['number = epoch ms, one ms after', d(NEW_YEAR_MS + 1), true],
      ['number = epoch ms, same instant', d(NEW_YEAR_MS), false],
      ['offset puts the instant before midnight UTC', d('2024-01-01T00:30:00+01:00'), false],
      ['offset puts the instant after midnight UTC', d('2023-12-31T23:30:00-01:00'), true],
      ['unparseable string', d('2024-01-01Tnoon'), false],
      [
        'millisecond precision: .0009 truncates to .000, the same instant, not after',
        d('2024-01-01T00:00:00.0009Z'),
        false,
      ],
      ['millisecond precision: .0019 truncates to .001, after', d('2024-01-01T00:00:00.0019Z'), true],
    ],
  },
  {
    key: 'date-after-number-value',
    condition: { attribute: 'createdAt', operator: 'date_after', values: [NEW_YEAR_MS] },
    rows: [
      ['condition value in epoch ms, ISO attribute after it', d('2024-01-01T00:00:00.001Z'), true],
      ['condition value in epoch ms, ISO attribute at the same instant', d('2024-01-01'), false],
      ['both in epoch ms', d(NEW_YEAR_MS + 1000), true],
    ],
  },
  {
    key: 'date-any-value',
    condition: { attribute: 'createdAt', operator: 'date_after', values: ['2030-01-01', '2020-01-01T00:00:00Z'] },
    rows: [
      ['after the second value only', d('2025-01-01'), true],
      ['after neither', d('2019-12-31'), false],
    ],
  },
  {
    key: 'date-empty-list',
    condition: { attribute: 'createdAt', operator: 'date_before', values: [] },
    rows: [['an empty list matches nothing', d('2024-01-01'), false]],
  },
  {
    key: 'date-empty-list-negate',
    condition: { attribute: 'createdAt', operator: 'date_after', values: [], negate: true },
    rows: [
      ['negated empty list matches a valid date', d('2024-01-01'), true],
      ['negated empty list matches an epoch ms number', d(NEW_YEAR_MS), true],
      ['negated empty list does not match an unparseable date', d('garbage'), false],
    ],
  },
  // Both date operators, negated: the attribute must be a valid date for negation to apply.
  ...['date_before', 'date_after'].map((operator) => ({
    key: `${operator.replace('_', '-')}-negate-types`,
    condition: { attribute: 'createdAt', operator, values: ['2000-01-01'], negate: true },
    rows: [
      ['missing attribute never matches, even negated', d(undefined), false],
      ['null never matches, even negated', d(null), false],
      ['boolean never matches, even negated', d(true), false],
      ['string[] never matches, even negated', d(['2024-01-01']), false],
      ['second 60 is invalid', d('2024-01-01T00:00:60Z'), false],
      ['minute 60 is invalid', d('2024-01-01T00:60:00Z'), false],
      ['a dot without fraction digits is invalid', d('2024-01-01T00:00:00.Z'), false],
      [
        `valid date 2024-01-01: ${operator} 2000-01-01 is ${operator === 'date_after' ? 'true, negated false' : 'false, negated true'}`,
        d('2024-01-01'),
        operator === 'date_before',
      ],
    ],
  })),
]);

export default {
  description:
    'Date operators date_before, date_after (strict): YYYY-MM-DD (midnight UTC) and date-times with Z or ±HH:MM, numbers as epoch milliseconds, invalid dates never match (even negated). Each flag has one rule r1 with one condition, serving "on"; otherwise "off".',
  snapshot: snapshot(flags),
  cases,
};
