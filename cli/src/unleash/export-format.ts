/**
 * Unleash exports, read leniently (unknown fields are ignored) and normalized to one model:
 * - the admin export (`/api/admin/features-batch/export`, or the older state export): `features`,
 *   `featureStrategies`, `featureEnvironments`, `segments`, `featureTags`, `dependencies`;
 * - the client API response (`/api/client/features`): `features` with their strategies, one
 *   environment (the command's --env says which).
 */
import { z } from 'zod';

const constraint = z.looseObject({
  contextName: z.string(),
  operator: z.string(),
  values: z.array(z.string()).optional(),
  value: z.string().optional(),
  inverted: z.boolean().optional(),
  caseInsensitive: z.boolean().optional(),
});
export type UnleashConstraint = z.infer<typeof constraint>;

const variant = z.looseObject({
  name: z.string(),
  weight: z.number(),
  weightType: z.string().optional(),
  stickiness: z.string().optional(),
  payload: z.looseObject({ type: z.string(), value: z.string() }).nullish(),
  overrides: z.array(z.looseObject({ contextName: z.string(), values: z.array(z.string()) })).optional(),
});
export type UnleashVariant = z.infer<typeof variant>;

const strategy = z.looseObject({
  name: z.string(),
  id: z.string().optional(),
  featureName: z.string().optional(),
  environment: z.string().optional(),
  parameters: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).nullish(),
  constraints: z.array(constraint).nullish(),
  segments: z.array(z.number()).nullish(),
  variants: z.array(variant).nullish(),
  disabled: z.boolean().nullish(),
  sortOrder: z.number().nullish(),
});
export type UnleashStrategy = z.infer<typeof strategy>;

const dependency = z.looseObject({
  feature: z.string(),
  enabled: z.boolean().optional(),
  variants: z.array(z.string()).optional(),
});
export type UnleashDependency = z.infer<typeof dependency>;

const feature = z.looseObject({
  name: z.string(),
  description: z.string().nullish(),
  type: z.string().optional(),
  project: z.string().optional(),
  enabled: z.boolean().optional(),
  archived: z.boolean().optional(),
  stale: z.boolean().optional(),
  strategies: z.array(strategy).optional(),
  variants: z.array(variant).nullish(),
  dependencies: z.array(dependency).optional(),
});

const segment = z.looseObject({
  id: z.number(),
  name: z.string().optional(),
  description: z.string().nullish(),
  constraints: z.array(constraint),
});
export type UnleashSegment = z.infer<typeof segment>;

export const unleashExportSchema = z.looseObject({
  version: z.number().optional(),
  features: z.array(feature),
  featureStrategies: z.array(strategy).optional(),
  featureEnvironments: z
    .array(
      z.looseObject({
        featureName: z.string(),
        environment: z.string().optional(),
        enabled: z.boolean(),
        variants: z.array(variant).nullish(),
      }),
    )
    .optional(),
  segments: z.array(segment).optional(),
  featureTags: z.array(z.looseObject({ featureName: z.string(), tagValue: z.string() })).optional(),
  dependencies: z.array(z.looseObject({ feature: z.string(), dependencies: z.array(dependency) })).optional(),
});

/** One environment of a feature: on/off, its strategies in order, its (feature-level) variants. */
export interface UnleashFeatureEnvironment {
  enabled: boolean;
  strategies: UnleashStrategy[];
  variants: UnleashVariant[];
}

export interface UnleashFeature {
  name: string;
  description: string;
  type: string | undefined;
  archived: boolean;
  tags: string[];
  dependencies: UnleashDependency[];
  /** By Unleash environment name. */
  environments: Map<string, UnleashFeatureEnvironment>;
}

export interface UnleashModel {
  features: UnleashFeature[];
  segments: Map<number, UnleashSegment>;
}

/**
 * The export as one model. `singleEnvironment` names the environment of exports that carry none
 * (the client API format, a one-environment batch export).
 */
export function normalizeExport(
  data: z.output<typeof unleashExportSchema>,
  singleEnvironment: string | undefined,
): { model: UnleashModel } | { error: string } {
  const segments = new Map((data.segments ?? []).map((s) => [s.id, s]));
  const tags = new Map<string, string[]>();
  for (const tag of data.featureTags ?? [])
    tags.set(tag.featureName, [...(tags.get(tag.featureName) ?? []), tag.tagValue]);
  const dependencies = new Map((data.dependencies ?? []).map((d) => [d.feature, d.dependencies]));

  const isAdminExport = data.featureStrategies !== undefined || data.featureEnvironments !== undefined;
  const needsEnvironment = isAdminExport
    ? (data.featureEnvironments ?? []).some((e) => !e.environment) ||
      (data.featureStrategies ?? []).some((s) => !s.environment && !data.featureEnvironments?.length)
    : true;
  if (needsEnvironment && !singleEnvironment)
    return { error: 'this export names no environment: say which with --env <environment>' };

  const features: UnleashFeature[] = data.features.map((f) => ({
    name: f.name,
    description: f.description ?? '',
    type: f.type,
    archived: f.archived ?? false,
    tags: tags.get(f.name) ?? [],
    dependencies: f.dependencies ?? dependencies.get(f.name) ?? [],
    environments: new Map(),
  }));
  const byName = new Map(features.map((f) => [f.name, f]));

  if (!isAdminExport) {
    for (const f of data.features) {
      byName.get(f.name)!.environments.set(singleEnvironment!, {
        enabled: f.enabled ?? false,
        strategies: f.strategies ?? [],
        variants: f.variants ?? [],
      });
    }
    return { model: { features, segments } };
  }

  const environmentOf = (name: string | undefined) => name ?? singleEnvironment!;
  for (const fe of data.featureEnvironments ?? []) {
    const f = byName.get(fe.featureName);
    if (!f) continue;
    const legacyVariants = data.features.find((x) => x.name === fe.featureName)?.variants ?? [];
    f.environments.set(environmentOf(fe.environment), {
      enabled: fe.enabled,
      strategies: [],
      variants: fe.variants?.length ? fe.variants : legacyVariants,
    });
  }
  const strategies = [...(data.featureStrategies ?? [])].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
  for (const s of strategies) {
    const f = s.featureName ? byName.get(s.featureName) : undefined;
    if (!f) continue;
    const name = s.environment ?? (f.environments.size === 1 ? [...f.environments.keys()][0]! : singleEnvironment!);
    let env = f.environments.get(name);
    if (!env) {
      env = { enabled: false, strategies: [], variants: [] };
      f.environments.set(name, env);
    }
    env.strategies.push(s);
  }
  return { model: { features, segments } };
}
