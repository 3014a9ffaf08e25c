import type { Serve } from '@switchyard/core';
import type { ConfigState } from './store.js';

/** Where a configuration names a variant, e.g. `offVariant`, `defaultServe`, `rules[rule-1]`. */
export interface VariantReference {
  variant: string;
  field: string;
}

function serveVariants(serve: Serve): string[] {
  return 'variant' in serve ? [serve.variant] : serve.split.map((share) => share.variant);
}

/** Every variant a configuration serves, with the field that serves it. */
export function variantReferences(config: ConfigState): VariantReference[] {
  const references: VariantReference[] = [{ variant: config.offVariant, field: 'offVariant' }];
  for (const variant of serveVariants(config.defaultServe)) references.push({ variant, field: 'defaultServe' });
  for (const rule of config.rules) {
    for (const variant of serveVariants(rule.serve)) references.push({ variant, field: `rules[${rule.id}]` });
  }
  return references;
}
