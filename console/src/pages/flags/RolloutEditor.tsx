import { useEffect, useState } from 'preact/hooks';
import type { Rule } from '../../api/flags';
import { PercentInput, parsePercent } from '../../components/PercentInput';

/** Edits one rule's rollout in percent, as the API reads and writes it. */
export function RolloutEditor(props: { rule: Rule; busy: boolean; onSave: (percent: number) => void }) {
  const current = props.rule.rollout?.percent ?? 0;
  const [text, setText] = useState(String(current));
  useEffect(() => setText(String(current)), [current]);
  const percent = parsePercent(text);
  const id = `rollout-${props.rule.id}`;
  return (
    <form
      class="card stack"
      aria-labelledby={`${id}-heading`}
      onSubmit={(event) => {
        event.preventDefault();
        if (percent !== null) props.onSave(percent);
      }}
    >
      <h3 id={`${id}-heading`}>Rule {props.rule.id}</h3>
      {props.rule.description && <p class="hint">{props.rule.description}</p>}
      <p>
        Now: <strong>{current} %</strong>
        {props.rule.rollout?.stickiness && <> of units, sticky on {props.rule.rollout.stickiness}</>}
      </p>
      <PercentInput id={id} label={`Rollout of rule ${props.rule.id}`} value={text} onChange={setText} />
      <div class="row">
        <button type="submit" class="primary" disabled={props.busy || percent === null || percent === current}>
          Save rollout
        </button>
      </div>
    </form>
  );
}
