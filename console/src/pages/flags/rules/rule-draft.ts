import type { Condition, Operator, Prerequisite } from '@switchyard/core';
import { OPERATORS, conditionSchema, percentRuleSchema, prerequisiteSchema } from '@switchyard/core/schema';
import type { PercentRule as Rule } from '@switchyard/core/schema';

/** A condition as the form edits it: values as text, one per line. */
export interface ConditionDraft {
  attribute: string;
  operator: Operator;
  values: string;
  negate: boolean;
  caseInsensitive: boolean;
}

/** A rule as the form edits it; `base` keeps what the form does not edit (rollout, a split serve). */
export interface RuleDraft {
  id: string;
  description: string;
  conditions: ConditionDraft[];
  segments: string[];
  /** The variant served; null when the rule serves a split (kept as it is). */
  variant: string | null;
  base: Rule | null;
}

export const OPERATOR_LIST: readonly Operator[] = OPERATORS;

/** What each operator's values are, for the label and the input's hint. */
export function valueKind(operator: Operator): { hint: string; inputMode?: 'decimal' } {
  if (operator === 'exists') return { hint: 'No values: true when the attribute is present.' };
  if (operator.startsWith('num_')) return { hint: 'Numbers, one per line.', inputMode: 'decimal' };
  if (operator.startsWith('date_'))
    return { hint: 'Dates, one per line: 2026-12-31, 2026-12-31T09:00Z or epoch milliseconds.' };
  if (operator.startsWith('semver_')) return { hint: 'Versions, one per line: 1.2.3 or 2.0.0-beta.1.' };
  if (operator === 'cidr') return { hint: 'IP addresses or networks, one per line: 10.0.0.0/8, 2001:db8::/32.' };
  if (operator === 'regex') return { hint: 'Patterns, one per line (no look-around or back-references).' };
  return { hint: 'Values, one per line.' };
}

const STRING_OPERATORS = new Set<Operator>(['in', 'not_in', 'contains', 'starts_with', 'ends_with', 'regex']);
export const takesCaseInsensitive = (operator: Operator) => STRING_OPERATORS.has(operator);

/** The condition's values typed for its operator (numbers for num_*, epoch ms for all-digit dates). */
function typedValues(draft: ConditionDraft): Condition['values'] {
  if (draft.operator === 'exists') return [];
  const lines = draft.values
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (draft.operator.startsWith('num_')) return lines.map((line) => (Number.isNaN(Number(line)) ? line : Number(line)));
  if (draft.operator.startsWith('date_')) return lines.map((line) => (/^\d+$/.test(line) ? Number(line) : line));
  return lines;
}

export function conditionOf(draft: ConditionDraft): Condition {
  const condition: Condition = {
    attribute: draft.attribute.trim(),
    operator: draft.operator,
    values: typedValues(draft),
  };
  if (draft.negate) condition.negate = true;
  if (draft.caseInsensitive && takesCaseInsensitive(draft.operator)) condition.caseInsensitive = true;
  return condition;
}

/**
 * Why the condition cannot be saved, checked with core's own schema (the server's): value types,
 * dates, semvers, CIDRs and the regex syntax. Whether a regex is safe from catastrophic backtracking
 * takes an analysis only the server runs: it answers 400 on save, shown in the review.
 */
export function conditionProblem(draft: ConditionDraft): string | null {
  const condition = conditionOf(draft);
  if (!condition.attribute) return 'Name the attribute (e.g. userId, country).';
  if (draft.operator !== 'exists' && condition.values.length === 0) return 'Give at least one value.';
  const parsed = conditionSchema.safeParse(condition);
  return parsed.success ? null : parsed.error.issues.map((issue) => issue.message).join('; ');
}

export function draftOf(rule: Rule): RuleDraft {
  return {
    id: rule.id,
    description: rule.description ?? '',
    conditions: rule.conditions.map((condition) => ({
      attribute: condition.attribute,
      operator: condition.operator,
      values: condition.values.map(String).join('\n'),
      negate: condition.negate ?? false,
      caseInsensitive: condition.caseInsensitive ?? false,
    })),
    segments: [...rule.segments],
    variant: 'variant' in rule.serve ? rule.serve.variant : null,
    base: rule,
  };
}

export const emptyCondition = (): ConditionDraft => ({
  attribute: '',
  operator: 'in',
  values: '',
  negate: false,
  caseInsensitive: false,
});

/** The rule a draft describes (rollout and a split serve kept from `base`), or why it is not valid. */
export function ruleOf(draft: RuleDraft, variants: string[]): { rule: Rule } | { problem: string } {
  if (!draft.id.trim()) return { problem: `A rule needs an id.` };
  for (const [index, condition] of draft.conditions.entries()) {
    const problem = conditionProblem(condition);
    if (problem) return { problem: `Rule ${draft.id}, condition ${index + 1}: ${problem}` };
  }
  const serve = draft.variant !== null ? { variant: draft.variant } : draft.base?.serve;
  if (!serve) return { problem: `Rule ${draft.id}: choose the variant it serves.` };
  if (draft.variant !== null && !variants.includes(draft.variant)) {
    return { problem: `Rule ${draft.id}: unknown variant ${draft.variant}.` };
  }
  const rule: Rule = {
    id: draft.id.trim(),
    conditions: draft.conditions.map(conditionOf),
    segments: draft.segments,
    serve,
  };
  if (draft.description.trim()) rule.description = draft.description.trim();
  if (draft.base?.rollout) rule.rollout = draft.base.rollout;
  const parsed = percentRuleSchema.safeParse(rule);
  if (!parsed.success) return { problem: `Rule ${draft.id}: ${parsed.error.issues[0]!.message}` };
  return { rule };
}

/** Prerequisites as the form edits them; checked with core's prerequisite schema. */
export function prerequisiteProblem(prerequisite: Prerequisite): string | null {
  if (!prerequisite.flagKey) return 'Choose the flag.';
  if (prerequisite.variants.length === 0) return `Prerequisite ${prerequisite.flagKey}: choose at least one variant.`;
  const parsed = prerequisiteSchema.safeParse(prerequisite);
  return parsed.success ? null : parsed.error.issues[0]!.message;
}
