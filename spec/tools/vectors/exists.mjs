import { ctx, operatorGroups, snapshot } from './helpers.mjs';

const p = (v) => ctx('plan', v);

const { flags, cases } = operatorGroups([
  {
    key: 'exists',
    condition: { attribute: 'plan', operator: 'exists', values: [] },
    rows: [
      ['present string', p('pro'), true],
      ['the empty string is present', p(''), true],
      ['zero is present', p(0), true],
      ['false is present', p(false), true],
      ['an empty array is present', p([]), true],
      ['a string[] is present', p(['a']), true],
      ['missing attribute', p(undefined), false],
      ['null is absent', p(null), false],
      ['another attribute does not count', ctx('planName', 'pro'), false],
    ],
  },
  {
    key: 'exists-inherited-names',
    condition: { attribute: 'toString', operator: 'exists', values: [] },
    rows: [
      ['an attribute named like an Object.prototype member is missing unless given', {}, false],
      ['and present when given', ctx('toString', 'x'), true],
    ],
  },
  {
    key: 'in-inherited-name',
    condition: { attribute: 'constructor', operator: 'in', values: ['Object'], negate: true },
    rows: [
      ['an inherited property is not an attribute: missing never matches, even negated', {}, false],
      ['an own attribute named constructor is an attribute like any other', ctx('constructor', 'x'), true],
    ],
  },
  {
    key: 'exists-negate',
    condition: { attribute: 'plan', operator: 'exists', values: [], negate: true },
    rows: [
      ['negated exists matches a missing attribute', p(undefined), true],
      ['negated exists matches null', p(null), true],
      ['negated exists does not match the empty string', p(''), false],
      ['negated exists does not match false', p(false), false],
      ['negated exists does not match a present string', p('pro'), false],
    ],
  },
  {
    key: 'exists-values-ignored',
    condition: { attribute: 'plan', operator: 'exists', values: ['enterprise'], caseInsensitive: true },
    rows: [
      ['values are ignored: any present value matches', p('free'), true],
      ['values are ignored: missing still does not match', p(undefined), false],
    ],
  },
]);

export default {
  description:
    'The exists operator: present means not missing and not null ("" , 0, false and [] are present); negate means absent; values are ignored; names of inherited object members (toString, constructor) are attributes like any other. Each flag has one rule r1 with one condition, serving "on"; otherwise "off".',
  snapshot: snapshot(flags),
  cases,
};
