/**
 * The three benchmark scenarios and the population of evaluation contexts they run over.
 *
 * Every library is configured from these definitions (each adapter translates them into its own
 * flag format), so "configured identically" has one source of truth.
 */

/** Countries the S3 rule targets. */
export const NORDIC = ['NO', 'SE', 'DK'];

/** Countries contexts are drawn from, uniformly: 3 of 10 are Nordic. */
const COUNTRIES = ['NO', 'SE', 'DK', 'FI', 'DE', 'FR', 'GB', 'US', 'ES', 'NL'];

/** Plans contexts are drawn from, uniformly: 1 of 3 is `pro`. */
const PLANS = ['free', 'pro', 'enterprise'];

/** Rollout share of S2 and of S3's fallback, in whole percent (Unleash's unit). */
export const ROLLOUT_PERCENT = 25;

/**
 * @typedef {object} Scenario
 * @property {string} id         short id used on the command line and in results (`s1`…)
 * @property {string} flagKey    the flag key; also the hash salt / Unleash groupId
 * @property {string} title      one-line description for the table
 * @property {boolean} rollout   whether a 25% userId rollout applies (to everyone, or to non-matching contexts)
 * @property {boolean} targeting whether the `country in NORDIC AND plan = pro → on` rule comes first
 * @property {number} analyticOnShare the share of contexts that should come out on, in [0, 1]
 */

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    id: 's1',
    flagKey: 'bench-s1-on',
    title: 'flag on, no rules',
    rollout: false,
    targeting: false,
    analyticOnShare: 1,
  },
  {
    id: 's2',
    flagKey: 'bench-s2-rollout',
    title: '25% rollout on userId',
    rollout: true,
    targeting: false,
    analyticOnShare: ROLLOUT_PERCENT / 100,
  },
  {
    id: 's3',
    flagKey: 'bench-s3-targeted',
    title: 'country in [NO,SE,DK] AND plan = pro → on, else 25% rollout',
    rollout: true,
    targeting: true,
    // P(rule) = 3/10 · 1/3 = 0.1; the other 0.9 get the 25% rollout.
    analyticOnShare: 0.1 + 0.9 * (ROLLOUT_PERCENT / 100),
  },
];

/** @param {string} id */
export function scenarioById(id) {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`unknown scenario '${id}' (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  return scenario;
}

/** Default number of distinct contexts per pass. */
export const DEFAULT_CONTEXT_COUNT = 100_000;

/**
 * @typedef {object} BenchContext  library-neutral attributes of one evaluation context
 * @property {string} userId
 * @property {string} country
 * @property {string} plan
 */

/**
 * Deterministic contexts: the same seed gives the same users in every child process, so on-shares
 * and the Unleash agreement check compare like with like.
 * @param {number} count
 * @param {number} [seed]
 * @returns {BenchContext[]}
 */
export function makeContexts(count, seed = 0x5eed) {
  const random = mulberry32(seed);
  const contexts = new Array(count);
  for (let i = 0; i < count; i++) {
    // The index suffix guarantees distinct ids; the random prefix keeps them from sharing a long common stem.
    const tag = Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
    contexts[i] = {
      userId: `user-${tag}-${i}`,
      country: COUNTRIES[Math.floor(random() * COUNTRIES.length)],
      plan: PLANS[Math.floor(random() * PLANS.length)],
    };
  }
  return contexts;
}

/**
 * Whether a context matches the S3 targeting rule; used for the sample's exact expected on-share.
 * @param {BenchContext} context
 */
export function matchesTargeting(context) {
  return NORDIC.includes(context.country) && context.plan === 'pro';
}

/**
 * The on-share this particular sample should show, given its actual rule-match rate (the rollout
 * part is still taken at its nominal 25%).
 * @param {Scenario} scenario
 * @param {BenchContext[]} contexts
 */
export function expectedOnShare(scenario, contexts) {
  if (!scenario.rollout) return 1;
  const rolloutShare = ROLLOUT_PERCENT / 100;
  if (!scenario.targeting) return rolloutShare;
  const matched = contexts.filter(matchesTargeting).length / contexts.length;
  return matched + (1 - matched) * rolloutShare;
}

/** Small, fast, seedable PRNG (public domain). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
