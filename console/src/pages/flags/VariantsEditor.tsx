import type { Variant } from '@switchyard/core';
import { variantSchema } from '@switchyard/core/schema';
import { useState } from 'preact/hooks';
import { messageOf } from '../../api/client';
import { setVariants } from '../../api/flag-config';
import type { FlagDetail } from '../../api/flags';
import { invalidate } from '../../hooks/query';
import { flagsKey } from '../../hooks/useFlags';

interface VariantDraft {
  key: string;
  name: string;
  /** The value as JSON text: a payload of any shape for json flags. */
  value: string;
}

const TYPE_CHECK: Record<FlagDetail['type'], (value: unknown) => boolean> = {
  boolean: (value) => typeof value === 'boolean',
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  json: () => true,
};

/** The variant a draft describes (checked with core's variant schema and the flag's type), or why not. */
function variantOf(draft: VariantDraft, type: FlagDetail['type']): Variant | string {
  let value: unknown;
  try {
    value = JSON.parse(draft.value);
  } catch {
    return `Variant ${draft.key || '(no key)'}: the value is not valid JSON.`;
  }
  const candidate: Record<string, unknown> = { key: draft.key.trim(), value };
  if (draft.name.trim()) candidate.name = draft.name.trim();
  const parsed = variantSchema.safeParse(candidate);
  if (!parsed.success) return `Variant ${draft.key || '(no key)'}: ${parsed.error.issues[0]!.message}`;
  if (!TYPE_CHECK[type](value)) return `Variant ${draft.key}: the value must be a ${type}.`;
  return parsed.data;
}

/**
 * The flag's variants (shared by every environment), values edited as JSON: payloads for json
 * flags. The server refuses (409) to remove a variant a configuration still serves.
 */
export function VariantsEditor({ project, flag }: { project: string; flag: FlagDetail }) {
  const current = (flag as FlagDetail & { variants?: Variant[] }).variants ?? [];
  const [drafts, setDrafts] = useState<VariantDraft[] | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const edit = () =>
    setDrafts(current.map((v) => ({ key: v.key, name: v.name ?? '', value: JSON.stringify(v.value, null, 2) })));
  const set = (at: number, patch: Partial<VariantDraft>) =>
    setDrafts((drafts ?? []).map((draft, i) => (i === at ? { ...draft, ...patch } : draft)));

  const save = async (event: Event) => {
    event.preventDefault();
    const variants: Variant[] = [];
    for (const draft of drafts ?? []) {
      const result = variantOf(draft, flag.type);
      if (typeof result === 'string') return setMessage({ error: true, text: result });
      variants.push(result);
    }
    setBusy(true);
    try {
      await setVariants(project, flag.key, variants);
      invalidate(flagsKey(project));
      setDrafts(null);
      setMessage({ error: false, text: 'Variants saved.' });
    } catch (caught) {
      setMessage({ error: true, text: messageOf(caught) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="variants-heading" class="stack">
      <h2 id="variants-heading">Variants</h2>
      {message && (
        <p role={message.error ? 'alert' : 'status'} class={message.error ? 'error' : 'notice'}>
          {message.text}
        </p>
      )}
      {drafts === null ? (
        <>
          <ul>
            {current.map((variant) => (
              <li key={variant.key}>
                <strong>{variant.key}</strong>: <code>{JSON.stringify(variant.value)}</code>
              </li>
            ))}
          </ul>
          <div class="row">
            <button type="button" onClick={edit}>
              Edit variants
            </button>
          </div>
        </>
      ) : (
        <form class="stack" onSubmit={save}>
          {drafts.map((draft, at) => {
            const id = `variant-${at}`;
            const problem = draft.key ? variantOf(draft, flag.type) : null;
            const invalid = typeof problem === 'string';
            return (
              <fieldset key={at} class="card stack">
                <legend>Variant {at + 1}</legend>
                <label for={`${id}-key`}>Key</label>
                <input
                  id={`${id}-key`}
                  value={draft.key}
                  onInput={(event) => set(at, { key: event.currentTarget.value })}
                />
                <label for={`${id}-name`}>Name</label>
                <input
                  id={`${id}-name`}
                  value={draft.name}
                  onInput={(event) => set(at, { name: event.currentTarget.value })}
                />
                <label for={`${id}-value`}>Value (JSON)</label>
                <textarea
                  id={`${id}-value`}
                  rows={flag.type === 'json' ? 5 : 1}
                  value={draft.value}
                  aria-invalid={invalid}
                  aria-describedby={`${id}-hint`}
                  onInput={(event) => set(at, { value: event.currentTarget.value })}
                />
                <p id={`${id}-hint`} class={invalid ? 'error' : 'hint'}>
                  {invalid ? problem : `A ${flag.type} in JSON.`}
                </p>
                <div class="row">
                  <button type="button" onClick={() => setDrafts(drafts.filter((_, i) => i !== at))}>
                    Remove variant {at + 1}
                  </button>
                </div>
              </fieldset>
            );
          })}
          <div class="row">
            <button type="button" onClick={() => setDrafts([...drafts, { key: '', name: '', value: 'null' }])}>
              Add a variant
            </button>
            <button type="submit" class="primary" disabled={busy}>
              Save variants
            </button>
            <button type="button" onClick={() => setDrafts(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
