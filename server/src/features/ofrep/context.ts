import type { EvaluationContext } from '@switchyard/core';
import { toSwitchyardContext } from '@switchyard/core/client-api';
import { z } from 'zod';

/** Largest OFREP request body: a context is a handful of attributes, not a document. */
export const OFREP_BODY_LIMIT = 64 * 1024;

/**
 * One attribute of an OFREP context, as Switchyard evaluates it: a string, a number, a boolean or
 * a list of strings. `null` means "absent". Nested objects and other lists have no meaning to
 * Switchyard's operators; rather than drop them silently (a rule would then quietly never match),
 * the request is refused with INVALID_CONTEXT.
 */
const attributeSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

/** The OFREP evaluation context (a JSON object of attributes; `targetingKey` is a string). */
export const ofrepContextSchema = z
  .record(z.string(), attributeSchema)
  .superRefine((context, check) => {
    if ('targetingKey' in context && typeof context.targetingKey !== 'string') {
      check.addIssue({ code: 'custom', path: ['targetingKey'], message: 'targetingKey must be a string' });
    }
  })
  .describe(
    'Attributes to evaluate with: strings, numbers, booleans or lists of strings (`null` = absent). ' +
      '`targetingKey` is the unit of rollouts and splits: it becomes `userId` unless `userId` is given.',
  )
  .meta({ example: { targetingKey: 'user-42', country: 'NO', plan: 'pro', roles: ['beta'] } });

/** The body of both OFREP evaluation requests. */
export const ofrepRequestSchema = z
  .object({ context: ofrepContextSchema.nullish() })
  .describe('OFREP evaluation request: `{ "context": { … } }`; a missing body or context is an empty context.')
  .nullish();

export type OfrepRequest = z.infer<typeof ofrepRequestSchema>;

/**
 * The Switchyard context of a validated OFREP request, mapped like the SDKs' OpenFeature providers
 * map theirs (`toSwitchyardContext`): `targetingKey` becomes `userId` unless one is given, `null`
 * attributes are left out.
 */
export function toEvaluationContext(request: OfrepRequest): EvaluationContext {
  return request?.context ? toSwitchyardContext(request.context) : {};
}
