import { useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import { Dialog, DialogActions } from './Dialog';
import { ErrorMessage } from './Loading';

/**
 * Renames a project or an environment: its display name only, as keys never change; with a
 * `description` (projects), the dialog edits that too and is called Edit.
 */
export function RenameButton(props: {
  /** e.g. "project" or "environment" (names the button and the dialog). */
  kind: string;
  itemKey: string;
  name: string;
  description?: string;
  rename: (name: string, description?: string) => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(props.name);
  const [description, setDescription] = useState(props.description ?? '');
  const editsDescription = props.description !== undefined;
  const verb = editsDescription ? 'Edit' : 'Rename';
  const save = useAction();
  const label = `${props.kind} ${props.itemKey}`;
  const inputId = `rename-${props.kind}-${props.itemKey}`;

  const show = () => {
    setName(props.name);
    setDescription(props.description ?? '');
    save.setError(null);
    setOpen(true);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    await save.run(async () => {
      await props.rename(name.trim(), editsDescription ? description.trim() : undefined);
      setOpen(false);
    });
  };

  return (
    <>
      <button type="button" aria-label={`${verb} ${label}`} onClick={show}>
        {verb}
      </button>
      <Dialog title={`${verb} ${label}`} open={open} onClose={() => setOpen(false)}>
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
          {editsDescription && (
            <>
              <label for={`${inputId}-description`}>Description</label>
              <textarea
                id={`${inputId}-description`}
                maxLength={2000}
                rows={3}
                value={description}
                onInput={(event) => setDescription(event.currentTarget.value)}
              />
            </>
          )}
          {save.error && <ErrorMessage error={save.error} />}
          <DialogActions
            confirm={editsDescription ? 'Save' : 'Save name'}
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
