import type { Prerequisite } from '@switchyard/core';
import type { PercentRule as Rule } from '@switchyard/core/schema';
import type { ConfigBody } from '../../../api/flag-config';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Which parts of a rule differ, in words. */
function ruleChanges(before: Rule, after: Rule): string[] {
  const parts: string[] = [];
  if (!same(before.conditions, after.conditions)) parts.push('conditions');
  if (!same(before.segments, after.segments)) parts.push('segments');
  if (!same(before.serve, after.serve)) parts.push('served variant');
  if ((before.description ?? '') !== (after.description ?? '')) parts.push('description');
  if (!same(before.rollout, after.rollout)) parts.push('rollout');
  return parts;
}

/**
 * The review step's lines, e.g. "production: rule 2 (beta) added", between the configuration as
 * loaded and as it would be saved: rules added, removed, changed (naming what) and reordered, and
 * prerequisites added, removed and changed. Also describes what someone else changed on a 412.
 */
export function describeConfigChanges(
  environment: string,
  before: Pick<ConfigBody, 'rules' | 'prerequisites'> & Partial<ConfigBody>,
  after: Pick<ConfigBody, 'rules' | 'prerequisites'> & Partial<ConfigBody>,
): string[] {
  const lines: string[] = [];
  const at = (text: string) => lines.push(`${environment}: ${text}`);
  if (before.enabled !== undefined && after.enabled !== undefined && before.enabled !== after.enabled) {
    at(`turned ${after.enabled ? 'on' : 'off'}`);
  }
  const old = new Map(before.rules.map((rule) => [rule.id, rule]));
  const now = new Set(after.rules.map((rule) => rule.id));
  after.rules.forEach((rule, index) => {
    const previous = old.get(rule.id);
    if (!previous) at(`rule ${index + 1} (${rule.id}) added`);
    else {
      const parts = ruleChanges(previous, rule);
      if (parts.length > 0) at(`rule ${index + 1} (${rule.id}): ${parts.join(', ')} changed`);
    }
  });
  for (const rule of before.rules) if (!now.has(rule.id)) at(`rule ${rule.id} removed`);
  const kept = (rules: Rule[]) => rules.map((rule) => rule.id).filter((id) => old.has(id) && now.has(id));
  if (!same(kept(before.rules), kept(after.rules))) at('rules reordered');
  const prerequisites = (list: Prerequisite[]) => new Map(list.map((p) => [p.flagKey, p.variants]));
  const was = prerequisites(before.prerequisites);
  const is = prerequisites(after.prerequisites);
  for (const [flagKey, variants] of is) {
    if (!was.has(flagKey)) at(`prerequisite ${flagKey} (${variants.join(', ')}) added`);
    else if (!same(was.get(flagKey), variants)) at(`prerequisite ${flagKey}: variants ${variants.join(', ')}`);
  }
  for (const flagKey of was.keys()) if (!is.has(flagKey)) at(`prerequisite ${flagKey} removed`);
  return lines;
}
