/** Between the file's shapes (percent) and the REST API's, through api/rollout.ts only. */
import { rolloutFromApi, rolloutToApi, serveFromApi, serveToApi } from '../api/rollout.js';
import type { ApiConfigBody, ApiRule, Flag, Segment } from '../api/types.js';
import type { FileEnvironment, FileFlag, FileRule, FileSegment } from './file-schema.js';

/** The variants the server gives a boolean flag created without any. */
export const BOOLEAN_VARIANTS = [
  { key: 'on', value: true },
  { key: 'off', value: false },
];

export function variantsOf(flag: FileFlag) {
  return flag.variants ?? (flag.type === 'boolean' ? BOOLEAN_VARIANTS : []);
}

export function ruleToApi(rule: FileRule): ApiRule {
  return {
    id: rule.id,
    ...(rule.description === undefined ? {} : { description: rule.description }),
    conditions: rule.conditions,
    segments: rule.segments,
    ...(rule.rollout ? { rollout: rolloutToApi(rule.rollout) } : {}),
    serve: serveToApi(rule.serve),
  };
}

export function environmentToApi(env: FileEnvironment): ApiConfigBody {
  return {
    enabled: env.enabled,
    offVariant: env.offVariant,
    defaultServe: serveToApi(env.defaultServe),
    rules: env.rules.map(ruleToApi),
    prerequisites: env.prerequisites,
  };
}

export function environmentFromApi(config: ApiConfigBody): FileEnvironment {
  return {
    enabled: config.enabled,
    offVariant: config.offVariant,
    defaultServe: serveFromApi(config.defaultServe),
    rules: config.rules.map((rule) => ({
      id: rule.id,
      ...(rule.description === undefined ? {} : { description: rule.description }),
      conditions: rule.conditions,
      segments: rule.segments,
      ...(rule.rollout ? { rollout: rolloutFromApi(rule.rollout) } : {}),
      serve: serveFromApi(rule.serve),
    })),
    prerequisites: config.prerequisites,
  };
}

export function flagFromApi(flag: Flag, environments: Record<string, FileEnvironment>): FileFlag {
  return {
    key: flag.key,
    name: flag.name,
    description: flag.description,
    type: flag.type,
    tags: flag.tags,
    clientSide: flag.clientSide,
    ...(flag.salt ? { salt: flag.salt } : {}),
    variants: flag.variants,
    environments,
  };
}

export function segmentFromApi(segment: Segment): FileSegment {
  return { key: segment.key, name: segment.name, description: segment.description, conditions: segment.conditions };
}

/** JSON with sorted keys and no undefined: equal values compare equal whatever the key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

export const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
