import { z } from 'zod';
import type { Condition, Operator } from '../model/flag.js';
import { toInstant } from '../parse/date.js';
import { parseCidr } from '../parse/ip.js';
import { parseSemver } from '../parse/semver.js';
import { regexSyntaxProblem } from './regex-safety.js';

export const OPERATORS = [
  'in',
  'not_in',
  'contains',
  'starts_with',
  'ends_with',
  'regex',
  'num_eq',
  'num_gt',
  'num_gte',
  'num_lt',
  'num_lte',
  'date_before',
  'date_after',
  'semver_eq',
  'semver_gt',
  'semver_gte',
  'semver_lt',
  'semver_lte',
  'cidr',
  'exists',
] as const satisfies readonly Operator[];

type ConditionValue = Condition['values'][number];

/** Why `value` is not a usable value for `operator`, or `undefined` when it is. */
function valueProblem(operator: Operator, value: ConditionValue): string | undefined {
  switch (operator) {
    case 'in':
    case 'not_in':
    case 'exists':
      return undefined;
    case 'contains':
    case 'starts_with':
    case 'ends_with':
      return typeof value === 'string' ? undefined : `${operator} takes string values`;
    case 'regex': {
      if (typeof value !== 'string') return 'regex takes string patterns';
      // The syntax only: the backtracking analysis takes milliseconds and can time out, so it runs
      // after schema validation, asynchronously (regexPatternProblemAsync; server: regex/write-check.ts).
      const problem = regexSyntaxProblem(value);
      return problem === undefined ? undefined : `pattern ${problem}`;
    }
    case 'num_eq':
    case 'num_gt':
    case 'num_gte':
    case 'num_lt':
    case 'num_lte':
      return typeof value === 'number' ? undefined : `${operator} takes number values`;
    case 'date_before':
    case 'date_after':
      return toInstant(value) === undefined
        ? `${operator} takes ISO-8601 dates (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]] with Z or ±HH:MM) or epoch milliseconds`
        : undefined;
    case 'semver_eq':
    case 'semver_gt':
    case 'semver_gte':
    case 'semver_lt':
    case 'semver_lte':
      return typeof value === 'string' && parseSemver(value) !== undefined
        ? undefined
        : `${operator} takes strict semver 2.0 versions (MAJOR.MINOR.PATCH[-pre][+build])`;
    case 'cidr':
      return typeof value === 'string' && parseCidr(value) !== undefined
        ? undefined
        : 'cidr takes IPv4/IPv6 addresses or networks (addr/len)';
  }
}

/**
 * One condition; every value must be of the operator's type and parse (dates, semvers, CIDRs,
 * regexes in the portable syntax). Whether a regex is free of catastrophic backtracking is not
 * checked here (see regexPatternProblemAsync): the server checks that after this schema.
 */
export const conditionSchema: z.ZodType<Condition> = z
  .object({
    attribute: z.string().min(1),
    operator: z.enum(OPERATORS),
    values: z.array(z.union([z.string(), z.number(), z.boolean()])),
    negate: z.boolean().optional(),
    caseInsensitive: z.boolean().optional(),
  })
  .superRefine((condition, ctx) => {
    condition.values.forEach((value, index) => {
      const problem = valueProblem(condition.operator, value);
      if (problem !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: ${problem}`, path: ['values', index] });
      }
    });
  });
