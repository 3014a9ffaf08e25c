import type { FlagEnvironmentStatus } from '../api/flags';

export type Status = 'killed' | 'on' | 'off';

export function statusOf(environment: Pick<FlagEnvironmentStatus, 'enabled' | 'killed'>): Status {
  if (environment.killed) return 'killed';
  return environment.enabled ? 'on' : 'off';
}

/** A partial rollout worth showing beside "on" (e.g. "12.5 %"); none when every rollout is 100 %. */
function rolloutText(environment: { rolloutPercents?: number[] }): string | null {
  const partial = (environment.rolloutPercents ?? []).filter((percent) => percent < 100);
  return partial.length === 0 ? null : partial.map((percent) => `${percent} %`).join(', ');
}

/**
 * One pill per environment, e.g. "production: killed" or "production: on 12.5 %". Text, not only
 * colour, carries the state.
 */
export function StatusPills({
  environments,
}: {
  environments: (FlagEnvironmentStatus & { rolloutPercents?: number[] })[];
}) {
  return (
    <ul class="pills" aria-label="Status per environment">
      {environments.map((environment) => {
        const status = statusOf(environment);
        return (
          <li key={environment.environment} class={`pill pill-${status}`}>
            {environment.environment}: <strong>{status}</strong>
            {status === 'on' && rolloutText(environment) && <> {rolloutText(environment)}</>}
          </li>
        );
      })}
    </ul>
  );
}

/** A conspicuous badge on a flag killed in at least one environment. */
export function KilledBadge({ environments }: { environments: FlagEnvironmentStatus[] }) {
  const killed = environments.filter((environment) => environment.killed);
  if (killed.length === 0) return null;
  return (
    <span class="badge-killed" title={`Killed in ${killed.map((k) => k.environment).join(', ')}`}>
      Killed
    </span>
  );
}
