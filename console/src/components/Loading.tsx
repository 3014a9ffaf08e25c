import { messageOf } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" class="hint">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  return (
    <p role="alert" class="error">
      {messageOf(error)}
    </p>
  );
}

/**
 * One paragraph for a form's outcome: its failure (an alert), else the notice of its last success
 * (a status, styled `noticeClass`), else nothing.
 */
export function Outcome({
  error,
  notice,
  noticeClass = 'notice',
}: {
  error: string | null;
  notice: string | null;
  noticeClass?: string;
}) {
  if (error) return <ErrorMessage error={error} />;
  if (!notice) return null;
  return (
    <p role="status" class={noticeClass}>
      {notice}
    </p>
  );
}
