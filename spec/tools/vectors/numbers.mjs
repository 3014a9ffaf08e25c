import { ctx, operatorGroups, snapshot } from './helpers.mjs';

const a = (v) => ctx('age', v);

const { flags, cases } = operatorGroups([
  {
    key: 'num-eq',
    condition: { attribute: 'age', operator: 'num_eq', values: [18] },
    rows: [
      ['equal', a(18), true],
      ['not equal', a(17), false],
      ['numeric string is the wrong type', a('18'), false],
      ['missing attribute', a(undefined), false],
      ['null attribute', a(null), false],
      ['boolean is the wrong type', a(true), false],
      ['string[] is the wrong type', a(['18']), false],
    ],
  },
  {
    key: 'num-eq-fractions',
    condition: { attribute: 'score', operator: 'num_eq', values: [1, 2.5, 0.3] },
    rows: [
      ['fractional value', ctx('score', 2.5), true],
      ['integer value', ctx('score', 1), true],
      ['binary floating point: 0.1 + 0.2 is not 0.3', ctx('score', 0.30000000000000004), false],
      ['negative number not in the list', ctx('score', -1), false],
    ],
  },
  {
    key: 'num-gt',
    condition: { attribute: 'age', operator: 'num_gt', values: [18] },
    rows: [
      ['greater', a(19), true],
      ['equal is not greater', a(18), false],
      ['less', a(17), false],
      ['slightly greater', a(18.0001), true],
      ['negative', a(-1), false],
      ['very large', a(1e21), true],
      ['numeric string is the wrong type', a('19'), false],
    ],
  },
  {
    key: 'num-gte',
    condition: { attribute: 'age', operator: 'num_gte', values: [18] },
    rows: [
      ['equal', a(18), true],
      ['greater', a(30), true],
      ['slightly less', a(17.999), false],
    ],
  },
  {
    key: 'num-lt',
    condition: { attribute: 'balance', operator: 'num_lt', values: [0] },
    rows: [
      ['negative is less than zero', ctx('balance', -1), true],
      ['zero is not less than zero', ctx('balance', 0), false],
      ['positive', ctx('balance', 0.5), false],
      ['missing attribute', ctx('balance', undefined), false],
    ],
  },
  {
    key: 'num-lte',
    condition: { attribute: 'balance', operator: 'num_lte', values: [0] },
    rows: [
      ['equal', ctx('balance', 0), true],
      ['less', ctx('balance', -100), true],
      ['greater', ctx('balance', 1), false],
    ],
  },
  {
    key: 'num-gt-any-value',
    condition: { attribute: 'age', operator: 'num_gt', values: [100, 10] },
    rows: [
      ['greater than the second value only', a(50), true],
      ['greater than neither', a(5), false],
    ],
  },
  {
    key: 'num-lt-negate',
    condition: { attribute: 'age', operator: 'num_lt', values: [18], negate: true },
    rows: [
      ['not less: negation matches', a(20), true],
      ['equal is not less: negation matches', a(18), true],
      ['less: negation does not match', a(10), false],
      ['numeric string never matches, even negated', a('20'), false],
      ['missing attribute never matches, even negated', a(undefined), false],
      ['boolean never matches, even negated', a(false), false],
    ],
  },
  {
    key: 'num-eq-negate',
    condition: { attribute: 'age', operator: 'num_eq', values: [18, 21], negate: true },
    rows: [
      ['equal to none: negation matches', a(30), true],
      ['equal to one: negation does not match', a(21), false],
    ],
  },
  {
    key: 'num-empty-list',
    condition: { attribute: 'age', operator: 'num_eq', values: [] },
    rows: [['an empty list matches nothing', a(5), false]],
  },
  {
    key: 'num-empty-list-negate',
    condition: { attribute: 'age', operator: 'num_gte', values: [], negate: true },
    rows: [
      ['negated empty list matches a present number', a(5), true],
      ['negated empty list does not match a numeric string', a('5'), false],
      ['negated empty list does not match a missing attribute', a(undefined), false],
    ],
  },
  // Every number operator, negated: the attribute must be a present number for negation to apply.
  ...['num_eq', 'num_gt', 'num_gte', 'num_lt', 'num_lte'].map((operator) => ({
    key: `${operator.replace('_', '-')}-negate-types`,
    condition: { attribute: 'n', operator, values: [1000], negate: true },
    rows: [
      ['missing attribute never matches, even negated', ctx('n', undefined), false],
      ['null never matches, even negated', ctx('n', null), false],
      ['numeric string never matches, even negated', ctx('n', '5'), false],
      ['boolean never matches, even negated', ctx('n', true), false],
      ['string[] never matches, even negated', ctx('n', ['5']), false],
      [
        `a present number: ${operator} 1000 is ${operator === 'num_lt' || operator === 'num_lte' ? 'true, negated false' : 'false, negated true'}`,
        ctx('n', 5),
        !(operator === 'num_lt' || operator === 'num_lte'),
      ],
    ],
  })),
]);

export default {
  description:
    'Number operators num_eq, num_gt, num_gte, num_lt, num_lte: only finite JSON numbers are accepted (numeric strings are the wrong type), any value may match, negate, empty lists. Each flag has one rule r1 with one condition, serving "on"; otherwise "off".',
  snapshot: snapshot(flags),
  cases,
};
