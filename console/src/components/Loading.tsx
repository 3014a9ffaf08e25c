import { ApiError } from '../api/client';

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" class="hint">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" class="error">
      {message}
    </p>
  );
}
