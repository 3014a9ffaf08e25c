import { useState } from 'preact/hooks';
import type { Me } from '../../api/account';
import { ApiError, messageOf } from '../../api/client';
import { hasRole } from '../../api/rights';
import { deleteSegment, updateSegment, type SegmentReference } from '../../api/segments';
import { Dialog, DialogActions } from '../../components/Dialog';
import { ErrorMessage, Loading } from '../../components/Loading';
import { useAction } from '../../hooks/useAction';
import { segmentsKey, useSegment } from '../../hooks/useSegments';
import { Link, e, navigate } from '../../router';
import { SegmentForm, type SegmentFields } from './SegmentForm';
import { invalidateSegments } from './Segments';

/** The rules using a segment, each linked to its flag in that environment. */
function References({ project, references }: { project: string; references: SegmentReference[] }) {
  if (references.length === 0) return <p class="hint">No rule uses this segment.</p>;
  return (
    <ul aria-label="Rules using this segment">
      {references.map((ref) => (
        <li key={`${ref.flag}/${ref.environment}/${ref.ruleId}`}>
          <Link href={`/projects/${e(project)}/flags/${e(ref.flag)}/environments/${e(ref.environment)}`}>
            {ref.flag}
          </Link>{' '}
          in {ref.environment}, rule {ref.ruleId}
        </li>
      ))}
    </ul>
  );
}

/** The references of a 409 (`details.references`), when the server gave them. */
function referencesOf(error: unknown): SegmentReference[] | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const details = error.details as { references?: SegmentReference[] } | undefined;
  return Array.isArray(details?.references) ? details.references : [];
}

/**
 * `/projects/:project/segments/:segment`: edit a segment's name, description and conditions; the
 * rules that use it; delete it (refused while a rule uses it: the 409 lists them).
 */
export function SegmentDetail({ project, segment, me }: { project: string; segment: string; me: Me }) {
  const detail = useSegment(project, segment);
  const canWrite = hasRole(me, project, 'editor');
  // One for saving and deleting: either disables both, and shows its failure in the edit card.
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [blockedBy, setBlockedBy] = useState<SegmentReference[] | null>(null);

  const save = (fields: SegmentFields) =>
    action.run(async () => {
      setNotice(null);
      const saved = await updateSegment(project, segment, {
        name: fields.name,
        description: fields.description,
        conditions: fields.conditions,
      });
      invalidateSegments(project);
      setNotice(`Segment ${segment} saved (version ${saved.version}).`);
    });

  const remove = () =>
    action.run(
      async () => {
        await deleteSegment(project, segment);
        setConfirming(false);
        invalidateSegments(project, `${segmentsKey(project)}detail:${segment}`);
        navigate(`/projects/${e(project)}/segments`);
      },
      {
        // A 409 lists the rules still using it, shown in the delete card instead of a message.
        onError: (caught) => {
          setConfirming(false);
          const references = referencesOf(caught);
          if (!references) return messageOf(caught);
          setBlockedBy(references);
          return null;
        },
      },
    );

  const data = detail.data;
  return (
    <main id="main" class="stack">
      <p class="breadcrumbs">
        <Link href="/">Home</Link> / <Link href={`/projects/${e(project)}/flags`}>{project}</Link> /{' '}
        <Link href={`/projects/${e(project)}/segments`}>segments</Link> / {segment}
      </p>
      <h1>
        Segment <span class="flag-key">{segment}</span>
      </h1>
      {detail.error ? (
        <ErrorMessage error={detail.error} />
      ) : !data ? (
        <Loading what="segment" />
      ) : (
        <>
          <section class="card stack" aria-labelledby="segment-edit-heading">
            <h2 id="segment-edit-heading">{canWrite ? 'Edit' : 'Definition'}</h2>
            {canWrite ? (
              <SegmentForm
                key={data.version}
                idPrefix="segment"
                initial={data}
                creating={false}
                submitLabel="Save segment"
                busy={action.busy}
                onSubmit={(fields) => void save(fields)}
              />
            ) : (
              <pre class="json">{JSON.stringify(data.conditions, null, 2)}</pre>
            )}
            {notice && (
              <p role="status" class="notice">
                {notice}
              </p>
            )}
            {action.error && <ErrorMessage error={action.error} />}
          </section>
          <section class="card stack" aria-labelledby="segment-uses-heading">
            <h2 id="segment-uses-heading">Used by</h2>
            <References project={project} references={data.references} />
          </section>
          {canWrite && (
            <section class="card stack" aria-labelledby="segment-delete-heading">
              <h2 id="segment-delete-heading">Delete</h2>
              {blockedBy && (
                <div role="alert" class="stack">
                  <p class="error">
                    Segment {segment} is still used by {blockedBy.length} rule{blockedBy.length === 1 ? '' : 's'}:
                    remove it from them first, then delete it.
                  </p>
                  <References project={project} references={blockedBy} />
                </div>
              )}
              <div class="row">
                <button type="button" class="danger" disabled={action.busy} onClick={() => setConfirming(true)}>
                  Delete segment {segment}
                </button>
              </div>
            </section>
          )}
          <Dialog title={`Delete segment ${segment}?`} open={confirming} onClose={() => setConfirming(false)}>
            <p>Rules cannot use it any more. A segment that a rule still uses is not deleted.</p>
            <DialogActions
              confirm="Delete"
              busy={action.busy}
              tone="danger"
              onConfirm={() => void remove()}
              onCancel={() => setConfirming(false)}
            />
          </Dialog>
        </>
      )}
    </main>
  );
}
