import { useState } from 'preact/hooks';
import { ApiError, messageOf } from '../api/client';

/** How one run of an action ends, when it differs from the usual (busy off, the error's message shown). */
export interface RunOptions {
  /**
   * What to show for a failure: by default `messageOf(caught)`. Map a known refusal to words here
   * (a 409 "already exists"), or do what the failure calls for and return `null` to show nothing
   * (e.g. the caller shows a 409 in its own way).
   */
  onError?: (caught: unknown) => string | null;
  /**
   * Leave `busy` on after a success: the control is going away (a sign-out, a row the server just
   * removed), and must not be pressed again meanwhile. A failure always turns it off.
   */
  keepBusy?: boolean;
}

/**
 * An `onError` that says some refusals in the form's own words, by status (e.g. 409: "A project
 * with the key … already exists."), and anything else as `messageOf` does.
 */
export const byStatus =
  (words: Partial<Record<number, string>>) =>
  (caught: unknown): string =>
    (caught instanceof ApiError && words[caught.status]) || messageOf(caught);

/** The setters `runAction` drives: a component's `busy` and `error` state. */
export interface ActionState {
  setBusy: (busy: boolean) => void;
  setError: (error: string | null) => void;
}

/**
 * One run of an action, in the order every form of the console used: busy on and the previous
 * error cleared, then the work (which also does what a success calls for: close a dialog, reset a
 * form, navigate); on a failure the error's message; busy off last. Resolves to whether the work
 * succeeded, never rejects. Kept apart from the hook so its order is tested without a DOM.
 */
export async function runAction(
  state: ActionState,
  work: () => Promise<unknown>,
  options: RunOptions = {},
): Promise<boolean> {
  state.setBusy(true);
  state.setError(null);
  try {
    await work();
    if (!options.keepBusy) state.setBusy(false);
    return true;
  } catch (caught) {
    state.setError(options.onError ? options.onError(caught) : messageOf(caught));
    state.setBusy(false);
    return false;
  }
}

export interface Action {
  /** True while a run is in progress: disables the control that started it. */
  busy: boolean;
  /** The last failure's message, shown by the component (`<ErrorMessage>` or its own markup). */
  error: string | null;
  /** For messages outside a run: a check before sending, or clearing when a dialog closes. */
  setError: (error: string | null) => void;
  /** Runs `work` (see `runAction`); resolves to whether it succeeded. */
  run: (work: () => Promise<unknown>, options?: RunOptions) => Promise<boolean>;
}

/**
 * The busy flag and error message of a button or form that sends one request at a time:
 * `const save = useAction(); … void save.run(async () => { await put(…); setOpen(false); })`,
 * then `disabled={save.busy}` and `{save.error && <ErrorMessage error={save.error} />}`.
 */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return {
    busy,
    error,
    setError,
    run: (work, options) => runAction({ setBusy, setError }, work, options),
  };
}
