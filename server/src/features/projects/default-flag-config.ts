import type { Serve, Variant } from '@switchyard/core';

/** The configuration columns of a `FlagConfig` row (everything but the ids and bookkeeping). */
export interface FlagConfigDefaults {
  enabled: false;
  offVariant: string;
  defaultServe: Serve;
  rules: [];
  prerequisites: [];
}

/**
 * The configuration a flag gets in an environment where nobody configured it yet: used when a flag
 * is created (for every environment of its project) and when an environment is created (for every
 * flag of its project).
 *
 * - disabled, so it serves its off variant until someone turns it on;
 * - `offVariant`: the variant keyed `off` if there is one, else the first variant;
 * - `defaultServe`: the variant keyed `on` if there is one (so turning a boolean flag on means
 *   "on"), else the off variant (turning any other flag on changes nothing until it is configured);
 * - no rules, no prerequisites.
 *
 * Needs at least one variant (every valid flag has one).
 */
export function defaultFlagConfig(flag: { variants: readonly Pick<Variant, 'key'>[] }): FlagConfigDefaults {
  const keys = flag.variants.map((variant) => variant.key);
  const offVariant = keys.includes('off') ? 'off' : keys[0];
  if (offVariant === undefined) throw new Error('defaultFlagConfig: a flag needs at least one variant');
  return {
    enabled: false,
    offVariant,
    defaultServe: { variant: keys.includes('on') ? 'on' : offVariant },
    rules: [],
    prerequisites: [],
  };
}
