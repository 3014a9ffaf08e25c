import { useState } from 'preact/hooks';
import { ApiError, messageOf } from '../../../api/client';
import { createPlan, type CreatePlanBody, type PlanStep } from '../../../api/release-plans';
import { invalidate } from '../../../hooks/query';
import { useAction } from '../../../hooks/useAction';
import { flagsKey } from '../../../hooks/useFlags';
import { guardsOf, type GuardsState } from './guard-form';
import { GuardsEditor } from './GuardFields';
import { issuesOf, pathText, STANDARD_STEPS, type Issue } from './plan-text';

/** One row of the custom steps editor (strings: what the inputs hold). */
interface StepRow {
  kind: 'percent' | 'gate';
  percent: string;
  holdMinutes: string;
}

function toSteps(rows: StepRow[]): PlanStep[] {
  return rows.map((row) =>
    row.kind === 'gate' ? { gate: 'manual' } : { percent: Number(row.percent), holdMinutes: Number(row.holdMinutes) },
  );
}

/**
 * A new draft plan: the standard template (1 → 10 → 50 → 100 %) or custom steps (a percentage held
 * some minutes, or a manual gate), guards as fields or JSON (GuardFields.tsx: the server checks
 * them and its 400 messages are shown at the field), what a failing and an inconclusive guard do.
 */
