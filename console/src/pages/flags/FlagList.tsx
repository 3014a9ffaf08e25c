import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FlagWithStatus } from '../../api/flag-list';
import { FlagRow } from '../../components/FlagRow';
import { ErrorMessage, Loading } from '../../components/Loading';
import { VirtualList } from '../../components/VirtualList';
import { useAllFlags } from '../../hooks/useFlags';
import { useProject } from '../../hooks/useProjects';
import { useStaleFlags } from '../../hooks/useUsage';
import { Link, e, navigate } from '../../router';
import { ArchiveButton } from './ArchiveButton';
import { CreateFlag } from './CreateFlag';
import { filterFlags, filtersFromQuery, queryOfFilters, searchIndex, tagsOf, type FlagFilters } from './flag-filter';

/** Height of a list row, its gap included (CSS: .virtual-row is this minus 8 px). */
const ROW_HEIGHT = 96;

const STATUS_OPTIONS: [FlagFilters['status'], string][] = [
  ['', 'Any status'],
  ['on', 'On'],
  ['off', 'Off'],
  ['killed', 'Killed'],
  ['rollout', 'Partial rollout'],
];
const TYPE_OPTIONS: [FlagFilters['type'], string][] = [
  ['', 'Any type'],
  ['boolean', 'Boolean'],
  ['string', 'String'],
  ['number', 'Number'],
  ['json', 'JSON'],
];
const CLIENT_OPTIONS: [FlagFilters['clientSide'], string][] = [
  ['', 'Client-side or not'],
  ['yes', 'Client-side only'],
  ['no', 'Server-only'],
];
const SORT_OPTIONS: [FlagFilters['sort'], string][] = [
  ['key', 'Key'],
  ['name', 'Name'],
  ['updated', 'Recently updated'],
  ['created', 'Recently created'],
];

function Select<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  options: [T, string][];
  onChange: (value: T) => void;
}) {
  return (
    <div class="stack">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value as T)}>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A project's flags: every flag is loaded once (with its per-environment state) and filtered in the
 * browser at each keystroke, then shown in a windowed list. Filters live in the URL. The list is
 * usable from the first page on; the status says how many flags are still loading.
 */
export function FlagList({ project, search }: { project: string; search: URLSearchParams }) {
  const detail = useProject(project);
  const archived = search.get('archived') === '1';
  const flags = useAllFlags(project, archived);
  // The stale report reads every flag too: asked for once the list is in, so that it does not
  // hold up the list's first page (the embedded database answers one query at a time).
  const stale = useStaleFlags(project, flags.data !== undefined && !flags.progress).data;
  const filters = filtersFromQuery(search);
  // The search text filters at once; the URL follows shortly after typing stops.
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  const go = (next: Partial<FlagFilters>, nextArchived = archived) =>
    navigate(`/projects/${e(project)}/flags${queryOfFilters({ ...filters, ...next }, nextArchived)}`, {
      replace: true,
    });
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => go({ q: text }), 300);
    return () => clearTimeout(timer);
  }, [text]);

  const all = flags.data;
  const live = { ...filters, q: text };
  const visible = useMemo(() => (all ? filterFlags(all, live, stale) : []), [all, stale, JSON.stringify(live)]);
  const tags = useMemo(() => {
    if (!all) return [];
    searchIndex(all); // built once per load, not on the first keystroke
    return tagsOf(all);
  }, [all]);
  const environments = detail.data?.environments.map((env) => env.key) ?? [];

  return (
    <main id="main">
      <div class="row spread">
        <h1>{detail.data ? detail.data.name : project}: flags</h1>
        <div class="row">
          <Link href={`/projects/${e(project)}/environments`}>Environments</Link>
          <Link href={`/projects/${e(project)}/segments`}>Segments</Link>
          <Link href={`/projects/${e(project)}/members`}>Members</Link>
          <CreateFlag project={project} />
        </div>
      </div>
      <form role="search" class="filters" onSubmit={(event) => event.preventDefault()}>
        <div class="stack">
          <label for="flag-search">Search flags</label>
          <input
            id="flag-search"
            type="search"
            autoComplete="off"
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
          />
        </div>
        <Select
          id="tag-filter"
          label="Tag"
          value={filters.tag}
          options={[['', 'Any tag'], ...tags.map((tag): [string, string] => [tag, tag])]}
          onChange={(tag) => go({ tag })}
        />
        <Select
          id="environment-filter"
          label="Environment"
          value={filters.environment}
          options={[['', 'Any environment'], ...environments.map((env): [string, string] => [env, env])]}
          onChange={(environment) => go({ environment })}
        />
        <Select
          id="status-filter"
          label="Status"
          value={filters.status}
          options={STATUS_OPTIONS}
          onChange={(status) => go({ status })}
        />
        <Select
          id="type-filter"
          label="Type"
          value={filters.type}
          options={TYPE_OPTIONS}
          onChange={(type) => go({ type })}
        />
        <Select
          id="client-filter"
          label="Client-side"
          value={filters.clientSide}
          options={CLIENT_OPTIONS}
          onChange={(clientSide) => go({ clientSide })}
        />
        <Select
          id="sort"
          label="Sort by"
          value={filters.sort}
          options={SORT_OPTIONS}
          onChange={(sort) => go({ sort })}
        />
        <div class="row checks">
          <label>
            <input
              type="checkbox"
              checked={filters.killed}
              onChange={(event) => go({ killed: event.currentTarget.checked })}
            />{' '}
            Killed somewhere
          </label>
          <label>
            <input
              type="checkbox"
              checked={filters.stale}
              onChange={(event) => go({ stale: event.currentTarget.checked })}
            />{' '}
            Stale (cleanup candidates)
          </label>
          <label>
            <input type="checkbox" checked={archived} onChange={(event) => go({}, event.currentTarget.checked)} />{' '}
            Archived flags
          </label>
        </div>
      </form>
      {flags.error ? (
        <ErrorMessage error={flags.error} />
      ) : !all ? (
        <Loading what="flags" />
      ) : (
        <>
          <p role="status" class="hint">
            {visible.length === all.length
              ? `${all.length} ${archived ? 'archived ' : ''}flag${all.length === 1 ? '' : 's'}`
              : `${visible.length} of ${all.length} ${archived ? 'archived ' : ''}flags match`}
            {flags.progress ? ` (loading ${flags.progress.total - flags.progress.loaded} more…)` : ''}
          </p>
          {visible.length === 0 ? (
            <p>No flags{text ? ` match “${text}”` : ''}.</p>
          ) : (
            <VirtualList<FlagWithStatus>
              items={visible}
              rowHeight={ROW_HEIGHT}
              label={archived ? 'Archived flags' : 'Flags'}
              class="flag-list"
              renderRow={(flag, placement) => (
                <FlagRow
                  key={flag.key}
                  project={project}
                  flag={flag}
                  placement={placement}
                  stale={stale?.get(flag.key)}
                  action={archived ? <ArchiveButton project={project} flag={flag.key} archived /> : undefined}
                />
              )}
            />
          )}
        </>
      )}
    </main>
  );
}
