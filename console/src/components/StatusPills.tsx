import type { FlagEnvironmentStatus } from '../api/flags';

export type Status = 'killed' | 'on' | 'off';

export function statusOf(environment: Pick<FlagEnvironmentStatus, 'enabled' | 'killed'>): Status {
  if (environment.killed) return 'killed';
  return environment.enabled ? 'on' : 'off';
}

/** One pill per environment, e.g. "production: killed". Text, not only colour, carries the state. */
export function StatusPills({ environments }: { environments: FlagEnvironmentStatus[] }) {
  return (
    <ul class="pills" aria-label="Status per environment">
      {environments.map((environment) => {
        const status = statusOf(environment);
        return (
          <li key={environment.environment} class={`pill pill-${status}`}>
            {environment.environment}: <strong>{status}</strong>
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
