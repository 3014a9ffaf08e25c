import { useState } from 'preact/hooks';
import { archiveFlag, unarchiveFlag } from '../../api/flag-list';
import { Dialog, DialogActions } from '../../components/Dialog';
import { invalidate } from '../../hooks/query';
import { useAction } from '../../hooks/useAction';
import { flagsKey } from '../../hooks/useFlags';
import { ErrorMessage } from '../../components/Loading';

/**
 * Archive (asks first: the flag leaves every SDK snapshot) or unarchive (at once) a flag. The
 * server refuses with a 409 while a live flag lists it as a prerequisite; the message says which.
 */
export function ArchiveButton({ project, flag, archived }: { project: string; flag: string; archived: boolean }) {
  const [open, setOpen] = useState(false);
  const archive = useAction();

  const run = () =>
    archive.run(async () => {
      await (archived ? unarchiveFlag(project, flag) : archiveFlag(project, flag));
      setOpen(false);
      invalidate(flagsKey(project));
      invalidate('flags:*');
    });

  if (archived) {
    return (
      <span class="row">
        <button type="button" disabled={archive.busy} aria-label={`Unarchive ${flag}`} onClick={() => void run()}>
          Unarchive
        </button>
        {archive.error && (
          <span role="alert" class="error">
            {archive.error}
          </span>
        )}
      </span>
    );
  }
  return (
    <>
      <button type="button" aria-label={`Archive ${flag}`} onClick={() => setOpen(true)}>
        Archive
      </button>
      <Dialog title={`Archive ${flag}?`} open={open} onClose={() => setOpen(false)}>
        <div class="stack">
          <p>
            The flag leaves every SDK snapshot of project <strong>{project}</strong>: SDKs then serve their code
            defaults. You can unarchive it later.
          </p>
          {archive.error && <ErrorMessage error={archive.error} />}
          <DialogActions
            confirm="Confirm archive"
            busyLabel="Archiving…"
            busy={archive.busy}
            tone="danger"
            onConfirm={() => void run()}
            onCancel={() => setOpen(false)}
          />
        </div>
      </Dialog>
    </>
  );
}
