import { ctx, operatorGroups, snapshot } from './helpers.mjs';

const c = (v) => ctx('country', v);
const e = (v) => ctx('email', v);
const p = (v) => ctx('path', v);

const { flags, cases } = operatorGroups([
  {
    key: 'in',
    condition: { attribute: 'country', operator: 'in', values: ['US', 'CA'] },
    rows: [
      ['first value', c('US'), true],
      ['second value', c('CA'), true],
      ['value not in the list', c('MX'), false],
      ['comparison is case-sensitive by default', c('us'), false],
      ['no trimming: leading space', c(' US'), false],
      ['empty string is a value like any other', c(''), false],
      ['missing attribute', c(undefined), false],
      ['null attribute is missing', c(null), false],
      ['number attribute never equals a string value', c(1), false],
      ['boolean attribute never equals a string value', c(true), false],
      ['string[]: one element in the list', c(['MX', 'US']), true],
      ['string[]: no element in the list', c(['MX', 'BR']), false],
      ['string[]: empty array matches no value', c([]), false],
      ['string[]: elements compared case-sensitively', c(['us']), false],
    ],
  },
  {
    key: 'in-case-insensitive',
    condition: {
      attribute: 'country',
      operator: 'in',
      values: ['us', 'Straße', 'ПРИВЕТ', 'istanbul'],
      caseInsensitive: true,
    },
    rows: [
      ['upper case attribute, lower case value', c('US'), true],
      ['mixed case', c('uS'), true],
      ['non-ASCII: Cyrillic lower case matches upper case value', c('привет'), true],
      ['non-ASCII: German sharp s', c('STRAßE'), true],
      ['capital sharp s (U+1E9E) lower-cases to ß', c('STRAẞE'), true],
      ['toLowerCase does not fold ß to ss', c('STRASSE'), false],
      ['different string', c('uk'), false],
      ['string[] element matched case-insensitively', c(['x', 'Us']), true],
      ['locale-independent: "ISTANBUL" lower-cases to "istanbul"', c('ISTANBUL'), true],
      ['locale-independent: dotted capital İ lower-cases to i + U+0307, not i', c('İSTANBUL'), false],
      ['missing attribute', c(undefined), false],
    ],
  },
  {
    key: 'in-negate',
    condition: { attribute: 'country', operator: 'in', values: ['US', 'CA'], negate: true },
    rows: [
      ['value not in the list matches', c('MX'), true],
      ['value in the list does not match', c('US'), false],
      ['case-sensitive: "us" is not in the list, so negation matches', c('us'), true],
      ['missing attribute never matches, even negated', c(undefined), false],
      ['null attribute never matches, even negated', c(null), false],
      ['number attribute is an accepted type for in: not equal, negation matches', c(7), true],
      ['string[] with no element in the list matches', c(['MX', 'BR']), true],
      ['string[] with one element in the list does not match', c(['MX', 'US']), false],
      ['empty string[] is present: in is false, negation matches', c([]), true],
    ],
  },
  {
    key: 'in-empty-list',
    condition: { attribute: 'country', operator: 'in', values: [] },
    rows: [
      ['an empty list matches nothing', c('US'), false],
      ['an empty list matches nothing, not even the empty string', c(''), false],
    ],
  },
  {
    key: 'in-empty-list-negate',
    condition: { attribute: 'country', operator: 'in', values: [], negate: true },
    rows: [
      ['negated empty list matches a present string', c('US'), true],
      ['negated empty list matches a present number (accepted type for in)', c(3), true],
      ['negated empty list still requires the attribute', c(undefined), false],
    ],
  },
  {
    key: 'in-numbers',
    condition: { attribute: 'age', operator: 'in', values: [18, 21.5] },
    rows: [
      ['integer value', ctx('age', 18), true],
      ['fractional value', ctx('age', 21.5), true],
      ['numeric string does not equal a number', ctx('age', '18'), false],
      ['number not in the list', ctx('age', 19), false],
      ['missing attribute', ctx('age', undefined), false],
    ],
  },
  {
    key: 'in-booleans',
    condition: { attribute: 'beta', operator: 'in', values: [true] },
    rows: [
      ['true equals true', ctx('beta', true), true],
      ['false does not equal true', ctx('beta', false), false],
      ['string "true" is not the boolean true', ctx('beta', 'true'), false],
      ['number 1 is not the boolean true', ctx('beta', 1), false],
    ],
  },
  {
    key: 'in-mixed-types',
    condition: { attribute: 'x', operator: 'in', values: ['1', 2, false] },
    rows: [
      ['string "1" equals string value', ctx('x', '1'), true],
      ['number 1 does not equal string "1"', ctx('x', 1), false],
      ['number 2 equals number value', ctx('x', 2), true],
      ['string "2" does not equal number 2', ctx('x', '2'), false],
      ['boolean false equals boolean value', ctx('x', false), true],
      ['string "false" does not equal boolean false', ctx('x', 'false'), false],
      ['boolean true not in the list', ctx('x', true), false],
    ],
  },
  {
    key: 'not-in',
    condition: { attribute: 'country', operator: 'not_in', values: ['US', 'CA'] },
    rows: [
      ['value not in the list matches', c('MX'), true],
      ['value in the list does not match', c('US'), false],
      ['case-sensitive by default', c('us'), true],
      ['missing attribute never matches', c(undefined), false],
      ['null attribute never matches', c(null), false],
      ['string[] with one element in the list: in holds, so not_in does not', c(['MX', 'US']), false],
      ['string[] with no element in the list matches', c(['MX']), true],
      ['number attribute (accepted type) is not in the string list', c(5), true],
      ['boolean attribute (accepted type) is not in the string list', c(true), true],
      ['empty string[] is present and has no element in the list', c([]), true],
    ],
  },
  {
    key: 'not-in-case-insensitive',
    condition: { attribute: 'country', operator: 'not_in', values: ['us'], caseInsensitive: true },
    rows: [
      ['"US" is in the list case-insensitively', c('US'), false],
      ['"GB" is not in the list', c('GB'), true],
    ],
  },
  {
    key: 'not-in-negate',
    condition: { attribute: 'country', operator: 'not_in', values: ['US'], negate: true },
    rows: [
      ['not_in + negate = in: value in the list matches', c('US'), true],
      ['not_in + negate = in: value not in the list does not match', c('MX'), false],
      ['missing attribute never matches', c(undefined), false],
    ],
  },
  {
    key: 'not-in-empty-list',
    condition: { attribute: 'country', operator: 'not_in', values: [] },
    rows: [
      ['nothing is in an empty list, so not_in holds', c('US'), true],
      ['missing attribute never matches', c(undefined), false],
    ],
  },
  {
    key: 'contains',
    condition: { attribute: 'email', operator: 'contains', values: ['@example.com', 'admin'] },
    rows: [
      ['contains the first value', e('bob@example.com'), true],
      ['contains the second value', e('administrator@x.io'), true],
      ['case-sensitive by default', e('bob@EXAMPLE.com'), false],
      ['contains neither', e('bob@example.org'), false],
      ['missing attribute', e(undefined), false],
      ['null attribute', e(null), false],
      ['number attribute is the wrong type', e(5), false],
      ['boolean attribute is the wrong type', e(true), false],
      ['string[]: one element contains a value', e(['a@b.c', 'x@example.com']), true],
      ['string[]: no element contains a value', e(['a@b.c']), false],
    ],
  },
  {
    key: 'contains-empty-string',
    condition: { attribute: 'email', operator: 'contains', values: [''] },
    rows: [
      ['"" is in every string', e('anything'), true],
      ['"" is in the empty string', e(''), true],
      ['still requires the attribute', e(undefined), false],
    ],
  },
  {
    key: 'contains-case-insensitive',
    condition: { attribute: 'email', operator: 'contains', values: ['EXAMPLE', 'почта'], caseInsensitive: true },
    rows: [
      ['ASCII, lower case attribute', e('bob@example.com'), true],
      ['Cyrillic, upper case attribute', e('МОЯ ПОЧТА'), true],
      ['no substring', e('bob@other.com'), false],
    ],
  },
  {
    key: 'contains-negate',
    condition: { attribute: 'email', operator: 'contains', values: ['@example.com'], negate: true },
    rows: [
      ['does not contain: matches', e('bob@other.com'), true],
      ['contains: does not match', e('bob@example.com'), false],
      ['missing attribute never matches, even negated', e(undefined), false],
      ['wrong type (number) never matches, even negated', e(5), false],
      ['wrong type (boolean) never matches, even negated', e(false), false],
      ['string[] where no element contains: matches', e(['a@other.com']), true],
      ['string[] where one element contains: does not match', e(['x@example.com', 'y@other.com']), false],
    ],
  },
  {
    key: 'contains-unicode',
    condition: { attribute: 'bio', operator: 'contains', values: ['🚀', '機能'] },
    rows: [
      ['emoji substring', ctx('bio', 'go 🚀 now'), true],
      ['CJK substring', ctx('bio', '新機能テスト'), true],
      ['neither', ctx('bio', 'plain'), false],
    ],
  },
  {
    key: 'contains-empty-list',
    condition: { attribute: 'email', operator: 'contains', values: [] },
    rows: [['an empty list matches nothing', e('bob@example.com'), false]],
  },
  {
    key: 'contains-empty-list-negate',
    condition: { attribute: 'email', operator: 'contains', values: [], negate: true },
    rows: [
      ['negated empty list matches a present string', e('bob@example.com'), true],
      ['negated empty list does not match the wrong type', e(42), false],
    ],
  },
  {
    key: 'starts-with',
    condition: { attribute: 'path', operator: 'starts_with', values: ['/admin', '/api/v2'] },
    rows: [
      ['prefix of the first value', p('/admin/users'), true],
      ['exact value is its own prefix', p('/admin'), true],
      ['plain prefix, not a path segment', p('/administrator'), true],
      ['prefix of the second value', p('/api/v2/flags'), true],
      ['different prefix', p('/api/v1'), false],
      ['case-sensitive by default', p('/Admin'), false],
      ['value occurs later, not at the start', p('/x/admin'), false],
      ['empty string', p(''), false],
      ['missing attribute', p(undefined), false],
      ['number attribute is the wrong type', p(1), false],
      ['string[]: one element starts with a value', p(['/x', '/api/v2/x']), true],
      ['string[]: empty array', p([]), false],
    ],
  },
  {
    key: 'starts-with-case-insensitive',
    condition: { attribute: 'path', operator: 'starts_with', values: ['/ADMIN', '機能'], caseInsensitive: true },
    rows: [
      ['lower case attribute', p('/admin/x'), true],
      ['CJK (no case) still compared', p('機能テスト'), true],
      ['different prefix', p('/public'), false],
    ],
  },
  {
    key: 'starts-with-negate',
    condition: { attribute: 'path', operator: 'starts_with', values: ['/admin'], negate: true },
    rows: [
      ['other prefix matches', p('/public'), true],
      ['prefix does not match', p('/admin'), false],
      ['wrong type never matches, even negated', p(42), false],
      ['missing attribute never matches, even negated', p(undefined), false],
    ],
  },
  {
    key: 'starts-with-empty-list',
    condition: { attribute: 'path', operator: 'starts_with', values: [] },
    rows: [['an empty list matches nothing', p('/admin'), false]],
  },
  {
    key: 'starts-with-empty-list-negate',
    condition: { attribute: 'path', operator: 'starts_with', values: [], negate: true },
    rows: [
      ['negated empty list matches a present string', p('/admin'), true],
      ['negated empty list matches a present string[]', p(['/admin']), true],
      ['negated empty list does not match a boolean', p(true), false],
    ],
  },
  {
    key: 'ends-with',
    condition: { attribute: 'email', operator: 'ends_with', values: ['.edu', '.ac.uk'] },
    rows: [
      ['suffix of the first value', e('a@mit.edu'), true],
      ['suffix of the second value', e('b@ox.ac.uk'), true],
      ['value occurs, but not at the end', e('a@mit.edu.com'), false],
      ['case-sensitive by default', e('A@MIT.EDU'), false],
      ['missing attribute', e(undefined), false],
      ['boolean attribute is the wrong type', e(false), false],
      ['string[]: one element ends with a value', e(['x@y.com', 'z@mit.edu']), true],
    ],
  },
  {
    key: 'ends-with-case-insensitive',
    condition: { attribute: 'email', operator: 'ends_with', values: ['.EDU'], caseInsensitive: true },
    rows: [
      ['lower case attribute', e('a@mit.edu'), true],
      ['string[] element, mixed case', e(['a@MIT.Edu']), true],
      ['different suffix', e('a@mit.com'), false],
    ],
  },
  {
    key: 'ends-with-negate',
    condition: { attribute: 'email', operator: 'ends_with', values: ['.edu'], negate: true },
    rows: [
      ['other suffix matches', e('a@corp.com'), true],
      ['suffix does not match', e('a@mit.edu'), false],
      ['null never matches, even negated', e(null), false],
    ],
  },
  {
    key: 'ends-with-empty-string',
    condition: { attribute: 'email', operator: 'ends_with', values: [''] },
    rows: [
      ['"" is a suffix of every string', e('a@b.c'), true],
      ['"" is a suffix of the empty string', e(''), true],
    ],
  },
  {
    key: 'ends-with-empty-list',
    condition: { attribute: 'email', operator: 'ends_with', values: [] },
    rows: [['an empty list matches nothing', e('a@mit.edu'), false]],
  },
  {
    key: 'ends-with-empty-list-negate',
    condition: { attribute: 'email', operator: 'ends_with', values: [], negate: true },
    rows: [
      ['negated empty list matches a present string', e('a@mit.edu'), true],
      ['negated empty list does not match a missing attribute', e(undefined), false],
    ],
  },
]);

export default {
  description:
    'String operators in, not_in, contains, starts_with, ends_with: case rules, string[] attributes, negate, empty lists, missing and wrong-type attributes. Each flag has one rule r1 with one condition, serving "on"; otherwise "off" (DEFAULT).',
  snapshot: snapshot(flags),
  cases,
};
