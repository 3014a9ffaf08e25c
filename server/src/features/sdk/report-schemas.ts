import { z } from 'zod';

/**
 * Schema pieces shared by the SDK report bodies (`POST /sdk/metrics`, `POST /sdk/events`): both
 * cover a time window and nest records whose size a public client key must not be able to inflate.
 */

/** A record of at most `max` keys; `what` names them in the error ("variants per flag"). */
export function boundedRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(
  key: K,
  value: V,
  max: number,
  what: string,
) {
  return z
    .record(key, value)
    .refine((record) => Object.keys(record).length <= max, { message: `at most ${max} ${what}` });
}

/** The `start` and `end` fields of a report; `window` says what the window is of. */
export function reportWindowFields(window: string) {
  return {
    start: z.iso.datetime({ offset: true }).describe(`Start of the ${window} (ISO 8601)`),
    end: z.iso.datetime({ offset: true }).describe(`End of the ${window} (ISO 8601)`),
  };
}

/** A report body whose `end` is not before its `start`. */
export function withOrderedWindow<S extends z.ZodType<{ start: string; end: string }>>(body: S) {
  return body.refine((report) => Date.parse(report.end) >= Date.parse(report.start), {
    message: 'must not be before start',
    path: ['end'],
  });
}