export function CreatePlanForm(props: {
  project: string;
  flag: string;
  environment: string;
  /** Ids of the rules with a rollout (the plan moves one; default: the catch-all rule). */
  rules: string[];
  onDone: () => void;
}) {
  const [template, setTemplate] = useState(true);
  const [rows, setRows] = useState<StepRow[]>(
    STANDARD_STEPS.map((step) =>
      'gate' in step
        ? { kind: 'gate', percent: '', holdMinutes: '' }
        : { kind: 'percent', percent: String(step.percent), holdMinutes: String(step.holdMinutes) },
    ),
  );
  const [ruleId, setRuleId] = useState('');
  const [guardState, setGuardState] = useState<GuardsState>({ mode: 'fields', rows: [] });
  const [interval, setIntervalSeconds] = useState('60');
  const [onFailure, setOnFailure] = useState<'rollback' | 'kill'>('rollback');
  const [onInconclusive, setOnInconclusive] = useState<'hold' | 'continue' | 'rollback'>('hold');
  const [reason, setReason] = useState('');
  const create = useAction();
  const [issues, setIssues] = useState<Issue[]>([]);

  const setRow = (index: number, patch: Partial<StepRow>) =>
    setRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const issueAt = (prefix: string) => issues.filter((issue) => issue.path.startsWith(prefix));

  const submit = async (event: Event) => {
    event.preventDefault();
    const guards = guardsOf(guardState);
    if ('error' in guards) {
      create.setError(null);
      setIssues([{ path: 'body.guards', message: guards.error }]);
      return;
    }
    const body: CreatePlanBody = {
      ...(template ? { template: 'standard' } : { steps: toSteps(rows) }),
      guards: guards.guards,
      guardIntervalSeconds: Number(interval),
      onFailure,
      onInconclusive,
      ...(ruleId ? { ruleId } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    await create.run(
      async () => {
        setIssues([]);
        await createPlan(props.project, props.flag, props.environment, body);
        invalidate(flagsKey(props.project));
        props.onDone();
      },
      {
        // A 400 names the fields: each is marked and listed under the message.
        onError: (caught) => {
          setIssues(caught instanceof ApiError ? issuesOf(caught.details) : []);
          return messageOf(caught);
        },
      },
    );
  };

  const invalid = (prefix: string) => (issueAt(prefix).length > 0 ? 'true' : undefined);
  const id = (name: string) => `plan-${name}`;
  return (
    <form class="card stack" onSubmit={submit} aria-labelledby={id('form-heading')}>
      <h3 id={id('form-heading')}>New release plan in {props.environment}</h3>
      <fieldset class="stack">
        <legend>Steps</legend>
        <label>
          <input type="radio" name="plan-steps" checked={template} onChange={() => setTemplate(true)} /> Standard:{' '}
          {pathText(STANDARD_STEPS)} (30 min, 1 h, 1 h)
        </label>
        <label>
          <input type="radio" name="plan-steps" checked={!template} onChange={() => setTemplate(false)} /> Custom steps
        </label>
        {!template && (
          <ol class="stack plan-step-editor">
            {rows.map((row, index) => (
              <li key={index} class="row">
                <select
                  aria-label={`Step ${index + 1}: kind`}
                  value={row.kind}
                  onChange={(event) => setRow(index, { kind: event.currentTarget.value as StepRow['kind'] })}
                >
                  <option value="percent">Percentage</option>
                  <option value="gate">Manual gate</option>
                </select>
                {row.kind === 'percent' && (
                  <>
                    <input
                      type="number"
                      class="percent"
                      min={0}
                      max={100}
                      step={0.01}
                      required
                      aria-label={`Step ${index + 1}: percent`}
                      aria-invalid={invalid(`body.steps.${index}`)}
                      value={row.percent}
                      onInput={(event) => setRow(index, { percent: event.currentTarget.value })}
                    />
                    <input
                      type="number"
                      class="percent"
                      min={0}
                      step="any"
                      required
                      aria-label={`Step ${index + 1}: hold minutes`}
                      aria-invalid={invalid(`body.steps.${index}`)}
                      value={row.holdMinutes}
                      onInput={(event) => setRow(index, { holdMinutes: event.currentTarget.value })}
                    />
                  </>
                )}
                <button
                  type="button"
                  aria-label={`Remove step ${index + 1}`}
                  disabled={rows.length === 1}
                  onClick={() => setRows(rows.filter((_, i) => i !== index))}
                >
                  Remove
                </button>
              </li>
            ))}
            <li>
              <button
                type="button"
                onClick={() => setRows([...rows, { kind: 'percent', percent: '100', holdMinutes: '0' }])}
              >
                Add step
              </button>
            </li>
          </ol>
        )}
      </fieldset>
      {props.rules.length > 1 && (
        <>
          <label for={id('rule')}>Rule whose rollout the plan moves</label>
          <select id={id('rule')} value={ruleId} onChange={(event) => setRuleId(event.currentTarget.value)}>
            <option value="">The catch-all rule (default)</option>
            {props.rules.map((rule) => (
              <option key={rule} value={rule}>
                {rule}
              </option>
            ))}
          </select>
        </>
      )}
      <GuardsEditor state={guardState} onChange={setGuardState} issues={issueAt('body.guards')} />
      <div class="filters">
        <div class="stack">
          <label for={id('interval')}>Guard interval (seconds)</label>
          <input
            id={id('interval')}
            type="number"
            min={1}
            max={3600}
            required
            aria-invalid={invalid('body.guardIntervalSeconds')}
            value={interval}
            onInput={(event) => setIntervalSeconds(event.currentTarget.value)}
          />
        </div>
        <div class="stack">
          <label for={id('on-failure')}>When a guard fails</label>
          <select
            id={id('on-failure')}
            value={onFailure}
            onChange={(event) => setOnFailure(event.currentTarget.value as 'rollback' | 'kill')}
          >
            <option value="rollback">Roll back to 0 %</option>
            <option value="kill">Kill the flag</option>
          </select>
        </div>
        <div class="stack">
          <label for={id('on-inconclusive')}>When a guard is inconclusive</label>
          <select
            id={id('on-inconclusive')}
            value={onInconclusive}
            onChange={(event) => setOnInconclusive(event.currentTarget.value as 'hold' | 'continue' | 'rollback')}
          >
            <option value="hold">Hold the step</option>
            <option value="continue">Count it as passing</option>
            <option value="rollback">Count it as failing</option>
          </select>
        </div>
      </div>
      <label for={id('reason')}>Reason (optional)</label>
      <input
        id={id('reason')}
        type="text"
        maxLength={1000}
        value={reason}
        onInput={(event) => setReason(event.currentTarget.value)}
      />
      {(create.error || issues.length > 0) && (
        <div role="alert" class="error stack">
          {create.error && <p>{create.error}</p>}
          {issues.length > 0 && (
            <ul>
              {issues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  {issue.path.replace(/^body\.?/, '') || 'plan'}: {issue.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={create.busy}>
          {create.busy ? 'Creating…' : 'Create draft plan'}
        </button>
        <button type="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
