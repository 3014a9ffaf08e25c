import type { GuardSpec } from '../../../api/release-plans';
import { parseGuards, type Issue } from './plan-text';

/**
 * The guards as fields: what each kind takes, and the conversions between the form's rows (the
 * strings the inputs hold) and the JSON the server takes. The field lists mirror the server's guard
 * schemas (server/src/features/release-plans/guards/{http,prometheus,builtin}.ts); the server still
 * validates every value and its 400 issues (`body.guards.N.field`) are shown at the field.
 */
export type GuardKindName = 'http' | 'prometheus' | 'builtin';
export const GUARD_KINDS: readonly GuardKindName[] = ['prometheus', 'http', 'builtin'];

export interface GuardField {
  name: string;
  label: string;
  /** `number` is sent as a JSON number; `select` takes one of `options`. */
  type: 'text' | 'query' | 'number' | 'select';
  required: boolean;
  options?: readonly { value: string; label: string }[];
  /** Units, allowed values, the server's default: shown under the input. */
  hint?: string;
  placeholder?: string;
}

const OPERATORS = [
  { value: '<', label: '< (passes while below)' },
  { value: '<=', label: '≤ (passes while at most)' },
  { value: '>', label: '> (passes while above)' },
  { value: '>=', label: '≥ (passes while at least)' },
] as const;
const THRESHOLD: GuardField = {
  name: 'threshold',
  label: 'Threshold',
  type: 'number',
  required: true,
  placeholder: '0.02',
};
const OPERATOR: GuardField = {
  name: 'operator',
  label: 'Operator',
  type: 'select',
  required: true,
  options: OPERATORS,
};
const TIMEOUT: GuardField = {
  name: 'timeoutMs',
  label: 'Timeout (ms, optional)',
  type: 'number',
  required: false,
  hint: '100–30,000; default 5,000.',
};

export const GUARD_FIELDS: Record<GuardKindName, readonly GuardField[]> = {
  prometheus: [
    {
      name: 'query',
      label: 'PromQL query',
      type: 'query',
      required: true,
      hint: 'Must answer one number (aggregate it).',
      placeholder: 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))',
    },
    OPERATOR,
    THRESHOLD,
    {
      name: 'url',
      label: 'Prometheus URL (optional)',
      type: 'text',
      required: false,
      hint: "Default: the server's SWITCHYARD_PROMETHEUS_URL.",
      placeholder: 'http://prometheus:9090',
    },
    TIMEOUT,
  ],
  http: [
    {
      name: 'url',
      label: 'URL',
      type: 'text',
      required: true,
      hint: 'http(s), answering JSON.',
      placeholder: 'https://metrics.example/checkout',
    },
    {
      name: 'path',
      label: 'Path to the number',
      type: 'text',
      required: true,
      hint: 'e.g. $.error_rate, data.value, $.items[0].rate',
      placeholder: '$.error_rate',
    },
    OPERATOR,
    THRESHOLD,
    TIMEOUT,
  ],
  builtin: [
    {
      name: 'event',
      label: 'Event',
      type: 'text',
      required: true,
      hint: 'The event the SDKs track: A–Z, a–z, 0–9, ".", "_", ":", "-".',
      placeholder: 'checkout.error',
    },
    {
      name: 'metric',
      label: 'Metric',
      type: 'select',
      required: true,
      options: [
        { value: 'rate', label: 'Rate (events per exposure)' },
        { value: 'mean', label: "Mean (of the events' values)" },
      ],
    },
    {
      name: 'direction',
      label: 'Direction',
      type: 'select',
      required: true,
      options: [
        { value: 'increase_is_bad', label: 'An increase is bad' },
        { value: 'decrease_is_bad', label: 'A decrease is bad' },
      ],
    },
    {
      name: 'maxRelativeChange',
      label: 'Allowed relative change (optional)',
      type: 'number',
      required: false,
      hint: '0.1 = 10 % worse than the control; 0–10 (below 1 when a decrease is bad); default 0.',
    },
    {
      name: 'minSamples',
      label: 'Minimum samples per group (optional)',
      type: 'number',
      required: false,
      hint: 'Whole number, at least 10; default 200.',
    },
    {
      name: 'alpha',
      label: 'False-alarm rate (optional)',
      type: 'number',
      required: false,
      hint: 'Above 0, at most 0.2; default 0.05.',
    },
    {
      name: 'treatment',
      label: 'Treatment variant (optional)',
      type: 'text',
      required: false,
      hint: 'Default: "on", else the first variant.',
    },
    {
      name: 'control',
      label: 'Control variant (optional)',
      type: 'text',
      required: false,
      hint: 'Default: "off", else the second variant.',
    },
  ],
};

