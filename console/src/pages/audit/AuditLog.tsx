import { useEffect, useState } from 'preact/hooks';
import { queryAudit, type AuditEvent, type AuditFilters } from '../../api/audit';
import { ErrorMessage, Loading } from '../../components/Loading';
import { useQuery } from '../../hooks/query';
import { useProjects } from '../../hooks/useProjects';
import { navigate } from '../../router';
import { jsonDiff } from './json-diff';

const FIELDS = ['project', 'flag', 'environment', 'actor', 'from', 'to'] as const;

export function auditFiltersOf(search: URLSearchParams): AuditFilters {
  return Object.fromEntries(FIELDS.map((name) => [name, search.get(name) ?? ''])) as unknown as AuditFilters;
}

/** `datetime-local` (the user's time zone, no offset) ↔ the API's ISO-8601 instant. */
const toInstant = (local: string) => (local ? new Date(local).toISOString() : '');
function toLocal(instant: string): string {
  if (!instant) return '';
  const date = new Date(instant);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function Diff({ event }: { event: AuditEvent }) {
  const lines = jsonDiff(event.before, event.after);
  if (lines.length === 0) return <p class="hint">No field changed.</p>;
  return (
    <table class="diff">
      <caption class="visually-hidden">Changes of event {event.id}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.path}>
            <th scope="row">
              <code>{line.path}</code>
            </th>
            <td class="diff-before">{line.before === undefined ? '—' : <code>{line.before}</code>}</td>
            <td class="diff-after">{line.after === undefined ? '—' : <code>{line.after}</code>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventItem({ event }: { event: AuditEvent }) {
  return (
    <li class="card stack audit-event">
      <p class="row">
        <time dateTime={event.time}>{new Date(event.time).toLocaleString()}</time>
        <strong>{event.action}</strong>
        <span>
          {event.target.type} <code>{event.target.key}</code>
          {event.project && <> in {event.project}</>}
          {event.environment && <> / {event.environment}</>}
        </span>
      </p>
      <p class="hint">
        by {event.principal.display} ({event.principal.kind})
      </p>
      {event.reason && <p>Reason: {event.reason}</p>}
      <details>
        <summary>
          Before / after
          <span class="visually-hidden">
            {' '}
            of {event.action} {event.target.key}
          </span>
        </summary>
        <Diff event={event} />
      </details>
    </li>
  );
}

/** The audit log: filters in the URL, newest first, "Load older" follows the cursor. */
export function AuditLog({ search }: { search: URLSearchParams }) {
  const filters = auditFiltersOf(search);
  const projects = useProjects();
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [search.toString()]);
  const first = useQuery(`audit:${JSON.stringify(filters)}`, () => queryAudit(filters));
  const [older, setOlder] = useState<{ items: AuditEvent[]; cursor: string | null } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<unknown>(null);
  useEffect(() => setOlder(null), [search.toString(), first.data]);

  const apply = (event: Event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const name of FIELDS) if (draft[name]) params.set(name, draft[name].trim());
    const query = params.toString();
    navigate(`/audit${query ? `?${query}` : ''}`, { replace: true });
  };
  const field = (name: (typeof FIELDS)[number]) => ({
    id: `audit-${name}`,
    value: draft[name],
    onInput: (event: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [name]: event.currentTarget.value }),
  });
  const items = [...(first.data?.items ?? []), ...(older?.items ?? [])];
  const cursor = older ? older.cursor : (first.data?.nextCursor ?? null);
  const loadOlder = async () => {
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await queryAudit(filters, cursor);
      setOlder({ items: [...(older?.items ?? []), ...page.items], cursor: page.nextCursor });
    } catch (caught) {
      setOlderError(caught);
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <main id="main">
      <h1>Audit log</h1>
      <form class="filters" onSubmit={apply} aria-label="Audit filters">
        <div class="stack">
          <label for="audit-project">Project</label>
          <select
            id="audit-project"
            value={draft.project}
            onChange={(event) => setDraft({ ...draft, project: event.currentTarget.value })}
          >
            <option value="">Every project</option>
            {(projects.data ?? []).map((project) => (
              <option key={project.key} value={project.key}>
                {project.name}
              </option>
            ))}
          </select>
        </div>
        <div class="stack">
          <label for="audit-flag">Flag key</label>
          <input {...field('flag')} />
        </div>
        <div class="stack">
          <label for="audit-environment">Environment key</label>
          <input {...field('environment')} />
        </div>
        <div class="stack">
          <label for="audit-actor">Actor (token or user name)</label>
          <input {...field('actor')} />
        </div>
        <div class="stack">
          <label for="audit-from">From</label>
          <input
            id="audit-from"
            type="datetime-local"
            value={toLocal(draft.from)}
            onInput={(event) => setDraft({ ...draft, from: toInstant(event.currentTarget.value) })}
          />
        </div>
        <div class="stack">
          <label for="audit-to">Until</label>
          <input
            id="audit-to"
            type="datetime-local"
            value={toLocal(draft.to)}
            onInput={(event) => setDraft({ ...draft, to: toInstant(event.currentTarget.value) })}
          />
        </div>
        <div class="row">
          <button type="submit" class="primary">
            Apply filters
          </button>
        </div>
      </form>
      {first.error ? (
        <ErrorMessage error={first.error} />
      ) : !first.data ? (
        <Loading what="events" />
      ) : items.length === 0 ? (
        <p role="status">No events match.</p>
      ) : (
        <>
          <ol class="plain-list" aria-label="Events, newest first">
            {items.map((event) => (
              <EventItem key={event.id} event={event} />
            ))}
          </ol>
          {olderError !== null && <ErrorMessage error={olderError} />}
          {cursor && (
            <button type="button" disabled={loadingOlder} onClick={() => void loadOlder()}>
              {loadingOlder ? 'Loading…' : 'Load older events'}
            </button>
          )}
        </>
      )}
    </main>
  );
}
