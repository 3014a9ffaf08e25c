/**
 * The longest a `Retry-After` keeps an SDK away from a server, in ms (before jitter): a value
 * beyond it is a misconfigured proxy or an attack on the clients (`Retry-After: 31536000`), not a
 * plan, and an SDK that trusted it would stay offline for as long as the header said.
 */
export const RETRY_AFTER_MAX_MS = 300_000;

/**
 * The wait a `Retry-After` header asks for, in ms, clamped to `[0, RETRY_AFTER_MAX_MS]`; `undefined`
 * when there is no header or it is neither form of RFC 9110 §10.2.3: delay-seconds (`120`: digits
 * only) or an HTTP-date (`Fri, 31 Dec 1999 23:59:59 GMT`; a date in the past means "now", 0).
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1_000;
  else {
    // An HTTP-date starts with the day's name; asctime's form has no zone but means GMT too, which
    // Date.parse would otherwise read as local time.
    const date = /^[a-z]{3}/i.test(text) ? Date.parse(/ GMT$/i.test(text) ? text : `${text} GMT`) : NaN;
    if (Number.isNaN(date)) return undefined;
    ms = date - now;
  }
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms));
}

/**
 * How long to stay away after the server asked for `retryAfterMs`: that long and up to half as
 * long again, uniformly random. Every client refused at the same moment gets the same header (the
 * end of a rate-limit window, a fixed 30 s), so without the jitter a fleet would come back in one
 * wave, the herd the header was meant to prevent. Never less than asked. `random` is injectable so
 * tests can pin it.
 */
export function retryAfterDelay(retryAfterMs: number, random: () => number = Math.random): number {
  return retryAfterMs + Math.floor(random() * (retryAfterMs / 2));
}
