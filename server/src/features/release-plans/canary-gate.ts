import type { ReleasePlan } from '../../generated/prisma/client.js';

/**
 * What a deployment canary gated on a flag's release plan should do now:
 * `pass` let it go on, `fail` roll it back, `wait` hold it (Argo Rollouts: an inconclusive
 * measurement, which pauses the rollout; Flagger has no such state, so its check fails).
 */
export type CanaryGate = 'pass' | 'fail' | 'wait';

export interface CanaryGateInput {
  /** Whether the flag is killed in the plan's environment. */
  killed: boolean;
  state: ReleasePlan['state'];
  /** The last verdict of each guard. */
  verdicts: readonly { guard: number; kind: string; status: 'pass' | 'fail' | 'inconclusive' }[];
}

/**
 * The gate, pure, first match wins: a killed flag fails (the kill is a decision, whoever made it);
 * a plan that was rolled back or aborted fails (the release will not finish); a failing guard
 * fails (the plan rolls back at that same check, so this is only seen between the two); a draft or
 * paused plan waits for a person; a running or completed plan passes. An inconclusive guard does
 * not hold the canary: the plan itself holds its step on it (`onInconclusive`), and no data yet is
 * the normal start of every step.
 */
export function canaryGate(input: CanaryGateInput): { gate: CanaryGate; because: string } {
  if (input.killed) return { gate: 'fail', because: 'the flag is killed' };
  if (input.state === 'rolled_back') return { gate: 'fail', because: 'the release plan was rolled back' };
  if (input.state === 'aborted') return { gate: 'fail', because: 'the release plan was aborted' };
  const failing = input.verdicts.find((verdict) => verdict.status === 'fail');
  if (failing) return { gate: 'fail', because: `guard ${failing.guard} (${failing.kind}) fails` };
  if (input.state === 'draft') return { gate: 'wait', because: 'the release plan has not started' };
  if (input.state === 'paused') return { gate: 'wait', because: 'the release plan is paused' };
  return { gate: 'pass', because: `the release plan is ${input.state}` };
}
