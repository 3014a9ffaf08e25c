import { ErrorMessage, Loading } from '../../components/Loading';
import { FlagRow } from '../../components/FlagRow';
import { SearchBox } from '../../components/SearchBox';
import { statusOf, type Status } from '../../components/StatusPills';
import { useFlagList } from '../../hooks/useFlags';
import { useProject } from '../../hooks/useProjects';
import { e, navigate } from '../../router';

const STATUS_FILTERS: { value: '' | Status; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'killed', label: 'Killed somewhere' },
  { value: 'on', label: 'On somewhere' },
  { value: 'off', label: 'Off everywhere' },
];

/** A project's flags: search (in the URL), a status filter, per-environment pills. */
export function FlagList({ project, q, status }: { project: string; q: string; status: string }) {
  const detail = useProject(project);
  const flags = useFlagList(project, q);
  const go = (next: { q?: string; status?: string }) => {
    const params = new URLSearchParams();
    const query = next.q ?? q;
    const filter = next.status ?? status;
    if (query) params.set('q', query);
    if (filter) params.set('status', filter);
    const search = params.toString();
    navigate(`/projects/${e(project)}/flags${search ? `?${search}` : ''}`, { replace: true });
  };
  const visible = (flags.data ?? []).filter((flag) => {
    if (status === 'killed') return flag.environments.some((env) => env.killed);
    if (status === 'on') return flag.environments.some((env) => statusOf(env) === 'on');
    if (status === 'off') return flag.environments.every((env) => statusOf(env) !== 'on');
    return true;
  });
  return (
    <main id="main">
      <h1>{detail.data ? detail.data.name : project}: flags</h1>
      <div class="filters">
        <SearchBox id="flag-search" label="Search flags" value={q} onSearch={(next) => go({ q: next })} />
        <div class="stack">
          <label for="status-filter">Status</label>
          <select id="status-filter" value={status} onChange={(event) => go({ status: event.currentTarget.value })}>
            {STATUS_FILTERS.map((filter) => (
              <option key={filter.value} value={filter.value}>
                {filter.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {flags.error ? (
        <ErrorMessage error={flags.error} />
      ) : !flags.data ? (
        <Loading what="flags" />
      ) : visible.length === 0 ? (
        <p role="status">No flags{q ? ` match “${q}”` : ''}.</p>
      ) : (
        <ul class="flag-list" aria-label="Flags">
          {visible.map((flag) => (
            <FlagRow key={flag.key} project={project} flag={flag} />
          ))}
        </ul>
      )}
    </main>
  );
}
