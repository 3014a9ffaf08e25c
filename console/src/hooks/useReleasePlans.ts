import { useEffect } from 'preact/hooks';
import { listPlans, type ReleasePlan } from '../api/release-plans';
import { invalidate, useQuery } from './query';
import { flagsKey } from './useFlags';

/**
 * The key starts with the project's flag prefix, so a change seen on the admin event stream (each
 * step of a plan is an ordinary published change) or made here refetches the plans too.
 */
export const plansKey = (project: string, flag: string, environment: string) =>
  `${flagsKey(project)}plans:${flag}:${environment}`;

/**
 * While a plan runs, its hold, next check and verdicts move without a configuration change, and a
 * pause or resume made elsewhere changes no configuration either (no event reaches the console):
 * poll while a plan is running or paused.
 */
export const RUNNING_POLL_MS = 3_000;

/** The flag's release plans in the environment (newest first); polled every few seconds while one is under way. */
export function useReleasePlans(project: string, flag: string, environment: string) {
  const key = plansKey(project, flag, environment);
  const plans = useQuery<ReleasePlan[]>(key, () => listPlans(project, flag, environment));
  const running = plans.data?.some((plan) => plan.state === 'running' || plan.state === 'paused') ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      // A hidden tab does not need fresh verdicts; the next visible tick (or an event) catches up.
      if (document.visibilityState === 'visible') invalidate(key);
    }, RUNNING_POLL_MS);
    return () => clearInterval(timer);
  }, [key, running]);
  return plans;
}
