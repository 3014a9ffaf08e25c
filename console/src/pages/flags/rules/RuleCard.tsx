import type { Segment } from '../../../api/flag-config';
import { ConditionRow } from './ConditionRow';
import { emptyCondition, type RuleDraft } from './rule-draft';

/** One rule of the editor: id, description, conditions, segments, the variant it serves; move and remove. */
export function RuleCard(props: {
  index: number;
  count: number;
  rule: RuleDraft;
  variants: string[];
  segments: Segment[];
  onChange: (next: RuleDraft) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { rule, index } = props;
  const id = `rule-${index}`;
  const name = `rule ${index + 1}${rule.id ? ` (${rule.id})` : ''}`;
  const set = (patch: Partial<RuleDraft>) => props.onChange({ ...rule, ...patch });
  return (
    <section class="card stack" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Rule {index + 1}</h3>
      <div class="filters">
        <div class="stack">
          <label for={`${id}-id`}>Rule id</label>
          <input id={`${id}-id`} value={rule.id} onInput={(event) => set({ id: event.currentTarget.value })} />
        </div>
        <div class="stack">
          <label for={`${id}-description`}>Description</label>
          <input
            id={`${id}-description`}
            value={rule.description}
            onInput={(event) => set({ description: event.currentTarget.value })}
          />
        </div>
        <div class="stack">
          <label for={`${id}-serve`}>Serves</label>
          {rule.variant === null ? (
            <p id={`${id}-serve`} class="hint">
              A split of variants (edit it through the API).
            </p>
          ) : (
            <select
              id={`${id}-serve`}
              value={rule.variant}
              onChange={(event) => set({ variant: event.currentTarget.value })}
            >
              {props.variants.map((variant) => (
                <option key={variant} value={variant}>
                  {variant}
                </option>
              ))}
            </select>
          )}
        </div>
      </div>
      {rule.base?.rollout && (
        <p class="hint">Rollout {rule.base.rollout.percent} % of matching units: edit it under Rollout.</p>
      )}
      {rule.conditions.map((condition, at) => (
        <ConditionRow
          key={at}
          id={`${id}-condition-${at}`}
          label={`Condition ${at + 1} of ${name}`}
          condition={condition}
          onChange={(next) => set({ conditions: rule.conditions.map((c, i) => (i === at ? next : c)) })}
          onRemove={() => set({ conditions: rule.conditions.filter((_, i) => i !== at) })}
        />
      ))}
      {props.segments.length > 0 && (
        <fieldset>
          <legend>Segments (all must match)</legend>
          <div class="row">
            {props.segments.map((segment) => (
              <label key={segment.key}>
                <input
                  type="checkbox"
                  checked={rule.segments.includes(segment.key)}
                  onChange={(event) =>
                    set({
                      segments: event.currentTarget.checked
                        ? [...rule.segments, segment.key]
                        : rule.segments.filter((key) => key !== segment.key),
                    })
                  }
                />{' '}
                {segment.name}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div class="row">
        <button type="button" onClick={() => set({ conditions: [...rule.conditions, emptyCondition()] })}>
          Add a condition to {name}
        </button>
        <button type="button" disabled={index === 0} onClick={() => props.onMove(-1)}>
          Move {name} up
        </button>
        <button type="button" disabled={index === props.count - 1} onClick={() => props.onMove(1)}>
          Move {name} down
        </button>
        <button type="button" onClick={props.onRemove}>
          Remove {name}
        </button>
      </div>
    </section>
  );
}
