/**
 * An Unleash export as a Switchyard flags file, keeping every user's rollout bucket and variant:
 * Switchyard's buckets are Unleash's for whole percentages and per-mille weights (spec/README.md
 * "Hashing"), provided the flag's salt is the strategies' groupId (and, with feature variants, the
 * feature name). Whatever cannot be converted exactly is reported with the reason, and the flag is
 * left out whole: never half-converted.
 */
import type { Prerequisite } from '@switchyard/core';
import { caseFold, keyProblem, slugKey } from '../api/keys.js';
import type { PercentServe } from '../api/rollout.js';
import { BOOLEAN_VARIANTS } from '../flags-as-code/convert.js';
import {
  FILE_VERSION,
  type FileEnvironment,
  type FileFlag,
  type FileRule,
  type FileSegment,
  type FlagsFile,
} from '../flags-as-code/file-schema.js';
import { convertConstraint } from './constraints.js';
import type { UnleashFeature, UnleashModel, UnleashSegment, UnleashVariant } from './export-format.js';
import { convertStrategy } from './strategies.js';
import { collectVariants, DISABLED_VARIANT, splitOf, valueTypeOf, type ValueType } from './variants.js';

/** Something not converted: what, where, why. */
export interface Unsupported {
  feature?: string;
  segment?: string;
  environment?: string;
  why: string;
}

export interface ConversionReport {
  flags: number;
  segments: number;
  skipped: string[];
  unsupported: Unsupported[];
  /** Converted, with a difference worth knowing (e.g. anonymous users). */
  notes: string[];
}

export interface ConvertOptions {
  project: string;
  /** Unleash environment → Switchyard environment; unmapped names are kept. */
  environments: Map<string, string>;
}

/** Segments whose constraints are all exact become Switchyard segments; the others are inlined. */
function convertSegments(model: UnleashModel, unsupported: Unsupported[]) {
  const keys = new Map<number, string>();
  const segments: FileSegment[] = [];
  const used = new Set<string>();
  for (const segment of model.segments.values()) {
    const converted = segment.constraints.map(convertConstraint);
    if (!converted.every((c) => c.ok && !c.value.trueWhenMissing)) continue; // inlined where used
    let key = slugKey(segment.name ?? `segment-${segment.id}`);
    if (used.has(caseFold(key))) key = `${key.slice(0, 90)}-${segment.id}`;
    const problem = keyProblem(key);
    if (problem) {
      unsupported.push({ segment: segment.name ?? String(segment.id), why: `no valid key: ${key} ${problem}` });
      continue;
    }
    used.add(caseFold(key));
    keys.set(segment.id, key);
    segments.push({
      key,
      name: segment.name ?? key,
      description: segment.description ?? '',
      conditions: converted.map((c) => (c.ok ? c.value.condition : undefined)!),
    });
  }
  return { keys, segments };
}

interface FeatureResult {
  flag?: FileFlag;
  unsupported: Unsupported[];
  notes: string[];
}

function convertFeature(
  feature: UnleashFeature,
  model: UnleashModel,
  segmentKeys: Map<number, string>,
  features: Map<string, UnleashFeature>,
  options: ConvertOptions,
): FeatureResult {
  const unsupported: Unsupported[] = [];
  const notes: string[] = [];
  const fail = (why: string, environment?: string) =>
    unsupported.push({ feature: feature.name, ...(environment ? { environment } : {}), why });
  const problem = keyProblem(feature.name);
  if (problem) fail(`the name is not a valid Switchyard flag key: it ${problem}`);

  // Variants: none anywhere = a boolean flag; else a string/json/number flag with "disabled".
  const envs = [...feature.environments];
  const strategyVariants = envs.flatMap(([, e]) =>
    e.strategies.filter((s) => !s.disabled).map((s) => s.variants ?? []),
  );
  const allVariantLists: UnleashVariant[][] = [...envs.map(([, e]) => e.variants), ...strategyVariants].filter(
    (l) => l.length > 0,
  );
  const hasVariants = allVariantLists.length > 0;
  let type: ValueType | 'boolean' = 'boolean';
  let variants = BOOLEAN_VARIANTS as FileFlag['variants'] & object;
  if (hasVariants) {
    const t = valueTypeOf(allVariantLists.flat());
    if (!t.ok) fail(t.why);
    else {
      type = t.type;
      const collected = collectVariants(allVariantLists, t.type);
      if (!collected.ok) collected.why.forEach((w) => fail(w));
      else variants = collected.variants;
    }
  }
  const on: PercentServe = { variant: 'on' };
  const off = hasVariants ? DISABLED_VARIANT : 'off';

  // The groupIds whose buckets matter must be one salt.
  const groupIds = new Set<string>();
  const environments: Record<string, FileEnvironment> = {};
  for (const [unleashEnv, env] of envs) {
    const environment = options.environments.get(unleashEnv) ?? unleashEnv;
    const featureSplit = env.variants.length > 0 ? splitOf(env.variants, env.variants[0]!.stickiness) : undefined;
    if (featureSplit && !featureSplit.ok) fail(featureSplit.why, unleashEnv);
    if (featureSplit?.ok) notes.push(`${feature.name}@${unleashEnv}: ${splitNote(featureSplit.serve)}`);
    if (env.variants.length > 0 && featureSplit?.ok) groupIds.add(feature.name);
    const rules: FileRule[] = [];
    const strategies = env.strategies.filter((s) => !s.disabled);
    strategies.forEach((strategy, i) => {
      let serve: PercentServe = on;
      if (hasVariants) {
        const own = strategy.variants ?? [];
        if (own.length > 0) {
          const split = splitOf(own, own[0]!.stickiness || strategy.parameters?.stickiness);
          if (!split.ok) return fail(`strategy ${i + 1} (${strategy.name}): ${split.why}`, unleashEnv);
          serve = split.serve;
          notes.push(`${feature.name}@${unleashEnv}: ${splitNote(split.serve)}`);
          groupIds.add(strategy.parameters?.groupId ?? '');
        } else if (featureSplit?.ok) serve = featureSplit.serve;
        else serve = { variant: DISABLED_VARIANT };
      }
      const converted = convertStrategy({
        strategy,
        ruleId: `s${i + 1}`,
        serve,
        segments: model.segments,
        segmentKeys,
      });
      if (!converted.ok)
        return converted.why.forEach((w) => fail(`strategy ${i + 1} (${strategy.name}): ${w}`, unleashEnv));
      if (converted.bucketGroupId !== undefined) groupIds.add(converted.bucketGroupId);
      notes.push(...converted.notes.map((n) => `${feature.name}@${unleashEnv}: ${n}`));
      rules.push(...converted.rules);
    });
    // No strategy: Unleash enables the feature for everyone (and picks a feature variant).
    const defaultServe: PercentServe =
      strategies.length === 0
        ? hasVariants
          ? featureSplit?.ok
            ? featureSplit.serve
            : { variant: off }
          : on
        : { variant: off };
    environments[environment] = {
      enabled: env.enabled,
      offVariant: off,
      defaultServe,
      rules,
      prerequisites: prerequisitesOf(feature, features, fail),
    };
  }
  if (groupIds.size > 1)
    fail(
      `rollouts and variants hash with different groupIds (${[...groupIds].map((g) => JSON.stringify(g)).join(', ')}); a Switchyard flag has one salt`,
    );
  const salt = groupIds.size === 1 ? [...groupIds][0]! : feature.name;
  if (unsupported.length > 0) return { unsupported, notes };
  return {
    flag: {
      key: feature.name,
      name: feature.name,
      description: feature.description,
      type,
      tags: [...new Set(feature.tags)].filter((t) => t.length <= 50),
      clientSide: false,
      ...(salt !== feature.name ? { salt } : {}),
      variants,
      environments,
    },
    unsupported,
    notes,
  };
}