/** One guard of the form: its kind and what its inputs hold. */
export interface GuardRow {
  kind: GuardKindName;
  values: Record<string, string>;
}

/** The guards editor: fields, or JSON text (for what fields cannot express). */
export type GuardsState = { mode: 'fields'; rows: GuardRow[] } | { mode: 'json'; text: string };

const isKind = (kind: unknown): kind is GuardKindName => GUARD_KINDS.includes(kind as GuardKindName);

/** A guard of `kind`, keeping the values of the fields both kinds have (a select starts at its first option). */
export function guardRow(kind: GuardKindName, values: Record<string, string> = {}): GuardRow {
  const kept: Record<string, string> = {};
  for (const field of GUARD_FIELDS[kind]) {
    kept[field.name] = values[field.name] ?? (field.type === 'select' ? field.options![0]!.value : '');
  }
  return { kind, values: kept };
}

/**
 * The JSON of the rows: an empty input is left out (the server applies its default, or names the
 * missing field); a number that does not parse is sent as typed, so the server's message names it.
 */
export function rowsToGuards(rows: readonly GuardRow[]): GuardSpec[] {
  return rows.map((row) => {
    const spec: GuardSpec = { kind: row.kind };
    for (const field of GUARD_FIELDS[row.kind]) {
      const raw = row.values[field.name] ?? '';
      const value = field.type === 'query' ? raw : raw.trim();
      if (value.trim() === '') continue;
      spec[field.name] = field.type === 'number' && Number.isFinite(Number(value)) ? Number(value) : value;
    }
    return spec;
  });
}

/** The rows of guards given as JSON, or why they cannot be shown as fields (then JSON stays). */
export function guardsToRows(guards: readonly GuardSpec[]): { rows: GuardRow[] } | { error: string } {
  const rows: GuardRow[] = [];
  for (const [index, guard] of guards.entries()) {
    const which = `Guard ${index + 1}`;
    if (!isKind(guard.kind)) return { error: `${which}: the form has no fields for kind "${guard.kind}".` };
    const fields = GUARD_FIELDS[guard.kind];
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(guard)) {
      if (name === 'kind') continue;
      const field = fields.find((candidate) => candidate.name === name);
      if (!field) return { error: `${which}: the form has no field "${name}" for a ${guard.kind} guard.` };
      const fits =
        field.type === 'number'
          ? typeof value === 'number'
          : typeof value === 'string' &&
            (field.type !== 'select' || field.options!.some((option) => option.value === value));
      if (!fits) return { error: `${which}: ${name} ${JSON.stringify(value)} cannot be shown in its field.` };
      values[name] = String(value);
    }
    rows.push(guardRow(guard.kind, values));
  }
  return { rows };
}

/** The guards the editor holds, whichever its mode, or why they cannot be sent. */
export function guardsOf(state: GuardsState): { guards: GuardSpec[] } | { error: string } {
  if (state.mode === 'fields') return { guards: rowsToGuards(state.rows) };
  const parsed = parseGuards(state.text);
  return 'error' in parsed ? parsed : { guards: parsed.guards as GuardSpec[] };
}

/** The editor in the other mode, or why it stays (JSON that fields cannot show, or is not JSON). */
export function switchMode(state: GuardsState): { state: GuardsState } | { error: string } {
  if (state.mode === 'fields') {
    const guards = rowsToGuards(state.rows);
    return { state: { mode: 'json', text: guards.length > 0 ? JSON.stringify(guards, null, 2) : '' } };
  }
  const parsed = guardsOf(state);
  if ('error' in parsed) return parsed;
  const rows = guardsToRows(parsed.guards);
  return 'error' in rows ? rows : { state: { mode: 'fields', rows: rows.rows } };
}

/**
 * Where a 400's issue belongs in the fields: guard `index` and its `field` (null: the guard as a
 * whole, e.g. an unknown key), or nothing (not about one guard).
 */
export function guardIssueAt(issue: Issue): { index: number; field: string | null } | null {
  const match = /^body\.guards\.(\d+)(?:\.([^.]+))?/.exec(issue.path);
  return match ? { index: Number(match[1]), field: match[2] ?? null } : null;
}
