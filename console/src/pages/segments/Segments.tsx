import { useState } from 'preact/hooks';
import type { Me } from '../../api/account';
import { hasRole } from '../../api/rights';
import { createSegment } from '../../api/segments';
import { ErrorMessage, Loading } from '../../components/Loading';
import { invalidate } from '../../hooks/query';
import { byStatus, useAction } from '../../hooks/useAction';
import { segmentsKey, useSegments } from '../../hooks/useSegments';
import { Link, e, navigate } from '../../router';
import { SegmentForm, type SegmentFields } from './SegmentForm';

const EMPTY: SegmentFields = { key: '', name: '', description: '', conditions: [] };

/**
 * After a segment write: this screen's queries and the rules editor's segment list; `except`
 * keeps a key (a deleted segment's detail, which would refetch into a 404 while the screen leaves).
 */
export function invalidateSegments(project: string, except?: string): void {
  invalidate(segmentsKey(project), except ? (key) => key === except : undefined);
  invalidate(`flags:${project}:segments`);
}

function CreateSegment({ project }: { project: string }) {
  const create = useAction();
  // A new form after each creation (keyed), so the fields start empty again.
  const [generation, setGeneration] = useState(0);
  const submit = (fields: SegmentFields) =>
    create.run(
      async () => {
        const created = await createSegment(project, fields);
        invalidateSegments(project);
        setGeneration((n) => n + 1);
        navigate(`/projects/${e(project)}/segments/${e(created.key)}`);
      },
      { onError: byStatus({ 409: `A segment with the key “${fields.key}” already exists.` }) },
    );
  return (
    <details class="card">
      <summary>New segment</summary>
      <SegmentForm
        key={generation}
        idPrefix="new-segment"
        initial={EMPTY}
        creating
        submitLabel="Create segment"
        busy={create.busy}
        onSubmit={(fields) => void submit(fields)}
      />
      {create.error && <ErrorMessage error={create.error} />}
    </details>
  );
}

/** `/projects/:project/segments`: the project's segments (shared by its environments), and a new one. */
export function Segments({ project, me }: { project: string; me: Me }) {
  const segments = useSegments(project);
  const canWrite = hasRole(me, project, 'editor');
  return (
    <main id="main" class="stack">
      <p class="breadcrumbs">
        <Link href="/">Home</Link> / <Link href={`/projects/${e(project)}/flags`}>{project}</Link> / segments
      </p>
      <h1>{project}: segments</h1>
      <p class="hint">Groups of users that rules target by name, the same in every environment of the project.</p>
      {canWrite && <CreateSegment project={project} />}
      {segments.error ? (
        <ErrorMessage error={segments.error} />
      ) : !segments.data ? (
        <Loading what="segments" />
      ) : segments.data.length === 0 ? (
        <p>No segments yet.</p>
      ) : (
        <ul class="plain-list stack" aria-label="Segments">
          {segments.data.map((segment) => (
            <li key={segment.key} class="card stack">
              <Link href={`/projects/${e(project)}/segments/${e(segment.key)}`}>
                <span class="flag-key">{segment.key}</span>
              </Link>
              <span>
                {segment.name}
                {segment.description && <span class="hint"> — {segment.description}</span>}
              </span>
              <span class="hint">
                {segment.conditions.length === 0
                  ? 'Everyone (no condition)'
                  : `${segment.conditions.length} condition${segment.conditions.length === 1 ? '' : 's'}: ${segment.conditions
                      .map((condition) => `${condition.attribute} ${condition.operator}`)
                      .join(', ')}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
