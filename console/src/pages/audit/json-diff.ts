/** One changed leaf between two JSON values: its path (e.g. `rules[1].rollout.percentage`) and both sides. */
export interface DiffLine {
  path: string;
  before?: string;
  after?: string;
}

/** JSON leaves by path; arrays by index, objects by key; empty containers are leaves. */
function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, index) => flatten(item, `${path}[${index}]`, out));
  } else if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) flatten(item, path ? `${path}.${key}` : key, out);
  } else if (value !== undefined) {
    out.set(path || '(value)', JSON.stringify(value));
  }
}

/**
 * What changed from `before` to `after` (an audit event's two sides), leaf by leaf, in the order
 * of `after` then what only `before` had: removed leaves have no `after`, added ones no `before`.
 */
export function jsonDiff(before: unknown, after: unknown): DiffLine[] {
  const old = new Map<string, string>();
  const now = new Map<string, string>();
  // A creation has no before and a deletion no after (null): nothing to compare, not a null leaf.
  if (before !== null) flatten(before, '', old);
  if (after !== null) flatten(after, '', now);
  const lines: DiffLine[] = [];
  for (const [path, value] of now) {
    const previous = old.get(path);
    if (previous === undefined) lines.push({ path, after: value });
    else if (previous !== value) lines.push({ path, before: previous, after: value });
  }
  for (const [path, value] of old) if (!now.has(path)) lines.push({ path, before: value });
  return lines;
}
