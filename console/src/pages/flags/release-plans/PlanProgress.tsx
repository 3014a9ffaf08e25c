import { useEffect, useState } from 'preact/hooks';
import type { ReleasePlan } from '../../../api/release-plans';
import { nextCheckText, stepText, stepsDone, waitingText } from './plan-text';

/** The time now, ticking every second while `live` (the hold's countdown); still otherwise. */
function useNow(live: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [live]);
  return now;
}

/**
 * A plan's progress: a bar of the steps done, the steps as a list with the current one marked
 * (`aria-current="step"`), the rollout now, and what the plan waits for (hold left, next check,
 * manual gate).
 */
export function PlanProgress({ plan }: { plan: ReleasePlan }) {
  const now = useNow(plan.state === 'running');
  const done = stepsDone(plan);
  const current = plan.progress.currentStep;
  const waiting = waitingText(plan, now);
  const next = nextCheckText(plan, now);
  return (
    <div class="stack">
      <progress
        class="plan-bar"
        max={plan.steps.length}
        value={done}
        aria-label={`Steps applied: ${done} of ${plan.steps.length}`}
      />
      <ol class="plan-steps" aria-label="Steps">
        {plan.steps.map((step, index) => (
          <li
            key={index}
            aria-current={index === current && plan.state !== 'completed' ? 'step' : undefined}
            class={
              index < current || plan.state === 'completed' ? 'step-done' : index === current ? 'step-current' : ''
            }
          >
            {stepText(step)}
            {index === current && plan.state !== 'completed' ? ' (current)' : ''}
          </li>
        ))}
      </ol>
      <p>
        Rollout now:{' '}
        <strong>
          {plan.progress.currentPercent === null ? 'not set by the plan' : `${plan.progress.currentPercent} %`}
        </strong>{' '}
        (rule {plan.ruleId})
      </p>
      {waiting && <p>{waiting}</p>}
      {next && <p class="hint">{next}</p>}
    </div>
  );
}
