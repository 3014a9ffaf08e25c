import { useState } from 'preact/hooks';
import { killEverywhere, killInEnvironment } from '../api/flags';
import { invalidate } from '../hooks/query';
import { useAction } from '../hooks/useAction';
import { Dialog, DialogActions } from './Dialog';

export interface KillButtonProps {
  project: string;
  flag: string;
  /** Kill in this environment only; absent = every environment of the flag. */
  environment?: string;
  onKilled?: () => void;
}

/**
 * The kill switch: one click opens a dialog that asks why (the reason goes to the audit log), and
 * Confirm (or Enter in the reason) kills. No If-Match: a kill works whatever the version.
 */
export function KillButton({ project, flag, environment, onKilled }: KillButtonProps) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const kill = useAction();
  const where = environment ? `in ${environment}` : 'in every environment';

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!reason.trim()) {
      kill.setError('Say why: the reason goes to the audit log.');
      return;
    }
    await kill.run(async () => {
      if (environment) await killInEnvironment(project, flag, environment, reason.trim());
      else await killEverywhere(project, flag, reason.trim());
      invalidate('flags:');
      setOpen(false);
      setReason('');
      onKilled?.();
    });
  };

  const reasonId = `kill-reason-${project}-${flag}`;
  return (
    <>
      <button type="button" class="danger" aria-label={`Kill ${flag} ${where}`} onClick={() => setOpen(true)}>
        Kill
      </button>
      <Dialog title={`Kill ${flag} ${where}?`} open={open} onClose={() => setOpen(false)}>
        <form onSubmit={submit} class="stack">
          <p>
            SDKs get the flag off {where} within seconds. Project <strong>{project}</strong>. You can restore the
            previous configuration later.
          </p>
          <label for={reasonId}>Reason (for the audit log)</label>
          <input
            id={reasonId}
            type="text"
            required
            autoFocus
            maxLength={1000}
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
            aria-describedby={kill.error ? `${reasonId}-error` : undefined}
          />
          {kill.error && (
            <p id={`${reasonId}-error`} role="alert" class="error">
              {kill.error}
            </p>
          )}
          <DialogActions
            confirm="Confirm kill"
            busyLabel="Killing…"
            busy={kill.busy}
            tone="danger"
            onCancel={() => setOpen(false)}
          />
        </form>
      </Dialog>
    </>
  );
}
