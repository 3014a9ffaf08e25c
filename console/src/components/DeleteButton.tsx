import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api/client';
import { useAction } from '../hooks/useAction';
import { Dialog, DialogActions } from './Dialog';
import { ErrorMessage } from './Loading';

/**
 * Deletes a project or an environment after a confirmation that says what goes with it. When the
 * server refuses with a 409 (it still holds flags or segments), its message is shown and the forced
 * delete is offered only once the caller has typed the key: a second, deliberate confirmation, as
 * deleting everything in it cannot be undone.
 */
export function DeleteButton(props: {
  /** What is deleted, e.g. "project" or "environment" (names the button and the dialog). */
  kind: string;
  /** Its key: named in the dialog and typed to confirm a forced delete. */
  itemKey: string;
  /** What goes with it, in words. */
  children: ComponentChildren;
  remove: (force: boolean) => Promise<void>;
  onDeleted: () => void;
}) {
  const [open, setOpen] = useState(false);
  const deletion = useAction();
  // The 409's message once the server refused a plain delete: the forced one is offered then.
  const [refusal, setRefusal] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const label = `${props.kind} ${props.itemKey}`;
  const typedId = `delete-${props.kind}-${props.itemKey}-typed`;

  const close = () => {
    setOpen(false);
    deletion.setError(null);
    setRefusal(null);
    setTyped('');
  };
  // A plain delete refused with a 409 offers the forced one, with the refusal in its place.
  const refused = (caught: unknown) => {
    if (!(caught instanceof ApiError) || caught.status !== 409) return messageOf(caught);
    setRefusal(caught.message);
    return null;
  };
  const run = (force: boolean) =>
    deletion.run(
      async () => {
        await props.remove(force);
        close();
        props.onDeleted();
      },
      force ? {} : { onError: refused },
    );

  return (
    <>
      <button type="button" class="danger" aria-label={`Delete ${label}`} onClick={() => setOpen(true)}>
        Delete
      </button>
      <Dialog title={`Delete ${label}?`} open={open} onClose={close}>
        <div class="stack">
          {props.children}
          <p>This cannot be undone.</p>
          {refusal === null ? (
            <DialogActions
              confirm="Confirm delete"
              busyLabel="Deleting…"
              busy={deletion.busy}
              tone="danger"
              onConfirm={() => void run(false)}
              onCancel={close}
            />
          ) : (
            <form
              class="stack"
              onSubmit={(event) => {
                event.preventDefault();
                if (typed === props.itemKey) void run(true);
              }}
            >
              <p role="alert" class="error">
                {refusal}
              </p>
              <label for={typedId}>
                To delete it with everything in it, type <strong>{props.itemKey}</strong>
              </label>
              <input
                id={typedId}
                autoComplete="off"
                spellcheck={false}
                value={typed}
                onInput={(event) => setTyped(event.currentTarget.value)}
              />
              <DialogActions
                confirm="Delete everything"
                busyLabel="Deleting…"
                busy={deletion.busy}
                disabled={typed !== props.itemKey}
                tone="danger"
                onCancel={close}
              />
            </form>
          )}
          {deletion.error && <ErrorMessage error={deletion.error} />}
        </div>
      </Dialog>
    </>
  );
}
