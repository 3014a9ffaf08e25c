import type { ComponentChildren } from 'preact';

/**
 * The key and name fields of a create form (projects, environments): the key with a hint on why
 * it is permanent, then the display name. Ids are `${idPrefix}-key` and `${idPrefix}-name`.
 */
export function KeyNameFields(props: {
  idPrefix: string;
  keyValue: string;
  name: string;
  onKey: (key: string) => void;
  onName: (name: string) => void;
  keyHint: ComponentChildren;
}) {
  const keyId = `${props.idPrefix}-key`;
  return (
    <>
      <label for={keyId}>Key</label>
      <input
        id={keyId}
        required
        autoComplete="off"
        value={props.keyValue}
        aria-describedby={`${keyId}-hint`}
        onInput={(event) => props.onKey(event.currentTarget.value)}
      />
      <p id={`${keyId}-hint`} class="hint">
        {props.keyHint}
      </p>
      <label for={`${props.idPrefix}-name`}>Name</label>
      <input
        id={`${props.idPrefix}-name`}
        required
        value={props.name}
        onInput={(event) => props.onName(event.currentTarget.value)}
      />
    </>
  );
}
