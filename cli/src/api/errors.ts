/** The server's error body (server/src/http/errors.ts). */
export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** A request the server answered with a status >= 400, or that never got an answer (`status` 0). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly body: ErrorBody | undefined,
    message?: string,
  ) {
    super(message ?? describe(status, method, path, body));
  }
}

function describe(status: number, method: string, path: string, body: ErrorBody | undefined): string {
  const what = body?.message ?? `HTTP ${status}`;
  const details = validationDetails(body?.details);
  return `${method} ${path}: ${status} ${what}${details}`;
}

/** The failing fields of a 400, one per line, when the server listed them (in `details.issues`). */
function validationDetails(details: unknown): string {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return '';
  const lines = issues
    .filter((d): d is { path: string; message: string } => typeof d === 'object' && d !== null && 'path' in d)
    .map((d) => `\n  ${d.path}: ${d.message}`);
  return lines.join('');
}
