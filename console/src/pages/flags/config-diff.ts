import type { FlagConfig } from '../../api/flags';

const state = (config: FlagConfig) => (config.killed ? 'killed' : config.enabled ? 'on' : 'off');

/**
 * What changed between the configuration the user edited (`mine`: as loaded) and the server's
 * current one, in words, for the 412 panel: status and each rule's rollout.
 */
export function describeChanges(mine: FlagConfig, theirs: FlagConfig): string[] {
  const changes: string[] = [];
  if (state(mine) !== state(theirs)) changes.push(`Status: ${state(mine)} → ${state(theirs)}`);
  if (theirs.killed && theirs.killReason && theirs.killReason !== mine.killReason) {
    changes.push(`Kill reason: ${theirs.killReason}`);
  }
  const before = new Map(mine.rules.map((rule) => [rule.id, rule]));
  for (const rule of theirs.rules) {
    const old = before.get(rule.id);
    before.delete(rule.id);
    if (!old) {
      changes.push(`Rule ${rule.id} added`);
      continue;
    }
    const from = old.rollout?.percent;
    const to = rule.rollout?.percent;
    if (from !== to) {
      const show = (percent: number | undefined) => (percent === undefined ? 'none' : `${percent} %`);
      changes.push(`Rollout of rule ${rule.id}: ${show(from)} → ${show(to)}`);
    }
  }
  for (const id of before.keys()) changes.push(`Rule ${id} removed`);
  if (changes.length === 0) changes.push(`Other settings (version ${mine.version} → ${theirs.version})`);
  return changes;
}
