import type { Operator } from '@switchyard/core';
import { OPERATOR_LIST, conditionProblem, takesCaseInsensitive, valueKind, type ConditionDraft } from './rule-draft';

/** One condition: attribute, operator, values typed for the operator, validated as the user types. */
export function ConditionRow(props: {
  id: string;
  label: string;
  condition: ConditionDraft;
  onChange: (next: ConditionDraft) => void;
  onRemove: () => void;
}) {
  const { id, condition } = props;
  const problem = condition.attribute || condition.values ? conditionProblem(condition) : null;
  const kind = valueKind(condition.operator);
  const set = (patch: Partial<ConditionDraft>) => props.onChange({ ...condition, ...patch });
  return (
    <fieldset class="condition">
      <legend>{props.label}</legend>
      <div class="filters">
        <div class="stack">
          <label for={`${id}-attribute`}>Attribute</label>
          <input
            id={`${id}-attribute`}
            value={condition.attribute}
            placeholder="e.g. country"
            onInput={(event) => set({ attribute: event.currentTarget.value })}
          />
        </div>
        <div class="stack">
          <label for={`${id}-operator`}>Operator</label>
          <select
            id={`${id}-operator`}
            value={condition.operator}
            onChange={(event) => set({ operator: event.currentTarget.value as Operator })}
          >
            {OPERATOR_LIST.map((operator) => (
              <option key={operator} value={operator}>
                {operator}
              </option>
            ))}
          </select>
        </div>
        {condition.operator !== 'exists' && (
          <div class="stack">
            <label for={`${id}-values`}>Values</label>
            <textarea
              id={`${id}-values`}
              rows={2}
              inputMode={kind.inputMode}
              value={condition.values}
              aria-invalid={problem !== null}
              aria-describedby={`${id}-hint`}
              onInput={(event) => set({ values: event.currentTarget.value })}
            />
          </div>
        )}
      </div>
      <p id={`${id}-hint`} class={problem ? 'error' : 'hint'} role={problem ? 'alert' : undefined}>
        {problem ?? kind.hint}
      </p>
      <div class="row">
        <label>
          <input
            type="checkbox"
            checked={condition.negate}
            onChange={(event) => set({ negate: event.currentTarget.checked })}
          />{' '}
          Negate
        </label>
        {takesCaseInsensitive(condition.operator) && (
          <label>
            <input
              type="checkbox"
              checked={condition.caseInsensitive}
              onChange={(event) => set({ caseInsensitive: event.currentTarget.checked })}
            />{' '}
            Ignore case
          </label>
        )}
        <button type="button" onClick={props.onRemove}>
          Remove {props.label.toLowerCase()}
        </button>
      </div>
    </fieldset>
  );
}
