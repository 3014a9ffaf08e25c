import type { Condition } from '@switchyard/core';
import { useState } from 'preact/hooks';
import { ConditionRow } from '../flags/rules/ConditionRow';
import { conditionOf, conditionProblem, emptyCondition, type ConditionDraft } from '../flags/rules/rule-draft';
import { ErrorMessage } from '../../components/Loading';

/** What the form saves: the key only when creating (keys never change). */
export interface SegmentFields {
  key: string;
  name: string;
  description: string;
  conditions: Condition[];
}

export const draftsOf = (conditions: Condition[]): ConditionDraft[] =>
  conditions.map((condition) => ({
    attribute: condition.attribute,
    operator: condition.operator,
    values: condition.values.map(String).join('\n'),
    negate: condition.negate ?? false,
    caseInsensitive: condition.caseInsensitive ?? false,
  }));

/**
 * A segment's name, description and conditions (all must match; none matches everyone), each
 * condition typed and checked as it is typed with core's own schema, as in the rules editor.
 */
export function SegmentForm(props: {
  idPrefix: string;
  initial: SegmentFields;
  /** True when creating: the key is asked for; an existing segment's key is fixed. */
  creating: boolean;
  submitLabel: string;
  busy: boolean;
  onSubmit: (fields: SegmentFields) => void;
}) {
  const { idPrefix: id } = props;
  const [key, setKey] = useState(props.initial.key);
  const [name, setName] = useState(props.initial.name);
  const [description, setDescription] = useState(props.initial.description);
  const [conditions, setConditions] = useState<ConditionDraft[]>(() => draftsOf(props.initial.conditions));
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    for (const [index, condition] of conditions.entries()) {
      const found = conditionProblem(condition);
      if (found) {
        setProblem(`Condition ${index + 1}: ${found}`);
        return;
      }
    }
    setProblem(null);
    props.onSubmit({
      key: key.trim(),
      name: name.trim(),
      description: description.trim(),
      conditions: conditions.map(conditionOf),
    });
  };

  return (
    <form class="stack" onSubmit={submit}>
      {props.creating && (
        <>
          <label for={`${id}-key`}>Key</label>
          <input
            id={`${id}-key`}
            required
            autoComplete="off"
            value={key}
            aria-describedby={`${id}-key-hint`}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
          <p id={`${id}-key-hint`} class="hint">
            Permanent: rules name it. Up to 100 of a–z, A–Z, 0–9, . _ - ~
          </p>
        </>
      )}
      <label for={`${id}-name`}>Name</label>
      <input id={`${id}-name`} required value={name} onInput={(event) => setName(event.currentTarget.value)} />
      <label for={`${id}-description`}>Description</label>
      <input
        id={`${id}-description`}
        value={description}
        onInput={(event) => setDescription(event.currentTarget.value)}
      />
      <h3>Conditions</h3>
      <p class="hint">
        {conditions.length === 0
          ? 'No condition: the segment matches everyone.'
          : 'A user is in the segment when every condition matches.'}
      </p>
      {conditions.map((condition, index) => (
        <ConditionRow
          key={index}
          id={`${id}-condition-${index}`}
          label={`Condition ${index + 1}`}
          condition={condition}
          onChange={(next) => setConditions(conditions.map((c, i) => (i === index ? next : c)))}
          onRemove={() => setConditions(conditions.filter((_, i) => i !== index))}
        />
      ))}
      <div class="row">
        <button type="button" onClick={() => setConditions([...conditions, emptyCondition()])}>
          Add a condition
        </button>
      </div>
      {problem && <ErrorMessage error={problem} />}
      <div class="row">
        <button type="submit" class="primary" disabled={props.busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
