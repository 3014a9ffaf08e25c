/**
 * Unleash constraints as Switchyard conditions, with Unleash's semantics (unleash-client-node's
 * strategy.ts). One difference needs care: Unleash evaluates a constraint on a missing context
 * field (NOT_IN, or any `inverted` constraint, is then true), while a Switchyard condition on a
 * missing attribute never matches. A constraint that is true on a missing field is therefore
 * marked `trueWhenMissing`, and the rule is split in two (attribute absent | condition): see
 * strategies.ts.
 */
import type { Condition, Operator } from '@switchyard/core';
import type { UnleashConstraint } from './export-format.js';

export interface ConvertedConstraint {
  condition: Condition;
  /** Unleash answers true when the field is missing from the context. */
  trueWhenMissing: boolean;
}
export type ConstraintResult = { ok: true; value: ConvertedConstraint } | { ok: false; why: string };

const SINGLE_VALUE: Record<string, Operator> = {
  NUM_EQ: 'num_eq',
  NUM_GT: 'num_gt',
  NUM_GTE: 'num_gte',
  NUM_LT: 'num_lt',
  NUM_LTE: 'num_lte',
  SEMVER_EQ: 'semver_eq',
  SEMVER_GT: 'semver_gt',
  SEMVER_GTE: 'semver_gte',
  SEMVER_LT: 'semver_lt',
  SEMVER_LTE: 'semver_lte',
  REGEX: 'regex',
};
const STRING_LIST: Record<string, Operator> = {
  STR_CONTAINS: 'contains',
  STR_STARTS_WITH: 'starts_with',
  STR_ENDS_WITH: 'ends_with',
  IN_CIDR: 'cidr',
};

/** Unleash's cleanValues: empty values dropped, the rest trimmed. */
const clean = (values: string[] | undefined) => (values ?? []).filter((v) => !!v).map((v) => v.trim());

/** Context fields an Unleash SDK fills from its own configuration, not from the request's context. */
const SDK_FIELDS = new Set(['appName', 'environment']);

/** An Unleash constraint as a Switchyard condition, or why it cannot be one. */
export function convertConstraint(c: UnleashConstraint): ConstraintResult {
  if (SDK_FIELDS.has(c.contextName))
    return {
      ok: false,
      why: `constraint on "${c.contextName}": Unleash SDKs fill it from their configuration, not the context`,
    };
  const negate = c.inverted === true;
  const make = (operator: Operator, values: (string | number)[], missing: boolean, caseInsensitive = false) => ({
    ok: true as const,
    value: {
      condition: {
        attribute: c.contextName,
        operator,
        values,
        ...(negate ? { negate: true } : {}),
        ...(caseInsensitive ? { caseInsensitive: true } : {}),
      },
      trueWhenMissing: missing !== negate,
    },
  });
  switch (c.operator) {
    case 'IN':
      return make('in', clean(c.values), false);
    case 'NOT_IN':
      // Unleash: !values.includes(value), so a missing field is "not in".
      return make('not_in', clean(c.values), true);
    case 'DATE_AFTER':
    case 'DATE_BEFORE':
      return {
        ok: false,
        why: `${c.operator} on ${c.contextName}: Unleash compares with the current time when the context has none; Switchyard has no implicit clock`,
      };
  }
  const list = STRING_LIST[c.operator];
  if (list) return make(list, clean(c.values), false, c.operator !== 'IN_CIDR' && c.caseInsensitive === true);
  const single = SINGLE_VALUE[c.operator];
  if (single) {
    if (c.value === undefined) return { ok: false, why: `${c.operator} on ${c.contextName} has no value` };
    if (single.startsWith('num_')) {
      const n = Number(c.value);
      if (!Number.isFinite(n))
        return { ok: false, why: `${c.operator} on ${c.contextName}: "${c.value}" is not a number` };
      return make(single, [n], false);
    }
    return make(single, [c.value], false, single === 'regex' && c.caseInsensitive === true);
  }
  return { ok: false, why: `unknown constraint operator ${c.operator}` };
}
