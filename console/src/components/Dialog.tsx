import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal dialog on the native `<dialog>`: the browser traps focus, Escape closes it and the page
 * behind is inert. `title` names it for assistive technology.
 */
export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  const titleId = `dialog-title-${props.title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={props.onClose} class="dialog">
      <h2 id={titleId}>{props.title}</h2>
      {props.open && props.children}
    </dialog>
  );
}

/**
 * A dialog's confirm and Cancel buttons, the same in every dialog. Without `onConfirm` the confirm
 * button submits the form around it. `busyLabel` (e.g. "Deleting…") replaces the label while busy.
 */
export function DialogActions(props: {
  confirm: string;
  busyLabel?: string;
  busy: boolean;
  /** Disabled for another reason than being busy (e.g. a confirmation not typed yet). */
  disabled?: boolean;
  tone: 'primary' | 'danger';
  onConfirm?: () => void;
  onCancel: () => void;
}) {
  return (
    <div class="row">
      <button
        type={props.onConfirm ? 'button' : 'submit'}
        class={props.tone}
        disabled={props.busy || props.disabled}
        onClick={props.onConfirm}
      >
        {props.busy && props.busyLabel ? props.busyLabel : props.confirm}
      </button>
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
