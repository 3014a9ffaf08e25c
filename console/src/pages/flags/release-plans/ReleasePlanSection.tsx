import { useState } from 'preact/hooks';
import type { ReleasePlan } from '../../../api/release-plans';
import { ErrorMessage, Loading } from '../../../components/Loading';
import { useReleasePlans } from '../../../hooks/useReleasePlans';
import { CreatePlanForm } from './CreatePlanForm';
import { GuardVerdicts } from './GuardVerdicts';
import { PlanActions } from './PlanActions';
import { PlanProgress } from './PlanProgress';
import { STATE_LABEL, failingVerdicts, isFinished, outcomeText, pathText } from './plan-text';

interface Target {
  project: string;
  flag: string;
  environment: string;
}

const when = (at: string) => <time dateTime={at}>{new Date(at).toLocaleString('en')}</time>;

/** A plan that is not finished: its progress, its guards' last verdicts and its actions. */
function OpenPlan({ target, plan, canWrite }: { target: Target; plan: ReleasePlan; canWrite: boolean }) {
  const headingId = `plan-${plan.id}`;
  return (
    <article class="card stack plan" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <span class={`pill plan-${plan.state}`}>{STATE_LABEL[plan.state]}</span> {pathText(plan.steps)}
      </h3>
      <p class="hint">
        Created by {plan.createdBy.display}, {when(plan.createdAt)}
        {plan.reason ? `: ${plan.reason}` : ''}. Guards every {plan.guardIntervalSeconds} s; on failure:{' '}
        {plan.onFailure === 'kill' ? 'kill' : 'back to 0 %'}; inconclusive: {plan.onInconclusive}.
      </p>
      <PlanProgress plan={plan} />
      {plan.guards.length > 0 && (
        <>
          <h4>Guards: last verdicts</h4>
          <GuardVerdicts verdicts={plan.progress.verdicts} label={`Last guard verdicts of the ${plan.state} plan`} />
        </>
      )}
      {canWrite && <PlanActions target={target} plan={plan} />}
    </article>
  );
}

/** A finished plan in the history: how it ended, and the failing guards' evidence for a rollback. */
function PastPlan({ plan }: { plan: ReleasePlan }) {
  const failing = failingVerdicts(plan);
  return (
    <li class="stack past-plan">
      <p>
        <span class={`pill plan-${plan.state}`}>{STATE_LABEL[plan.state]}</span> {pathText(plan.steps)}
        {plan.finishedAt && <> · {when(plan.finishedAt)}</>}
      </p>
      <p>{outcomeText(plan)}</p>
      {failing.length > 0 && <GuardVerdicts verdicts={failing} label="Failing guard verdicts of this plan" />}
    </li>
  );
}

/**
 * The flag's release plans in one environment (issue 15): the open plans (running or paused, and
 * drafts) with progress, guard verdicts and evidence and their actions; a form for a new draft;
 * the history of plans that ended. Controls show only for those who may write (`canWrite`): the
 * server still decides.
 */
export function ReleasePlanSection(props: Target & { canWrite: boolean; rules: string[] }) {
  const { project, flag, environment, canWrite } = props;
  const plans = useReleasePlans(project, flag, environment);
  const [creating, setCreating] = useState(false);
  const open = plans.data?.filter((plan) => !isFinished(plan.state)) ?? [];
  const past = plans.data?.filter((plan) => isFinished(plan.state)) ?? [];
  return (
    <section aria-labelledby="plans-heading" class="card stack">
      <h2 id="plans-heading">Release plan</h2>
      {plans.error ? (
        <ErrorMessage error={plans.error} />
      ) : !plans.data ? (
        <Loading what="release plans" />
      ) : (
        <>
          {open.length === 0 && <p class="hint">No release plan running in {environment}.</p>}
          {open.map((plan) => (
            <OpenPlan key={plan.id} target={props} plan={plan} canWrite={canWrite} />
          ))}
          {canWrite &&
            (creating ? (
              <CreatePlanForm
                project={project}
                flag={flag}
                environment={environment}
                rules={props.rules}
                onDone={() => setCreating(false)}
              />
            ) : (
              <div class="row">
                <button type="button" onClick={() => setCreating(true)}>
                  New release plan
                </button>
              </div>
            ))}
          {past.length > 0 && (
            <>
              <h3>Past plans</h3>
              <ul class="plain-list stack" aria-label="Past release plans">
                {past.map((plan) => (
                  <PastPlan key={plan.id} plan={plan} />
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
