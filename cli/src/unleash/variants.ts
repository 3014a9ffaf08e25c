/**
 * Unleash variants as Switchyard variants and splits. Unleash weights are per mille (summing to
 * 1000) and its variant hash is Switchyard's variant bucket with the same seed, so a split of the
 * same weights in the same order gives every user the variant Unleash gives them.
 */
import type { JsonValue, Variant } from '@switchyard/core';
import { perMilleToPercent, type PercentServe } from '../api/rollout.js';
import type { UnleashVariant } from './export-format.js';

/** The variant served when Unleash answers "disabled" (no strategy matched, or the flag is off). */
export const DISABLED_VARIANT = 'disabled';

export type ValueType = 'string' | 'json' | 'number';

/** The flag type of a set of Unleash variants, from their payloads. */
export function valueTypeOf(variants: UnleashVariant[]): { ok: true; type: ValueType } | { ok: false; why: string } {
  const types = new Set(variants.map((v) => v.payload?.type).filter((t): t is string => t !== undefined));
  const kinds = new Set([...types].map((t) => (t === 'csv' ? 'string' : t)));
  if (kinds.size === 0) return { ok: true, type: 'string' };
  if (kinds.size > 1) return { ok: false, why: `variant payloads of several types (${[...types].join(', ')})` };
  const [kind] = kinds;
  if (kind !== 'string' && kind !== 'json' && kind !== 'number') return { ok: false, why: `payload type ${kind}` };
  if (kind === 'number' && variants.some((v) => !v.payload))
    return { ok: false, why: 'number payloads with a variant that has none' };
  return { ok: true, type: kind };
}

/** The Switchyard value of one Unleash variant. */
export function valueOf(
  variant: UnleashVariant,
  type: ValueType,
): { ok: true; value: JsonValue } | { ok: false; why: string } {
  const payload = variant.payload;
  if (!payload) return { ok: true, value: type === 'json' ? null : variant.name };
  if (type === 'number') {
    const n = Number(payload.value);
    return Number.isFinite(n)
      ? { ok: true, value: n }
      : { ok: false, why: `variant ${variant.name}: "${payload.value}" is not a number` };
  }
  if (type === 'json') {
    try {
      return { ok: true, value: JSON.parse(payload.value) as JsonValue };
    } catch {
      return { ok: false, why: `variant ${variant.name}: its JSON payload does not parse` };
    }
  }
  return { ok: true, value: payload.value };
}

export const disabledValue = (type: ValueType): JsonValue =>
  type === 'json' ? null : type === 'number' ? 0 : DISABLED_VARIANT;

/**
 * The split of a variant list, or why not. `stickiness` is Unleash's (`default` = userId, then
 * sessionId, then random; Switchyard: userId, then sessionId).
 */
export function splitOf(
  variants: UnleashVariant[],
  stickiness: string | undefined,
): { ok: true; serve: PercentServe } | { ok: false; why: string } {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (total !== 1000) return { ok: false, why: `variant weights sum to ${total}, not 1000` };
  if (variants.some((v) => v.overrides?.length))
    return { ok: false, why: 'variant overrides (replaced by strategy constraints in Unleash 5)' };
  if (stickiness === 'random') return { ok: false, why: 'random variant stickiness: Switchyard splits are sticky' };
  const split = variants.map((v) => ({ variant: v.name, percent: perMilleToPercent(v.weight) }));
  return { ok: true, serve: { split, ...(stickiness && stickiness !== 'default' ? { stickiness } : {}) } };
}

/** Every variant a flag serves, by name; differing payloads under one name cannot be one flag variant. */
export function collectVariants(
  lists: UnleashVariant[][],
  type: ValueType,
): { ok: true; variants: Variant[] } | { ok: false; why: string[] } {
  const byName = new Map<string, JsonValue>();
  const why: string[] = [];
  for (const variant of lists.flat()) {
    const value = valueOf(variant, type);
    if (!value.ok) {
      why.push(value.why);
      continue;
    }
    const seen = byName.get(variant.name);
    if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(value.value))
      why.push(`variant ${variant.name} has different payloads in different places`);
    byName.set(variant.name, value.value);
  }
  if (byName.has(DISABLED_VARIANT))
    why.push(`a variant is named "${DISABLED_VARIANT}", the name Unleash gives "no variant"`);
  if (why.length > 0) return { ok: false, why };
  return {
    ok: true,
    variants: [
      { key: DISABLED_VARIANT, value: disabledValue(type) },
      ...[...byName].map(([key, value]) => ({ key, value })),
    ],
  };
}
