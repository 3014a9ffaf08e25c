import { useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import { Dialog, DialogActions } from './Dialog';
import { ErrorMessage } from './Loading';

/** Renames a project or an environment: its display name only, as keys never change. */
export function RenameButton(props: {
  /** e.g. "project" or "environment" (names the button and the dialog). */
  kind: string;
  itemKey: string;
  name: string;
  rename: (name: string) => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(props.name);
  const save = useAction();
  const label = `${props.kind} ${props.itemKey}`;
  const inputId = `rename-${props.kind}-${props.itemKey}`;

  const show = () => {
    setName(props.name);
    save.setError(null);
    setOpen(true);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    await save.run(async () => {
      await props.rename(name.trim());
      setOpen(false);
    });
  };

  return (
    <>
      <button type="button" aria-label={`Rename ${label}`} onClick={show}>
        Rename
      </button>
      <Dialog title={`Rename ${label}`} open={open} onClose={() => setOpen(false)}>
        <form class="stack" onSubmit={(event) => void submit(event)}>
          <label for={inputId}>Name</label>
          <input
            id={inputId}
            required
            maxLength={200}
            value={name}
            aria-describedby={`${inputId}-hint`}
            onInput={(event) => setName(event.currentTarget.value)}
          />
          <p id={`${inputId}-hint`} class="hint">
            The key, {props.itemKey}, stays: SDK tokens, URLs and the audit log name it.
          </p>
          {save.error && <ErrorMessage error={save.error} />}
          <DialogActions
            confirm="Save name"
            busyLabel="Saving…"
            busy={save.busy}
            tone="primary"
            onCancel={() => setOpen(false)}
          />
        </form>
      </Dialog>
    </>
  );
}
