import type { FlagDetail } from '../api/flags';
import { Link, e } from '../router';
import { KillButton } from './KillButton';
import { KilledBadge, StatusPills } from './StatusPills';
import { StaleBadge } from './StaleBadge';
import type { StaleFlag } from '../api/usage';
import type { RowPlacement } from './VirtualList';
import type { ComponentChildren } from 'preact';

/**
 * A flag in a list: name, killed badge, per-environment pills, and the kill switch (every
 * environment), or `action` in its place (e.g. Unarchive). `placement` puts it in a VirtualList.
 */
export function FlagRow({
  project,
  flag,
  showProject,
  placement,
  action,
  stale,
}: {
  project: string;
  flag: FlagDetail;
  showProject?: boolean;
  placement?: RowPlacement;
  action?: ComponentChildren;
  /** Set when the flag is a cleanup candidate: shown as a badge. */
  stale?: StaleFlag;
}) {
  const firstEnvironment = flag.environments[0]?.environment;
  const href = `/projects/${e(project)}/flags/${e(flag.key)}${firstEnvironment ? `/environments/${e(firstEnvironment)}` : ''}`;
  const everywhereKilled = flag.environments.length > 0 && flag.environments.every((env) => env.killed);
  return (
    <li
      class={`flag-row${everywhereKilled ? ' is-killed' : ''}${placement ? ' virtual-row' : ''}`}
      style={placement?.style}
      aria-setsize={placement?.setSize}
      aria-posinset={placement ? placement.index + 1 : undefined}
    >
      <div class="flag-title">
        <Link href={href}>
          {showProject && <span class="project-key">{project} / </span>}
          <span class="flag-key">{flag.key}</span>
        </Link>
        <KilledBadge environments={flag.environments} />
        <StaleBadge stale={stale} />
        {flag.name !== flag.key && <span class="hint">{flag.name}</span>}
      </div>
      <StatusPills environments={flag.environments} />
      {action ? (
        <div class="flag-actions">{action}</div>
      ) : (
        !everywhereKilled && (
          <div class="flag-actions">
            <KillButton project={project} flag={flag.key} />
          </div>
        )
      )}
    </li>
  );
}
