/**
 * Where the client reports what it does. Compatible with `console`, pino and most loggers: each
 * method takes a message and, optionally, structured details. Missing methods are skipped.
 */
export interface Logger {
  debug?(message: string, details?: unknown): void;
  info?(message: string, details?: unknown): void;
  warn?(message: string, details?: unknown): void;
  error?(message: string, details?: unknown): void;
}

/** The default: says nothing, so an application's console stays its own. */
export const silentLogger: Logger = Object.freeze({});

/** Calls into an application logger must not break the client either. */
export function safeLogger(logger: Logger | undefined): Required<Logger> {
  const target = logger ?? silentLogger;
  const wrap =
    (level: keyof Logger) =>
    (message: string, details?: unknown): void => {
      try {
        if (details === undefined) target[level]?.(message);
        else target[level]?.(message, details);
      } catch {
        // A broken logger is not worth failing a flag update for.
      }
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
