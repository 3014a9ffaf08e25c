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
