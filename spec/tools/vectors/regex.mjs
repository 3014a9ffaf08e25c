import { ctx, operatorGroups, snapshot } from './helpers.mjs';

const e = (v) => ctx('email', v);
/** The longest string the regex operator tests (spec: "Conditions"), and one code unit more. */
const MAX = 1024;
const longest = 'x'.repeat(MAX - 'x@example.com'.length) + 'x@example.com';
const tooLong = 'x' + longest;
const u = (v) => ctx('name', v);

const { flags, cases } = operatorGroups([
  {
    key: 'regex',
    condition: { attribute: 'email', operator: 'regex', values: ['@example\\.com$'] },
    rows: [
      ['pattern found at the end', e('bob@example.com'), true],
      ['$ anchors the end', e('bob@example.com.evil'), false],
      ['escaped dot is literal', e('bob@exampleXcom'), false],
      ['case-sensitive by default', e('bob@EXAMPLE.COM'), false],
      ['missing attribute', e(undefined), false],
      ['null attribute', e(null), false],
      ['number attribute is the wrong type', e(5), false],
      ['boolean attribute is the wrong type', e(true), false],
      ['string[]: one element matches', e(['x', 'y@example.com']), true],
      ['string[]: no element matches', e(['x', 'y']), false],
      ['string[]: empty array', e([]), false],
    ],
  },
  {
    key: 'regex-max-length',
    condition: { attribute: 'email', operator: 'regex', values: ['@example\\.com$'] },
    rows: [
      ['a string of 1024 code units is tested', e(longest), true],
      ['a string of 1025 code units is not tested: never matches', e(tooLong), false],
      ['string[]: a 1024-unit element is tested', e(['x', longest]), true],
      ['string[]: a 1025-unit element is skipped like a non-string element', e(['x', tooLong]), false],
    ],
  },
  {
    key: 'regex-max-length-negate',
    condition: { attribute: 'email', operator: 'regex', values: ['@example\\.com$'], negate: true },
    rows: [
      ['a too-long string never matches, even negated (like a wrong type)', e(tooLong), false],
      ['a tested string that does not match: negation matches', e('x'.repeat(MAX)), true],
      ['string[]: a too-long element is skipped, the others decide', e([tooLong, 'bob@other.org']), true],
      ['string[]: a tested element matches, so negation does not', e([tooLong, 'bob@example.com']), false],
    ],
  },
  {
    key: 'regex-unanchored',
    condition: { attribute: 'name', operator: 'regex', values: ['beta'] },
    rows: [
      ['a match anywhere in the string counts', u('my-beta-user'), true],
      ['at the start', u('beta'), true],
      ['absent', u('alpha'), false],
    ],
  },
  {
    key: 'regex-anchored',
    condition: { attribute: 'name', operator: 'regex', values: ['^admin$'] },
    rows: [
      ['exact', u('admin'), true],
      ['anchors exclude a longer string', u('admins'), false],
      ['anchors exclude a prefix', u('sysadmin'), false],
      ['$ does not match before a final newline', u('admin\n'), false],
    ],
  },
  {
    key: 'regex-case-insensitive',
    condition: { attribute: 'name', operator: 'regex', values: ['^ADMIN-\\d+$'], caseInsensitive: true },
    rows: [
      ['lower case attribute (i flag)', u('admin-1'), true],
      ['mixed case', u('Admin-42'), true],
      ['pattern still has to match', u('admin-x'), false],
    ],
  },
  {
    key: 'regex-case-sensitive',
    condition: { attribute: 'name', operator: 'regex', values: ['^ADMIN'] },
    rows: [
      ['lower case attribute does not match without caseInsensitive', u('admin'), false],
      ['upper case attribute matches', u('ADMIN'), true],
    ],
  },
  {
    key: 'regex-negate',
    condition: { attribute: 'name', operator: 'regex', values: ['^test-'], negate: true },
    rows: [
      ['no match: negation matches', u('prod-1'), true],
      ['match: negation does not match', u('test-1'), false],
      ['missing attribute never matches, even negated', u(undefined), false],
      ['wrong type never matches, even negated', u(12), false],
      ['string[] where no element matches: negation matches', u(['prod-1', 'prod-2']), true],
      ['string[] where one element matches: negation does not match', u(['prod-1', 'test-2']), false],
    ],
  },
  {
    key: 'regex-any-value',
    condition: { attribute: 'name', operator: 'regex', values: ['^a', '^b'] },
    rows: [
      ['matches the second pattern', u('bob'), true],
      ['matches the first pattern', u('alice'), true],
      ['matches neither', u('carol'), false],
    ],
  },
  {
    key: 'regex-empty-pattern',
    condition: { attribute: 'name', operator: 'regex', values: [''] },
    rows: [
      ['the empty pattern matches any string', u('anything'), true],
      ['the empty pattern matches the empty string', u(''), true],
      ['still requires the attribute', u(undefined), false],
    ],
  },
  {
    key: 'regex-empty-list',
    condition: { attribute: 'name', operator: 'regex', values: [] },
    rows: [['an empty list matches nothing', u('anything'), false]],
  },
  {
    key: 'regex-empty-list-negate',
    condition: { attribute: 'name', operator: 'regex', values: [], negate: true },
    rows: [
      ['negated empty list matches a present string', u('anything'), true],
      ['negated empty list does not match a missing attribute', u(undefined), false],
    ],
  },
  {
    key: 'regex-unicode',
    condition: { attribute: 'name', operator: 'regex', values: ['^пользователь-[0-9]+$'] },
    rows: [
      ['Cyrillic literal followed by digits', u('пользователь-42'), true],
      ['no digits', u('пользователь-'), false],
    ],
  },
  {
    key: 'regex-unicode-case-insensitive',
    condition: { attribute: 'name', operator: 'regex', values: ['^ПОЛЬЗОВАТЕЛЬ'], caseInsensitive: true },
    rows: [
      ['Cyrillic lower case attribute, upper case pattern', u('пользователь-1'), true],
      ['other word', u('гость'), false],
    ],
  },
  {
    key: 'regex-no-dot-all',
    condition: { attribute: 'name', operator: 'regex', values: ['^a.c$'] },
    rows: [
      ['. matches one character', u('abc'), true],
      ['no s flag: . does not match a newline', u('a\nc'), false],
    ],
  },
  {
    key: 'regex-no-multiline',
    condition: { attribute: 'name', operator: 'regex', values: ['^b'] },
    rows: [
      ['no m flag: ^ anchors the start of the whole string, not of a line', u('a\nb'), false],
      ['at the start of the string', u('b\na'), true],
    ],
  },
  {
    key: 'regex-character-classes',
    condition: { attribute: 'email', operator: 'regex', values: ['^[a-z0-9._%+-]+@(corp|staff)\\.example\\.org$'] },
    rows: [
      ['alternation, first branch', e('jane.doe@corp.example.org'), true],
      ['alternation, second branch', e('j+tag@staff.example.org'), true],
      ['character class excludes upper case', e('Jane@corp.example.org'), false],
      ['other domain', e('jane@guest.example.org'), false],
    ],
  },
]);

export default {
  description:
    'The regex operator: ECMAScript patterns found anywhere in the string (unanchored unless the pattern anchors), caseInsensitive adds the i flag, strings longer than 1024 UTF-16 code units are not tested, string[] attributes, negate, empty lists, missing and wrong-type attributes. Each flag has one rule r1 with one condition, serving "on"; otherwise "off".',
  snapshot: snapshot(flags),
  cases,
};
