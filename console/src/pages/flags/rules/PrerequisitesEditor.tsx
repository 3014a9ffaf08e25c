import type { Prerequisite } from '@switchyard/core';
import type { FlagWithStatus } from '../../../api/flag-list';

/** The flags this one depends on: each must serve one of the chosen variants, or this flag serves its off variant. */
export function PrerequisitesEditor(props: {
  flag: string;
  prerequisites: Prerequisite[];
  flags: FlagWithStatus[];
  onChange: (next: Prerequisite[]) => void;
}) {
  const candidates = props.flags.filter((flag) => flag.key !== props.flag);
  const set = (at: number, next: Prerequisite) =>
    props.onChange(props.prerequisites.map((prerequisite, i) => (i === at ? next : prerequisite)));
  return (
    <fieldset class="stack">
      <legend>Prerequisites</legend>
      {props.prerequisites.length === 0 && <p class="hint">None: the flag does not depend on another.</p>}
      {props.prerequisites.map((prerequisite, at) => {
        const variants = candidates.find((flag) => flag.key === prerequisite.flagKey)?.variants ?? [];
        const id = `prerequisite-${at}`;
        return (
          <div key={at} class="card stack">
            <label for={`${id}-flag`}>Prerequisite {at + 1}: flag</label>
            <select
              id={`${id}-flag`}
              value={prerequisite.flagKey}
              onChange={(event) => set(at, { flagKey: event.currentTarget.value, variants: [] })}
            >
              <option value="">Choose…</option>
              {candidates.map((flag) => (
                <option key={flag.key} value={flag.key}>
                  {flag.key}
                </option>
              ))}
            </select>
            {variants.length > 0 && (
              <fieldset>
                <legend>Serving one of</legend>
                <div class="row">
                  {variants.map((variant) => (
                    <label key={variant.key}>
                      <input
                        type="checkbox"
                        checked={prerequisite.variants.includes(variant.key)}
                        onChange={(event) =>
                          set(at, {
                            ...prerequisite,
                            variants: event.currentTarget.checked
                              ? [...prerequisite.variants, variant.key]
                              : prerequisite.variants.filter((key) => key !== variant.key),
                          })
                        }
                      />{' '}
                      {variant.key}
                    </label>
                  ))}
                </div>
              </fieldset>
            )}
            <div class="row">
              <button type="button" onClick={() => props.onChange(props.prerequisites.filter((_, i) => i !== at))}>
                Remove prerequisite {at + 1}
              </button>
            </div>
          </div>
        );
      })}
      <div class="row">
        <button type="button" onClick={() => props.onChange([...props.prerequisites, { flagKey: '', variants: [] }])}>
          Add a prerequisite
        </button>
      </div>
    </fieldset>
  );
}
