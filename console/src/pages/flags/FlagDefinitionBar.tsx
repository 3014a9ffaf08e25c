import type { FlagDetail } from '../../api/flags';
import { Link, e } from '../../router';
import { ArchiveButton } from './ArchiveButton';

/** The flag's definition at a glance (type, tags, client-side, archived) with archive / unarchive and its audit log. */
export function FlagDefinitionBar({ project, flag }: { project: string; flag: FlagDetail }) {
  return (
    <div class="row definition">
      <span class="hint">
        {flag.type}
        {flag.clientSide ? ' · client-side' : ' · server-only'}
        {flag.tags.length > 0 && <> · tags: {flag.tags.join(', ')}</>}
      </span>
      {flag.archived && <strong class="badge-archived">Archived</strong>}
      <ArchiveButton project={project} flag={flag.key} archived={flag.archived} />
      <Link href={`/audit?project=${e(project)}&flag=${e(flag.key)}`}>History</Link>
    </div>
  );
}
