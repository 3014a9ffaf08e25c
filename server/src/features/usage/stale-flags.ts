/**
 * The stale-flag rule: which flags are cleanup candidates, and why. Pure (time injected) so the
 * decision is table-tested apart from the database (stale-flags.test.ts).
 */

const DAY_MS = 86_400_000;

/** Why a flag is a cleanup candidate. */
export type StaleReason =
  /** No SDK reported an evaluation since the flag was created, and it is at least N days old. */
  | 'never-evaluated'
  /** Evaluated, but not in the last N days. */
  | 'not-evaluated-recently'
  /** Killed in every environment, none changed for N days. */
  | 'killed-everywhere'
  /** Every environment serves one variant to everyone (off, killed, or 100% rolled out with no rules), for N days. */
  | 'fully-rolled-out';

/** What an environment serves, as far as the rule cares. */
export type SettledState = 'killed' | 'off' | 'rolled-out';

/** One environment's configuration, in the shape stored in flag_configs. */
export interface ConfigFacts {
  environment: string;
  enabled: boolean;
  offVariant: string;
  /** core `Serve`: `{ variant }` or `{ split: [{ variant, weight }] }` (weights in basis points). */
  defaultServe: unknown;
  rules: unknown[];
  prerequisites: unknown[];
  killed: boolean;
  /** Last change of this configuration. */
  updatedAt: Date;
}

/** The facts about one flag that decide whether it is stale. */
export interface FlagFacts {
  createdAt: Date;
  /** Latest evaluation reported in any environment; undefined when never evaluated. */
  lastEvaluatedAt: Date | undefined;
  configs: ConfigFacts[];
}

/** Per environment: what it serves everyone, when it is settled. */
export interface SettledEnvironment {
  environment: string;
  state: SettledState;
  variant: string;
  since: Date;
}

/** The verdict for one flag. */
export interface StaleVerdict {
  reasons: StaleReason[];
  /** Filled when every environment serves one variant (whether or not for N days yet). */
  environments: SettledEnvironment[];
}

/**
 * What `config` serves to every caller, or undefined when callers can get different variants
 * (rules, prerequisites that may fail, or a split over more than one variant).
 */
export function settledState(config: ConfigFacts): { state: SettledState; variant: string } | undefined {
  if (config.killed) return { state: 'killed', variant: config.offVariant };
  if (!config.enabled) return { state: 'off', variant: config.offVariant };
  if (config.rules.length > 0 || config.prerequisites.length > 0) return undefined;
  const variant = singleVariant(config.defaultServe);
  return variant === undefined ? undefined : { state: 'rolled-out', variant };
}

/** The one variant `serve` gives everyone: `{ variant }`, or a split whose weight is all on one variant. */
function singleVariant(serve: unknown): string | undefined {
  if (serve === null || typeof serve !== 'object') return undefined;
  const { variant, split } = serve as { variant?: unknown; split?: unknown };
  if (typeof variant === 'string') return variant;
  if (!Array.isArray(split)) return undefined;
  const weighted = new Set<string>();
  for (const share of split as { variant?: unknown; weight?: unknown }[]) {
    if (typeof share.weight === 'number' && share.weight > 0 && typeof share.variant === 'string') {
      weighted.add(share.variant);
    }
  }
  return weighted.size === 1 ? [...weighted][0] : undefined;
}

/**
 * Why `flag` is a cleanup candidate at `now` with a threshold of `days` days; `reasons` is empty
 * when it is not. A flag with no environment is judged by its evaluations only (an empty "every
 * environment" would make every such flag stale).
 */
export function staleVerdict(flag: FlagFacts, days: number, now: Date): StaleVerdict {
  const cutoff = now.getTime() - days * DAY_MS;
  const reasons: StaleReason[] = [];
  if (flag.lastEvaluatedAt === undefined) {
    if (flag.createdAt.getTime() <= cutoff) reasons.push('never-evaluated');
  } else if (flag.lastEvaluatedAt.getTime() <= cutoff) {
    reasons.push('not-evaluated-recently');
  }
  const environments: SettledEnvironment[] = [];
  for (const config of flag.configs) {
    const settled = settledState(config);
    if (settled === undefined) return { reasons, environments: [] };
    environments.push({ environment: config.environment, ...settled, since: config.updatedAt });
  }
  if (environments.length === 0) return { reasons, environments };
  const settledLongEnough = environments.every((environment) => environment.since.getTime() <= cutoff);
  if (settledLongEnough) {
    const allKilled = environments.every((environment) => environment.state === 'killed');
    reasons.push(allKilled ? 'killed-everywhere' : 'fully-rolled-out');
  }
  return { reasons, environments };
}
