import { isAsciiPrefix, murmur3Prefixed } from './murmur3.js';

/** Seed of the rollout hash (spec: "Rollout bucket"). */
export const ROLLOUT_SEED = 0;
/** Seed of the variant (split) hash (spec: "Variant bucket"); differs so splits and rollouts are independent. */
export const VARIANT_SEED = 86028157;
/** Buckets are basis points: 10000 = 100%. */
export const BUCKET_COUNT = 10000;

/** `(h mod 100) * 100 + floor(h / 100) mod 100`: Unleash-compatible for whole percentages. */
export function rolloutBucketOfHash(hash: number): number {
  return (hash % 100) * 100 + (((hash / 100) >>> 0) % 100);
}

/** `(h mod 1000) * 10 + floor(h / 1000) mod 10`: Unleash-compatible for weights that are multiples of 10. */
export function variantBucketOfHash(hash: number): number {
  return (hash % 1000) * 10 + (((hash / 1000) >>> 0) % 10);
}

/** The hash of `unit` for a flag salted with `salt`, as the evaluator computes it (resolve-rules.ts). */
function flagHash(salt: string, unit: string, seed: number): number {
  const prefix = `${salt}:`;
  return murmur3Prefixed(prefix, isAsciiPrefix(prefix), unit, seed);
}

/** Rollout bucket of `unit` for a flag salted with `salt`, in `[0, 10000)`. */
export function rolloutBucket(salt: string, unit: string): number {
  return rolloutBucketOfHash(flagHash(salt, unit, ROLLOUT_SEED));
}

/** Variant (split) bucket of `unit` for a flag salted with `salt`, in `[0, 10000)`. */
export function variantBucket(salt: string, unit: string): number {
  return variantBucketOfHash(flagHash(salt, unit, VARIANT_SEED));
}
