/**
 * Unleash activation strategies as Switchyard rules (unleash-client-node's strategy classes).
 * A strategy becomes one rule, or several when a constraint is true on a missing field (one rule
 * per combination of "absent" / "condition", so the OR of the rules is Unleash's answer).
 */
import type { Condition } from '@switchyard/core';
import type { PercentRollout, PercentServe } from '../api/rollout.js';
import type { FileRule } from '../flags-as-code/file-schema.js';
import { convertConstraint, type ConvertedConstraint } from './constraints.js';
import type { UnleashConstraint, UnleashSegment, UnleashStrategy } from './export-format.js';

/** At most this many rules from one strategy (2^3 constraints true on a missing field). */
const MAX_EXPANSION = 8;

export interface StrategyInput {
  strategy: UnleashStrategy;
  /** Rule id prefix, unique in the environment. */
  ruleId: string;
  serve: PercentServe;
  segments: Map<number, UnleashSegment>;
  /** Unleash segment id → Switchyard segment key, for segments imported as segments. */
  segmentKeys: Map<number, string>;
}

export type StrategyResult =
  | {
      ok: true;
      rules: FileRule[];
      /** The groupId whose buckets matter (a rollout strictly between 0 and 100%). */
      bucketGroupId: string | undefined;
      notes: string[];
    }
  | { ok: false; why: string[] };

const absent = (attribute: string): Condition => ({ attribute, operator: 'exists', values: [], negate: true });
const present = (attribute: string): Condition => ({ attribute, operator: 'exists', values: [] });

/** A percent parameter ("25"), or undefined when it is not a whole percent 0-100. */
function percentParameter(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,3}$/.test(value.trim())) return undefined;
  const n = Number(value);
  return n <= 100 ? n : undefined;
}

interface Activation {
  conditions: Condition[];
  rollout?: PercentRollout;
  groupId?: string;
}

/** What the strategy itself (not its constraints) asks for. */
function activation(s: UnleashStrategy, why: string[], notes: string[]): Activation | undefined {
  const p = s.parameters ?? {};
  switch (s.name) {
    case 'default':
      return { conditions: [] };
    case 'flexibleRollout': {
      const percent = percentParameter(p.rollout);
      if (percent === undefined) return void why.push(`flexibleRollout: rollout "${p.rollout}" is not a percent 0-100`);
      const stickiness = p.stickiness || 'default';
      if (stickiness === 'random' && percent > 0 && percent < 100)
        return void why.push('flexibleRollout with random stickiness: Switchyard rollouts are sticky');
      const conditions: Condition[] = [];
      let rollout: PercentRollout | undefined;
      if (percent < 100)
        rollout = stickiness === 'default' || stickiness === 'random' ? { percent } : { percent, stickiness };
      // Unleash is false when a named stickiness field is missing, even at 100%.
      if (stickiness !== 'default' && stickiness !== 'random') conditions.push(present(stickiness));
      if (stickiness === 'default' && percent > 0 && percent < 100)
        notes.push(
          'stickiness "default": a context with neither userId nor sessionId is left out (Unleash picks a random bucket)',
        );
      return {
        conditions,
        ...(rollout ? { rollout } : {}),
        ...(rollout && percent > 0 ? { groupId: p.groupId ?? '' } : {}),
      };
    }
    case 'gradualRolloutUserId':
    case 'gradualRolloutSessionId': {
      const percent = percentParameter(p.percentage);
      if (percent === undefined) return void why.push(`${s.name}: percentage "${p.percentage}" is not a percent 0-100`);
      const attribute = s.name === 'gradualRolloutUserId' ? 'userId' : 'sessionId';
      return {
        conditions: [present(attribute)],
        ...(percent < 100 ? { rollout: { percent, stickiness: attribute } } : {}),
        ...(percent > 0 && percent < 100 ? { groupId: p.groupId ?? '' } : {}),
      };
    }
    case 'gradualRolloutRandom': {
      const percent = percentParameter(p.percentage);
      if (percent === 100) return { conditions: [] };
      if (percent === 0) return { conditions: [], rollout: { percent: 0 } };
      return void why.push('gradualRolloutRandom: Switchyard rollouts are sticky, never random');
    }
    case 'userWithId': {
      const ids = (p.userIds ?? '').split(/\s*,\s*/).filter((id) => id !== '');
      return { conditions: [{ attribute: 'userId', operator: 'in', values: ids }] };
    }
    case 'remoteAddress': {
      const ranges = (p.IPs ?? '').split(/\s*,\s*/).filter((ip) => ip !== '');
      const bad = ranges.filter((r) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(r));
      if (bad.length > 0) return void why.push(`remoteAddress: ${bad.join(', ')} are not IP addresses or networks`);
      return { conditions: [{ attribute: 'remoteAddress', operator: 'cidr', values: ranges }] };
    }
    case 'applicationHostname':
      return void why.push("applicationHostname: it tests the SDK host's name, which Switchyard contexts do not carry");
    default:
      return void why.push(`custom strategy "${s.name}": its code runs in Unleash SDKs only`);
  }
}

/** The rules of one strategy. */
export function convertStrategy(input: StrategyInput): StrategyResult {
  const { strategy: s } = input;
  const why: string[] = [];
  const notes: string[] = [];
  const act = activation(s, why, notes);

  // Constraints: the strategy's own, then those of segments that are inlined.
  const constraints: UnleashConstraint[] = [...(s.constraints ?? [])];
  const segmentKeys: string[] = [];
  for (const id of s.segments ?? []) {
    const segment = input.segments.get(id);
    if (!segment) {
      why.push(`segment ${id} is not in the export`);
      continue;
    }
    const key = input.segmentKeys.get(id);
    if (key) segmentKeys.push(key);
    else constraints.push(...segment.constraints);
  }
  const exact: Condition[] = [];
  const splitting: ConvertedConstraint[] = [];
  for (const c of constraints) {
    const converted = convertConstraint(c);
    if (!converted.ok) why.push(converted.why);
    else if (converted.value.trueWhenMissing) splitting.push(converted.value);
    else exact.push(converted.value.condition);
  }
  if (2 ** splitting.length > MAX_EXPANSION)
    why.push(`${splitting.length} constraints that hold on a missing field: more than ${MAX_EXPANSION} rules`);
  if (why.length > 0 || !act) return { ok: false, why };

  // One rule per choice of "absent" / "condition" for each constraint true on a missing field.
  let combinations: Condition[][] = [[]];
  for (const c of splitting)
    combinations = combinations.flatMap((chosen) => [
      [...chosen, c.condition],
      [...chosen, absent(c.condition.attribute)],
    ]);
  const rules: FileRule[] = combinations.map((chosen, i) => ({
    id: combinations.length === 1 ? input.ruleId : `${input.ruleId}.${i + 1}`,
    conditions: [...act.conditions, ...exact, ...chosen],
    segments: segmentKeys,
    ...(act.rollout ? { rollout: act.rollout } : {}),
    serve: input.serve,
  }));
  return { ok: true, rules, bucketGroupId: act.groupId, notes };
}
