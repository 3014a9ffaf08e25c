/**
 * Snapshots the write-time schema rejects but an SDK may still receive (an older or newer server, a
 * hand-edited file, a bug): evaluation must stay total and follow spec/README.md. The file is marked
 * `schemaInvalid: true` so runners skip schema validation for it.
 */
import { conditionFlag, flag, MATCH, NO_MATCH, rule, snapshot } from './helpers.mjs';

const cond = (attribute, operator, values, extra = {}) => ({ attribute, operator, values, ...extra });

const operatorRows = [
  // [flag key, condition, [description, context, matches][]]
  ['regex-invalid-pattern', cond('name', 'regex', ['(']), [['an invalid pattern never matches', { name: '(' }, false]]],
  [
    'regex-invalid-then-valid',
    cond('name', 'regex', ['[a-', '^ok']),
    [
      ['the invalid pattern is ignored, the valid one matches', { name: 'ok' }, true],
      ['the invalid pattern is ignored, the valid one does not match', { name: 'no' }, false],
    ],
  ],
  [
    'regex-invalid-negate',
    cond('name', 'regex', ['('], { negate: true }),
    [
      ['only invalid patterns = an empty list: negation matches a present string', { name: 'x' }, true],
      ['negation still needs a present attribute', {}, false],
    ],
  ],
  [
    'semver-invalid-value',
    cond('v', 'semver_eq', ['1.2']),
    [['an invalid version value is ignored: nothing matches', { v: '1.2.0' }, false]],
  ],
  [
    'semver-invalid-then-valid',
    cond('v', 'semver_eq', ['v1.2.3', '1.2.3']),
    [
      ['the valid value matches', { v: '1.2.3' }, true],
      ['the invalid "v1.2.3" is not read as 1.2.3 (1.2.4 matches neither)', { v: '1.2.4' }, false],
    ],
  ],
  [
    'semver-invalid-gt',
    cond('v', 'semver_gt', ['01.0.0']),
    [['leading-zero value is ignored, so nothing is greater than it', { v: '5.0.0' }, false]],
  ],
  [
    'semver-invalid-negate',
    cond('v', 'semver_lt', ['bogus'], { negate: true }),
    [
      ['only invalid values: negation matches a valid version', { v: '1.0.0' }, true],
      ['negation does not match an invalid version', { v: '1.0' }, false],
    ],
  ],
  [
    'date-invalid-value',
    cond('at', 'date_before', ['not-a-date']),
    [['an unparseable date value is ignored', { at: '2000-01-01' }, false]],
  ],
  [
    'date-no-offset-value',
    cond('at', 'date_before', ['2030-01-01T00:00:00', '2020-01-01']),
    [
      ['a date-time value without an offset is ignored (not read as local time)', { at: '2025-01-01' }, false],
      ['the valid value still applies', { at: '2019-06-01' }, true],
    ],
  ],
  [
    'date-invalid-negate',
    cond('at', 'date_after', ['2023-02-30'], { negate: true }),
    [['only invalid values (Feb 30): negation matches a valid date', { at: '2024-01-01' }, true]],
  ],
  [
    'date-boolean-value',
    cond('at', 'date_after', [true]),
    [['a boolean date value is ignored', { at: '2024-01-01' }, false]],
  ],
  [
    'cidr-invalid-prefix',
    cond('ip', 'cidr', ['10.0.0.0/33', '::/129', '10.0.0.0/-1']),
    [
      ['prefix above 32 is invalid and ignored', { ip: '10.0.0.1' }, false],
      ['prefix above 128 is invalid and ignored', { ip: '::1' }, false],
    ],
  ],
  [
    'cidr-invalid-then-valid',
    cond('ip', 'cidr', ['bogus', '10.0.0.256/8', '10.0.0.0/8']),
    [
      ['invalid blocks ignored, the valid one matches', { ip: '10.9.9.9' }, true],
      ['invalid blocks ignored, the valid one does not match', { ip: '11.0.0.1' }, false],
    ],
  ],
  [
    'cidr-invalid-negate',
    cond('ip', 'cidr', ['bogus'], { negate: true }),
    [
      ['only invalid values: negation matches a valid address', { ip: '10.0.0.1' }, true],
      ['negation does not match an invalid address', { ip: 'bogus' }, false],
    ],
  ],
  [
    'contains-number-value',
    cond('s', 'contains', [5]),
    [['a number value is not used by contains: "5" does not match', { s: '5' }, false]],
  ],
  [
    'starts-with-boolean-value',
    cond('s', 'starts_with', [true, 'tr']),
    [
      ['the boolean value is ignored, the string value matches', { s: 'true' }, true],
      ['the boolean value is ignored', { s: 'yes' }, false],
    ],
  ],
  [
    'regex-number-value',
    cond('s', 'regex', [1]),
    [['a number is not a pattern: "1" does not match', { s: '1' }, false]],
  ],
  ['num-string-value', cond('n', 'num_gt', ['5']), [['a string value is not used by num_gt', { n: 10 }, false]]],
  [
    'num-mixed-values',
    cond('n', 'num_eq', ['5', 5]),
    [['the string "5" is ignored, the number 5 matches', { n: 5 }, true]],
  ],
  [
    'num-string-value-negate',
    cond('n', 'num_eq', ['5'], { negate: true }),
    [['only unusable values: negation matches a present number', { n: 5 }, true]],
  ],
  ['semver-number-value', cond('v', 'semver_gte', [1]), [['a number is not a version', { v: '2.0.0' }, false]]],
  [
    'cidr-leading-zero-prefix',
    cond('ip', 'cidr', ['10.0.0.0/08']),
    [['a prefix length with a leading zero is invalid and ignored', { ip: '10.0.0.1' }, false]],
  ],
  [
    'unknown-operator',
    cond('plan', 'matches_soon', ['pro']),
    [['an operator this evaluator does not know never matches', { plan: 'pro' }, false]],
  ],
  [
    'unknown-operator-negate',
    cond('plan', 'matches_soon', ['pro'], { negate: true }),
    [['an unknown operator never matches, even negated', { plan: 'free' }, false]],
  ],
  [
    'unknown-operator-negate-missing',
    cond('plan', 'matches_soon', ['pro'], { negate: true }),
    [['an unknown operator never matches, even negated on a missing attribute', {}, false]],
  ],
  ['cidr-number-value', cond('ip', 'cidr', [167772160]), [['a number is not a block', { ip: '10.0.0.0' }, false]]],
];