/** Where a split differs from Unleash: contexts without the stickiness field, which Unleash answers at random. */
function splitNote(serve: PercentServe): string {
  const stickiness = 'split' in serve ? serve.stickiness : undefined;
  return stickiness
    ? `a context without ${stickiness} gets the first variant (Unleash picks one at random)`
    : 'a context with neither userId nor sessionId gets the first variant (Unleash tries remoteAddress, then picks at random)';
}

/** Unleash dependencies as prerequisites (Unleash allows one level: a parent has no parents). */
function prerequisitesOf(
  feature: UnleashFeature,
  features: Map<string, UnleashFeature>,
  fail: (why: string) => void,
): Prerequisite[] {
  const out: Prerequisite[] = [];
  for (const dependency of feature.dependencies) {
    const parent = features.get(dependency.feature);
    if (!parent) {
      fail(`depends on ${dependency.feature}, which is not in the export`);
      continue;
    }
    if (parent.dependencies.length > 0) {
      fail(`depends on ${dependency.feature}, which has dependencies itself (Unleash then answers false)`);
      continue;
    }
    const parentHasVariants = [...parent.environments.values()].some(
      (e) => e.variants.length > 0 || e.strategies.some((s) => (s.variants ?? []).length > 0),
    );
    if (dependency.enabled === false) {
      out.push({ flagKey: dependency.feature, variants: [parentHasVariants ? DISABLED_VARIANT : 'off'] });
    } else if (dependency.variants?.length) {
      out.push({ flagKey: dependency.feature, variants: dependency.variants });
    } else if (parentHasVariants) {
      fail(`depends on ${dependency.feature} being enabled, which has variants: name the variants`);
    } else out.push({ flagKey: dependency.feature, variants: ['on'] });
  }
  return out;
}

/** The whole export as a flags file, and what was not converted. */
export function convertUnleash(
  model: UnleashModel,
  options: ConvertOptions,
): { file: FlagsFile; report: ConversionReport } {
  const unsupported: Unsupported[] = [];
  const notes: string[] = [];
  const skipped: string[] = [];
  const { keys, segments } = convertSegments(model, unsupported);
  const features = new Map(model.features.map((f) => [f.name, f]));
  const flags: FileFlag[] = [];
  const folded = new Map<string, string>();
  for (const feature of model.features) {
    if (feature.archived) {
      skipped.push(`${feature.name} (archived in Unleash)`);
      continue;
    }
    const twin = folded.get(caseFold(feature.name));
    if (twin !== undefined) {
      unsupported.push({
        feature: feature.name,
        why: `differs from ${twin} only in case; Switchyard keys are unique ignoring case`,
      });
      continue;
    }
    folded.set(caseFold(feature.name), feature.name);
    const result = convertFeature(feature, model, keys, features, options);
    unsupported.push(...result.unsupported);
    notes.push(...result.notes);
    if (result.flag) flags.push(result.flag);
  }
  return {
    file: { version: FILE_VERSION, project: options.project, segments, flags },
    report: { flags: flags.length, segments: segments.length, skipped, unsupported, notes: [...new Set(notes)] },
  };
}

/** The segments a flag list uses, for importing only the flags that converted. */
export function segmentsUsedBy(flags: FileFlag[]): Set<string> {
  return new Set(
    flags.flatMap((f) => Object.values(f.environments).flatMap((e) => e.rules.flatMap((r) => r.segments))),
  );
}

export type { UnleashSegment };
