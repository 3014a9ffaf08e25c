import { useState } from 'preact/hooks';
import {
  GUARD_FIELDS,
  GUARD_KINDS,
  guardIssueAt,
  guardRow,
  switchMode,
  type GuardField,
  type GuardKindName,
  type GuardRow,
  type GuardsState,
} from './guard-form';
import type { Issue } from './plan-text';

/**
 * The plan's guards: a fieldset per guard (kind, its fields, Remove) and "Add guard", or the same
 * guards as JSON ("Edit as JSON", for what the fields cannot express). The server's 400 issues
 * (`body.guards.N.field`) are shown under the field they name.
 */
export function GuardsEditor(props: { state: GuardsState; onChange: (state: GuardsState) => void; issues: Issue[] }) {
  const { state, onChange, issues } = props;
  // Why JSON could not be shown as fields (cleared by the next switch or edit).
  const [note, setNote] = useState('');
  const toggle = () => {
    const next = switchMode(state);
    if ('error' in next) setNote(`${next.error} Keep editing the JSON, or fix it to use the fields.`);
    else {
      setNote('');
      onChange(next.state);
    }
  };
  const listIssues = issues.filter((issue) => issue.path === 'body.guards');
  return (
    <fieldset class="stack" aria-describedby="plan-guards-hint">
      <legend>Guards</legend>
      <p id="plan-guards-hint" class="hint">
        Any failing guard stops the plan (see "When a guard fails"); the server checks every field.
      </p>
      {state.mode === 'fields' ? (
        <>
          {state.rows.length === 0 && <p>No guards: the plan moves on by its holds and gates alone.</p>}
          {state.rows.map((row, index) => (
            <GuardFieldset
              key={index}
              index={index}
              row={row}
              issues={issues}
              onChange={(next) =>
                onChange({ mode: 'fields', rows: state.rows.map((r, i) => (i === index ? next : r)) })
              }
              onRemove={() => onChange({ mode: 'fields', rows: state.rows.filter((_, i) => i !== index) })}
            />
          ))}
        </>
      ) : (
        <>
          <label for="plan-guards">Guards (JSON array; empty for none)</label>
          <textarea
            id="plan-guards"
            rows={6}
            spellcheck={false}
            value={state.text}
            aria-invalid={issues.some((issue) => issue.path.startsWith('body.guards')) ? 'true' : undefined}
            aria-describedby="plan-guards-json-hint"
            onInput={(event) => {
              setNote('');
              onChange({ mode: 'json', text: event.currentTarget.value });
            }}
          />
          <p id="plan-guards-json-hint" class="hint">
            Kinds: http (url, path, operator, threshold), prometheus (query, operator, threshold), builtin (event,
            metric, direction), or one the server registered.
          </p>
        </>
      )}
      {listIssues.map((issue) => (
        <p key={issue.message} class="error">
          {issue.message}
        </p>
      ))}
      {note && (
        <p role="status" class="error">
          {note}
        </p>
      )}
      <div class="row">
        {state.mode === 'fields' && (
          <button
            type="button"
            onClick={() => onChange({ mode: 'fields', rows: [...state.rows, guardRow('prometheus')] })}
          >
            Add guard
          </button>
        )}
        <button type="button" aria-pressed={state.mode === 'json'} onClick={toggle}>
          Edit as JSON
        </button>
      </div>
    </fieldset>
  );
}

/** One guard: "Guard 1: prometheus", its kind, its fields with their issues, Remove. */
function GuardFieldset(props: {
  index: number;
  row: GuardRow;
  issues: Issue[];
  onChange: (row: GuardRow) => void;
  onRemove: () => void;
}) {
  const { index, row } = props;
  const fields = GUARD_FIELDS[row.kind];
  const mine = props.issues.flatMap((issue) => {
    const at = guardIssueAt(issue);
    return at && at.index === index ? [{ field: at.field, message: issue.message }] : [];
  });
  // Issues naming no field of this kind (an unknown key, say) are shown for the guard as a whole.
  const general = mine.filter((issue) => !fields.some((field) => field.name === issue.field));
  const id = (name: string) => `plan-guard-${index}-${name}`;
  const messagesOf = (field: GuardField) =>
    mine.filter((issue) => issue.field === field.name).map((issue) => issue.message);
  const optional = fields.filter((field) => !field.required);
  const [showOptional, setShowOptional] = useState(() => optional.some((field) => row.values[field.name]));
  const input = (field: GuardField) => (
    <FieldInput
      key={field.name}
      id={id(field.name)}
      field={field}
      value={row.values[field.name] ?? ''}
      messages={messagesOf(field)}
      onInput={(value) => props.onChange({ kind: row.kind, values: { ...row.values, [field.name]: value } })}
    />
  );
  return (
    <fieldset class="stack guard-fields">
      <legend>
        Guard {index + 1}: {row.kind}
      </legend>
      <label for={id('kind')}>Kind</label>
      <select
        id={id('kind')}
        value={row.kind}
        aria-invalid={mine.some((issue) => issue.field === 'kind') ? 'true' : undefined}
        onChange={(event) => props.onChange(guardRow(event.currentTarget.value as GuardKindName, row.values))}
      >
        {GUARD_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {kind}
          </option>
        ))}
      </select>
      {fields.filter((field) => field.required).map(input)}
      {optional.length > 0 && (
        // Optional settings (server defaults) start folded unless one holds a value; an issue opens them.
        <details
          open={showOptional || optional.some((field) => messagesOf(field).length > 0) || undefined}
          onToggle={(event) => setShowOptional(event.currentTarget.open)}
        >
          <summary>Optional settings (defaults apply)</summary>
          <div class="stack">{optional.map(input)}</div>
        </details>
      )}
      {general.map((issue) => (
        <p key={issue.message} class="error">
          {issue.message}
        </p>
      ))}
      <div class="row">
        <button type="button" aria-label={`Remove guard ${index + 1}`} onClick={props.onRemove}>
          Remove
        </button>
      </div>
    </fieldset>
  );
}

/** A labelled input of one guard field, with its hint and the server's messages about it. */
function FieldInput(props: {
  id: string;
  field: GuardField;
  value: string;
  messages: string[];
  onInput: (value: string) => void;
}) {
  const { id, field, value, messages } = props;
  const described = [field.hint ? `${id}-hint` : '', messages.length > 0 ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    required: field.required,
    'aria-invalid': messages.length > 0 ? ('true' as const) : undefined,
    'aria-describedby': described || undefined,
  };
  return (
    <>
      <label for={id}>{field.label}</label>
      {field.type === 'select' ? (
        <select {...common} value={value} onChange={(event) => props.onInput(event.currentTarget.value)}>
          {field.options!.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : field.type === 'query' ? (
        <textarea
          {...common}
          rows={2}
          spellcheck={false}
          placeholder={field.placeholder}
          value={value}
          onInput={(event) => props.onInput(event.currentTarget.value)}
        />
      ) : (
        <input
          {...common}
          // Text, not number: the server is the judge of the value (and "1e-3" or "0,5" reach it as typed).
          type="text"
          inputMode={field.type === 'number' ? 'decimal' : undefined}
          spellcheck={false}
          placeholder={field.placeholder}
          value={value}
          onInput={(event) => props.onInput(event.currentTarget.value)}
        />
      )}
      {field.hint && (
        <p id={`${id}-hint`} class="hint">
          {field.hint}
        </p>
      )}
      {messages.length > 0 && (
        <p id={`${id}-error`} class="error">
          {messages.join('; ')}
        </p>
      )}
    </>
  );
}
