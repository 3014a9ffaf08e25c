import type { Variant } from '@switchyard/core';
import { variantSchema } from '@switchyard/core/schema';
import { useState } from 'preact/hooks';
import { createFlag, type NewFlag } from '../../api/flag-list';
import { Dialog, DialogActions } from '../../components/Dialog';
import { invalidate } from '../../hooks/query';
import { useAction } from '../../hooks/useAction';
import { flagsKey } from '../../hooks/useFlags';
import { e, navigate } from '../../router';
import { ErrorMessage } from '../../components/Loading';

/** The server's key rule (server/src/http/schemas.ts keySchema). */
const KEY_PATTERN = /^[a-z0-9][a-z0-9-_]{0,62}$/;

const VARIANT_EXAMPLES: Record<Exclude<NewFlag['type'], 'boolean'>, string> = {
  string: '[{ "key": "control", "value": "blue" }, { "key": "treatment", "value": "green" }]',
  number: '[{ "key": "low", "value": 10 }, { "key": "high", "value": 50 }]',
  json: '[{ "key": "default", "value": { "limit": 10 } }]',
};

/** The variants typed as JSON, checked with core's own variant schema; a message when they are not valid. */
function parseVariants(text: string): Variant[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'Not valid JSON.';
  }
  const parsed = variantSchema.array().min(1).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `${issue.path.join('.') || 'variants'}: ${issue.message}`;
  }
  return parsed.data;
}

/** "New flag": a dialog asking key, name, type (variants as JSON for non-boolean), tags, client-side. */
export function CreateFlag({ project }: { project: string }) {
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState<NewFlag['type']>('boolean');
  const [variants, setVariants] = useState('');
  const [tags, setTags] = useState('');
  const [clientSide, setClientSide] = useState(false);
  const create = useAction();

  const keyProblem =
    key && !KEY_PATTERN.test(key) ? '1 to 63 of a-z, 0-9, - and _, starting with a letter or digit.' : null;
  const parsedVariants = type === 'boolean' ? undefined : parseVariants(variants);
  const variantProblem = typeof parsedVariants === 'string' && variants ? parsedVariants : null;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!key || keyProblem || typeof parsedVariants === 'string') {
      create.setError(
        keyProblem ?? (typeof parsedVariants === 'string' ? `Variants: ${parsedVariants}` : 'Give the flag a key.'),
      );
      return;
    }
    await create.run(async () => {
      const flag: NewFlag = {
        key,
        name: name.trim() || key,
        type,
        tags: tags
          .split(',')
          .map((tag) => tag.trim())
          .filter(Boolean),
        clientSide,
      };
      if (parsedVariants) flag.variants = parsedVariants;
      await createFlag(project, flag);
      invalidate(flagsKey(project));
      setOpen(false);
      navigate(`/projects/${e(project)}/flags/${e(key)}`);
    });
  };

  return (
    <>
      <button type="button" class="primary" onClick={() => setOpen(true)}>
        New flag
      </button>
      <Dialog title={`New flag in ${project}`} open={open} onClose={() => setOpen(false)}>
        <form class="stack" onSubmit={submit}>
          <label for="new-flag-key">Key</label>
          <input
            id="new-flag-key"
            required
            autoFocus
            maxLength={63}
            value={key}
            aria-invalid={keyProblem !== null}
            aria-describedby="new-flag-key-hint"
            onInput={(event) => setKey(event.currentTarget.value.trim())}
          />
          <p id="new-flag-key-hint" class={keyProblem ? 'error' : 'hint'}>
            {keyProblem ?? 'What the code asks for, e.g. new-checkout.'}
          </p>
          <label for="new-flag-name">Name</label>
          <input
            id="new-flag-name"
            maxLength={200}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
          <label for="new-flag-type">Type</label>
          <select
            id="new-flag-type"
            value={type}
            onChange={(event) => {
              const next = event.currentTarget.value as NewFlag['type'];
              setType(next);
              if (next !== 'boolean') setVariants(VARIANT_EXAMPLES[next]);
            }}
          >
            <option value="boolean">Boolean (on / off)</option>
            <option value="string">String</option>
            <option value="number">Number</option>
            <option value="json">JSON</option>
          </select>
          {type !== 'boolean' && (
            <>
              <label for="new-flag-variants">Variants (JSON)</label>
              <textarea
                id="new-flag-variants"
                rows={4}
                value={variants}
                aria-invalid={variantProblem !== null}
                aria-describedby="new-flag-variants-hint"
                onInput={(event) => setVariants(event.currentTarget.value)}
              />
              <p id="new-flag-variants-hint" class={variantProblem ? 'error' : 'hint'}>
                {variantProblem ?? 'A list of { "key", "value" }; values of the flag’s type.'}
              </p>
            </>
          )}
          <label for="new-flag-tags">Tags (comma-separated)</label>
          <input id="new-flag-tags" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
          <label>
            <input
              type="checkbox"
              checked={clientSide}
              onChange={(event) => setClientSide(event.currentTarget.checked)}
            />{' '}
            Client-side (browsers may evaluate it)
          </label>
          {create.error && <ErrorMessage error={create.error} />}
          <DialogActions
            confirm="Create flag"
            busyLabel="Creating…"
            busy={create.busy}
            tone="primary"
            onCancel={() => setOpen(false)}
          />
        </form>
      </Dialog>
    </>
  );
}