const flags = operatorRows.map(([key, condition]) => conditionFlag(key, condition));
const cases = operatorRows.flatMap(([key, , rows]) =>
  rows.map(([description, context, matches]) => ({
    description: `${key}: ${description}`,
    flag: key,
    context,
    expected: matches ? MATCH : NO_MATCH,
  })),
);

flags.push(
  flag('missing-segment', { rules: [rule('r1', { segments: ['no-such-segment'] })] }),
  flag('missing-and-present-segment', { rules: [rule('r1', { segments: ['everyone', 'no-such-segment'] })] }),
  flag('missing-segment-then-rule', {
    rules: [rule('ghost', { segments: ['no-such-segment'] }), rule('r1')],
  }),
  flag('ghost-default', { defaultServe: { variant: 'ghost' } }),
  flag('ghost-rule', { rules: [rule('r1', { serve: { variant: 'ghost' } })] }),
  flag('ghost-off', { enabled: false, offVariant: 'ghost' }),
  flag('ghost-off-prerequisite', {
    offVariant: 'ghost',
    prerequisites: [{ flagKey: 'ghost-off-parent', variants: ['on'] }],
  }),
  flag('ghost-off-parent', { enabled: false }),
  flag('ghost-split', {
    defaultServe: {
      split: [
        { variant: 'ghost', weight: 10000 },
        { variant: 'on', weight: 0 },
      ],
    },
  }),
  flag('ghost-parent', {
    prerequisites: [{ flagKey: 'ghost-default', variants: ['ghost'] }],
    defaultServe: { variant: 'on' },
  }),
);
const GENERAL = (value) => ({ value, reason: 'ERROR', errorCode: 'GENERAL' });
cases.push(
  {
    description: 'a rule referencing a segment missing from the snapshot does not match',
    flag: 'missing-segment',
    context: { userId: 'u1' },
    expected: NO_MATCH,
  },
  {
    description: 'every segment must match; a missing one never does, even next to an empty segment',
    flag: 'missing-and-present-segment',
    context: {},
    expected: NO_MATCH,
  },
  {
    description: 'a rule with a missing segment is skipped; the next rule serves',
    flag: 'missing-segment-then-rule',
    context: {},
    expected: MATCH,
  },
  {
    description: 'defaultServe names a variant that does not exist: caller default, ERROR/GENERAL',
    flag: 'ghost-default',
    context: {},
    default: false,
    expected: GENERAL(false),
  },
  {
    description: 'a rule serves a variant that does not exist: caller default, ERROR/GENERAL',
    flag: 'ghost-rule',
    context: {},
    default: true,
    expected: GENERAL(true),
  },
  {
    description: 'a disabled flag whose offVariant does not exist: caller default, ERROR/GENERAL',
    flag: 'ghost-off',
    context: {},
    expected: GENERAL(null),
  },
  {
    description: 'a failed prerequisite serving an offVariant that does not exist: caller default, ERROR/GENERAL',
    flag: 'ghost-off-prerequisite',
    context: {},
    default: false,
    expected: GENERAL(false),
  },
  {
    description: 'a split share naming a variant that does not exist: caller default, ERROR/GENERAL',
    flag: 'ghost-split',
    context: { userId: 'user-1' },
    default: false,
    expected: GENERAL(false),
  },
  {
    description: 'a parent that errors because its variant does not exist fails the child with ERROR/GENERAL',
    flag: 'ghost-parent',
    context: {},
    default: true,
    expected: { value: false, variant: 'off', reason: 'ERROR', errorCode: 'GENERAL' },
  },
);

export default {
  description:
    'Snapshots that bypassed validation: unparseable or wrong-type condition values are ignored (an all-ignored list is an empty list), missing segments never match, served variants that do not exist give the caller default with ERROR/GENERAL. The snapshot is invalid on purpose (schemaInvalid).',
  schemaInvalid: true,
  snapshot: snapshot(flags, [{ key: 'everyone', conditions: [] }]),
  cases,
};
