import { useState } from 'preact/hooks';
import {
  deleteDraft,
  planAction,
  type PlanActionBody,
  type PlanVerb,
  type ReleasePlan,
} from '../../../api/release-plans';
import { Dialog } from '../../../components/Dialog';
import { invalidate } from '../../../hooks/query';
import { useAction } from '../../../hooks/useAction';
import { flagsKey } from '../../../hooks/useFlags';
import { stepText } from './plan-text';
import { ErrorMessage } from '../../../components/Loading';

interface Target {
  project: string;
  flag: string;
  environment: string;
}

/** The actions that need a confirmation (they stop the plan, or change the rollout at once). */
type Confirmed = 'abort' | 'rollback' | 'delete';

const CONFIRM_TEXT: Record<Confirmed, { title: string; body: string; button: string }> = {
  abort: {
    title: 'Abort the release plan?',
    body: 'The plan stops where it is; the rollout stays as it is now. It cannot be resumed.',
    button: 'Confirm abort',
  },
  rollback: {
    title: 'Roll the release plan back?',
    body: 'The rule goes back to 0 % (or the flag is killed), now. The plan ends rolled back.',
    button: 'Confirm roll back',
  },
  delete: {
    title: 'Delete the draft plan?',
    body: 'The draft never ran; deleting it is audited.',
    button: 'Confirm delete',
  },
};

/**
 * The buttons a plan's state allows, with the API's own semantics: start (draft), pause and
 * advance (running; advance sends `fromStep` so two people cannot both advance it), resume
 * (paused), abort and roll back (running or paused, after a confirmation with a reason), delete
 * (draft). The server decides (409 when the plan moved meanwhile: its message is shown).
 */
export function PlanActions({ target, plan }: { target: Target; plan: ReleasePlan }) {
  const action = useAction();
  const [confirming, setConfirming] = useState<Confirmed | null>(null);
  const [reason, setReason] = useState('');
  const [to, setTo] = useState<'rollback' | 'kill'>(plan.onFailure);

  const run = (work: () => Promise<unknown>): Promise<boolean> =>
    action.run(async () => {
      try {
        await work();
      } finally {
        // A step changes the configuration too: refetch the flag's whole screen (plans included),
        // after a refusal as well (a 409: the plan moved meanwhile).
        invalidate(flagsKey(target.project));
        invalidate('flags:*');
      }
    });
  const act = (verb: PlanVerb, body: PlanActionBody = {}) =>
    run(() => planAction(target.project, target.flag, target.environment, plan.id, verb, body));

  const confirm = async (event: Event) => {
    event.preventDefault();
    if (!confirming) return;
    const why = reason.trim() || undefined;
    const ok =
      confirming === 'delete'
        ? await run(() => deleteDraft(target.project, target.flag, target.environment, plan.id))
        : confirming === 'rollback'
          ? await act('rollback', { to, reason: why })
          : await act('abort', { reason: why });
    if (ok) {
      setConfirming(null);
      setReason('');
    }
  };

  const current = plan.progress.currentStep;
  const nextStep = plan.steps[current + 1];
  const reasonId = `plan-reason-${plan.id}`;
  const text = confirming ? CONFIRM_TEXT[confirming] : null;
  return (
    <div class="stack">
      <div class="row">
        {plan.state === 'draft' && (
          <>
            <button type="button" class="primary" disabled={action.busy} onClick={() => void act('start')}>
              Start plan
            </button>
            <button type="button" disabled={action.busy} onClick={() => setConfirming('delete')}>
              Delete draft
            </button>
          </>
        )}
        {plan.state === 'running' && (
          <button type="button" disabled={action.busy} onClick={() => void act('pause')}>
            Pause plan
          </button>
        )}
        {plan.state === 'paused' && (
          <button type="button" class="primary" disabled={action.busy} onClick={() => void act('resume')}>
            Resume plan
          </button>
        )}
        {plan.state === 'running' && nextStep && (
          <button type="button" disabled={action.busy} onClick={() => void act('advance', { fromStep: current })}>
            Advance to step {current + 2}: {stepText(nextStep)}
          </button>
        )}
        {(plan.state === 'running' || plan.state === 'paused') && (
          <>
            <button type="button" disabled={action.busy} onClick={() => setConfirming('abort')}>
              Abort plan
            </button>
            <button type="button" class="danger" disabled={action.busy} onClick={() => setConfirming('rollback')}>
              Roll back
            </button>
          </>
        )}
      </div>
      {action.error && !confirming && (
        <p role="alert" class="error">
          {action.error}
        </p>
      )}
      {/* Mounted only while open: the dialog's heading id would repeat once per plan on the screen. */}
      {text && (
        <Dialog title={text.title} open onClose={() => setConfirming(null)}>
          <form onSubmit={confirm} class="stack">
            <p>
              {text.body} Flag <strong>{target.flag}</strong> in <strong>{target.environment}</strong>.
            </p>
            {confirming === 'rollback' && (
              <>
                <label for={`${reasonId}-to`}>Roll back to</label>
                <select
                  id={`${reasonId}-to`}
                  value={to}
                  onChange={(event) => setTo(event.currentTarget.value as 'rollback' | 'kill')}
                >
                  <option value="rollback">0 % (the rule's rollout)</option>
                  <option value="kill">Kill the flag</option>
                </select>
              </>
            )}
            {confirming !== 'delete' && (
              <>
                <label for={reasonId}>Reason (for the audit log, optional)</label>
                <input
                  id={reasonId}
                  type="text"
                  autoFocus
                  maxLength={1000}
                  value={reason}
                  onInput={(event) => setReason(event.currentTarget.value)}
                />
              </>
            )}
            {action.error && <ErrorMessage error={action.error} />}
            <div class="row">
              <button
                type="submit"
                class={confirming === 'abort' ? '' : 'danger'}
                disabled={action.busy}
                autoFocus={confirming === 'delete'}
              >
                {text.button}
              </button>
              <button type="button" onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </div>
  );
}
