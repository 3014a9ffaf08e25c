import { ctx, operatorGroups, snapshot } from './helpers.mjs';

const v = (x) => ctx('appVersion', x);
const cond = (operator, values, extra = {}) => ({ attribute: 'appVersion', operator, values, ...extra });

const { flags, cases } = operatorGroups([
  {
    key: 'semver-eq',
    condition: cond('semver_eq', ['1.2.3']),
    rows: [
      ['equal', v('1.2.3'), true],
      ['build metadata is ignored', v('1.2.3+build.5'), true],
      ['build metadata with leading zeros is valid and ignored', v('1.2.3+001'), true],
      ['different patch', v('1.2.4'), false],
      ['a pre-release is not the release', v('1.2.3-rc.1'), false],
      ['leading v is invalid', v('v1.2.3'), false],
      ['leading = is invalid', v('=1.2.3'), false],
      ['surrounding whitespace is invalid', v(' 1.2.3 '), false],
      ['two components are invalid', v('1.2'), false],
      ['four components are invalid', v('1.2.3.4'), false],
      ['leading zero in a numeric component is invalid', v('01.2.3'), false],
      ['x-range is invalid', v('1.2.x'), false],
      ['number attribute is the wrong type', v(1.2), false],
      ['string[] is the wrong type', v(['1.2.3']), false],
      ['missing attribute', v(undefined), false],
      ['null attribute', v(null), false],
    ],
  },
  {
    key: 'semver-eq-build-value',
    condition: cond('semver_eq', ['1.2.3+abc']),
    rows: [
      ['build metadata in the value is ignored too', v('1.2.3'), true],
      ['different build metadata on both sides', v('1.2.3+xyz'), true],
    ],
  },
  {
    key: 'semver-gt',
    condition: cond('semver_gt', ['1.2.3']),
    rows: [
      ['greater patch', v('1.2.4'), true],
      ['numeric, not lexical: 1.2.10 > 1.2.3', v('1.2.10'), true],
      ['numeric, not lexical: 1.10.0 > 1.2.3', v('1.10.0'), true],
      ['equal is not greater', v('1.2.3'), false],
      ['pre-release of the same version is lower', v('1.2.3-beta'), false],
      ['pre-release of the next minor is greater', v('1.3.0-0'), true],
      ['pre-release of the next major is greater', v('2.0.0-alpha'), true],
      ['lower minor', v('1.1.99'), false],
      ['invalid attribute never matches', v('2'), false],
    ],
  },
  {
    key: 'semver-gte',
    condition: cond('semver_gte', ['2.0.0']),
    rows: [
      ['equal', v('2.0.0'), true],
      ['equal up to build metadata', v('2.0.0+sha.1'), true],
      ['release candidate is lower', v('2.0.0-rc.1'), false],
      ['10.0.0 > 2.0.0 numerically', v('10.0.0'), true],
    ],
  },
  {
    key: 'semver-lt',
    condition: cond('semver_lt', ['1.0.0']),
    rows: [
      ['pre-release is lower than its release', v('1.0.0-rc.1'), true],
      ['lower patch', v('0.9.9'), true],
      ['equal is not lower', v('1.0.0'), false],
      ['build metadata does not make it lower', v('1.0.0+build'), false],
      ['0.0.0 is lower', v('0.0.0'), true],
    ],
  },
  {
    key: 'semver-lte',
    condition: cond('semver_lte', ['1.0.0-beta']),
    rows: [
      ['equal pre-release', v('1.0.0-beta'), true],
      ['alpha < beta', v('1.0.0-alpha'), true],
      ['beta.1 > beta (more identifiers)', v('1.0.0-beta.1'), false],
      ['release > its pre-release', v('1.0.0'), false],
    ],
  },
  {
    key: 'semver-lt-beta-11',
    condition: cond('semver_lt', ['1.0.0-beta.11']),
    rows: [
      ['numeric identifiers compare numerically: beta.2 < beta.11', v('1.0.0-beta.2'), true],
      ['fewer identifiers are lower: beta < beta.11', v('1.0.0-beta'), true],
      ['alpha.beta < beta.11', v('1.0.0-alpha.beta'), true],
      ['rc.1 > beta.11', v('1.0.0-rc.1'), false],
      ['equal is not lower', v('1.0.0-beta.11'), false],
    ],
  },
  {
    key: 'semver-gt-alpha',
    condition: cond('semver_gt', ['1.0.0-alpha']),
    rows: [
      ['alpha.1 > alpha', v('1.0.0-alpha.1'), true],
      ['equal is not greater', v('1.0.0-alpha'), false],
      ['numeric identifiers are lower than alphanumeric: 1.0.0-999 < 1.0.0-alpha', v('1.0.0-999'), false],
      ['upper case sorts before lower case (ASCII): ALPHA < alpha', v('1.0.0-ALPHA'), false],
      ['alphanumeric identifier starting with a digit is valid', v('1.0.0-alpha.0a'), true],
    ],
  },
  {
    key: 'semver-invalid-attributes-negate',
    condition: cond('semver_eq', ['9.9.9'], { negate: true }),
    rows: [
      ['valid and not equal: negation matches', v('1.0.0'), true],
      ['leading zero in a numeric pre-release identifier is invalid', v('1.2.3-01'), false],
      ['leading zero in a later numeric pre-release identifier is invalid', v('1.2.3-alpha.01'), false],
      ['empty pre-release is invalid', v('1.2.3-'), false],
      ['empty build is invalid', v('1.2.3+'), false],
      ['empty pre-release identifier is invalid', v('1.2.3-alpha..1'), false],
      ['leading v is invalid', v('v1.0.0'), false],
      ['empty string is invalid', v(''), false],
      ['negative component is invalid', v('-1.0.0'), false],
      ['number never matches, even negated', v(1), false],
      ['missing attribute never matches, even negated', v(undefined), false],
    ],
  },
  {
    key: 'semver-any-value',
    condition: cond('semver_eq', ['1.0.0', '2.0.0']),
    rows: [
      ['equal to the second value', v('2.0.0'), true],
      ['equal to neither', v('3.0.0'), false],
    ],
  },
  {
    key: 'semver-empty-list',
    condition: cond('semver_gte', []),
    rows: [['an empty list matches nothing', v('1.0.0'), false]],
  },
  {
    key: 'semver-empty-list-negate',
    condition: cond('semver_gte', [], { negate: true }),
    rows: [
      ['negated empty list matches a valid version', v('1.0.0'), true],
      ['negated empty list does not match an invalid version', v('1.0'), false],
    ],
  },
  // Every semver operator, negated: the attribute must be a valid version for negation to apply.
  ...['semver_eq', 'semver_gt', 'semver_gte', 'semver_lt', 'semver_lte'].map((operator) => ({
    key: `${operator.replace('_', '-')}-negate-types`,
    condition: cond(operator, ['5.0.0'], { negate: true }),
    rows: [
      ['missing attribute never matches, even negated', v(undefined), false],
      ['null never matches, even negated', v(null), false],
      ['number never matches, even negated', v(5), false],
      ['boolean never matches, even negated', v(true), false],
      ['string[] never matches, even negated', v(['1.0.0']), false],
      ['invalid version never matches, even negated', v('1.0.0.0'), false],
      [
        `valid version 1.0.0: ${operator} 5.0.0 is ${operator === 'semver_lt' || operator === 'semver_lte' ? 'true, negated false' : 'false, negated true'}`,
        v('1.0.0'),
        !(operator === 'semver_lt' || operator === 'semver_lte'),
      ],
    ],
  })),
  {
    key: 'semver-pre-release-details',
    condition: cond('semver_eq', ['1.0.0-alpha']),
    rows: [
      ['build metadata after a pre-release is ignored', v('1.0.0-alpha+001'), true],
      ['pre-release identifiers are case-sensitive', v('1.0.0-ALPHA'), false],
    ],
  },
  {
    key: 'semver-odd-but-valid',
    condition: cond('semver_gte', ['0.0.0-0']),
    rows: [
      ['hyphens are allowed in pre-release identifiers', v('1.0.0-x-y-z.--'), true],
      ['0.0.0-0 is the lowest version and equals itself', v('0.0.0-0'), true],
      ['underscore is not allowed in an identifier', v('1.0.0-alpha_beta'), false],
      ['build metadata with hyphens and dots', v('1.0.0+21AF26D3---117B344092BD'), true],
    ],
  },
]);

export default {
  description:
    'Semver operators semver_eq/gt/gte/lt/lte: strict semver 2.0 (no leading v, no leading zeros), precedence per §11 (pre-releases lower, identifiers compared numerically or in ASCII order, build metadata ignored); invalid versions never match, even negated. Each flag has one rule r1 with one condition, serving "on"; otherwise "off".',
  snapshot: snapshot(flags),
  cases,
};
