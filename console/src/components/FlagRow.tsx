import type { FlagDetail } from '../api/flags';
import { Link, e } from '../router';
import { KillButton } from './KillButton';
import { KilledBadge, StatusPills } from './StatusPills';

/** A flag in a list: name, killed badge, per-environment pills, and the kill switch (every environment). */
export function FlagRow({ project, flag, showProject }: { project: string; flag: FlagDetail; showProject?: boolean }) {
  const firstEnvironment = flag.environments[0]?.environment;
  const href = `/projects/${e(project)}/flags/${e(flag.key)}${firstEnvironment ? `/environments/${e(firstEnvironment)}` : ''}`;
  const everywhereKilled = flag.environments.length > 0 && flag.environments.every((env) => env.killed);
  return (
    <li class={`flag-row${everywhereKilled ? ' is-killed' : ''}`}>
      <div class="flag-title">
        <Link href={href}>
          {showProject && <span class="project-key">{project} / </span>}
          <span class="flag-key">{flag.key}</span>
        </Link>
        <KilledBadge environments={flag.environments} />
        {flag.name !== flag.key && <span class="hint">{flag.name}</span>}
      </div>
      <StatusPills environments={flag.environments} />
      {!everywhereKilled && (
        <div class="flag-actions">
          <KillButton project={project} flag={flag.key} />
        </div>
      )}
    </li>
  );
}
