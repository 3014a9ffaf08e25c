/**
 * Reads one value out of a JSON document by a simple path: `$.error_rate`, `data.value`,
 * `$.data.result[0].value[1]` or `items.0.rate`. Only member and index access (no filters or
 * wildcards: a guard compares one number). Returns `undefined` when the path leads nowhere.
 */
export function readJsonPath(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const segment of parseJsonPath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (typeof segment !== 'number') return undefined;
      current = current[segment];
    } else {
      if (!Object.hasOwn(current, String(segment))) return undefined;
      current = (current as Record<string, unknown>)[String(segment)];
    }
  }
  return current;
}

const SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\.(\d+)|\["([^"\\]*)"\])/;

/** The path's segments (names and array indexes); throws on a path it cannot read. */
export function parseJsonPath(path: string): (string | number)[] {
  let rest = path.trim();
  if (rest === '$') return [];
  if (rest.startsWith('$')) rest = rest.slice(1);
  else if (/^\d/.test(rest)) rest = `.${rest}`;
  const segments: (string | number)[] = [];
  while (rest.length > 0) {
    const match = SEGMENT.exec(rest);
    if (!match) throw new Error(`cannot read '${rest}' in the path '${path}'`);
    const [whole, name, bracketIndex, dotIndex, quoted] = match;
    if (name !== undefined) segments.push(name);
    else if (quoted !== undefined) segments.push(quoted);
    else segments.push(Number(bracketIndex ?? dotIndex));
    rest = rest.slice(whole.length);
  }
  if (segments.length === 0) throw new Error(`the path '${path}' selects nothing`);
  return segments;
}

/** A number, or a string holding one (Prometheus answers sample values as strings); else undefined. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}
