/** Presets offered beside the exact value. */
export const PERCENT_PRESETS = [1, 10, 50, 100] as const;

/** Whether `text` is a percent the API takes: 0..100 with at most two decimals (1 bp). */
export function parsePercent(text: string): number | null {
  if (!/^\s*\d{1,3}(\.\d{1,2})?\s*$/.test(text)) return null;
  const value = Number(text);
  return value >= 0 && value <= 100 ? value : null;
}

/**
 * A percentage input with presets: exact to 0.01 % (one basis point). `value` is the text being
 * edited, so a half-typed "12." is not rewritten under the user's fingers.
 */
export function PercentInput(props: { id: string; label: string; value: string; onChange: (text: string) => void }) {
  const invalid = parsePercent(props.value) === null;
  return (
    <div class="stack">
      <label for={props.id}>{props.label}</label>
      <div class="row">
        <input
          id={props.id}
          type="text"
          inputMode="decimal"
          class="percent"
          value={props.value}
          aria-invalid={invalid}
          aria-describedby={`${props.id}-hint`}
          onInput={(event) => props.onChange(event.currentTarget.value)}
        />
        <span aria-hidden="true">%</span>
      </div>
      <p id={`${props.id}-hint`} class={invalid ? 'error' : 'hint'}>
        {invalid ? 'Enter 0 to 100, at most two decimals (e.g. 12.5).' : '0 to 100, exact to 0.01 %.'}
      </p>
      <div class="row" role="group" aria-label="Presets">
        {PERCENT_PRESETS.map((preset) => (
          <button
            type="button"
            key={preset}
            aria-label={`Set to ${preset} %`}
            aria-pressed={parsePercent(props.value) === preset}
            onClick={() => props.onChange(String(preset))}
          >
            {preset} %
          </button>
        ))}
      </div>
    </div>
  );
}
