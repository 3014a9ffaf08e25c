import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { flagsFileSchema, type FlagsFile } from './file-schema.js';

export type FieldPath = (string | number)[];

/** One thing wrong with a file, located: `flags.yaml:12:9: flags[0].environments.prod.enabled: …`. */
export interface FileProblem {
  file: string;
  line: number;
  column: number;
  field: string;
  message: string;
}

export function formatProblem(p: FileProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return `${where}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

/** Says where a field of a file is. */
export interface Locator {
  problem(path: FieldPath, message: string, unknownKey?: string): FileProblem;
}

/** For a file made in memory (an import): fields by path, no lines. */
export function pathLocator(file: string): Locator {
  return {
    problem: (path, message, unknownKey) => ({
      file,
      line: 0,
      column: 0,
      field: fieldName(unknownKey === undefined ? path : [...path, unknownKey]),
      message,
    }),
  };
}

/** `flags[0].environments.prod` */
export function fieldName(path: FieldPath): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

/** A parsed file, able to say where any field of it is. */
export class LocatedFile implements Locator {
  constructor(
    readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The problem at `path` (the closest existing node; for an unknown key, the key itself). */
  problem(path: FieldPath, message: string, unknownKey?: string): FileProblem {
    let node: unknown = this.document.contents;
    let offset = 0;
    for (const part of unknownKey === undefined ? path : [...path, unknownKey]) {
      const range = (node as Node | null)?.range;
      if (range) offset = range[0];
      if (isMap(node)) {
        const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
        if (!pair) break;
        const keyRange = (pair.key as Node | null)?.range;
        if (keyRange) offset = keyRange[0];
        node = part === unknownKey ? null : pair.value;
      } else if (isSeq(node) && typeof part === 'number') {
        node = node.items[part];
      } else break;
    }
    const range = (node as Node | null)?.range;
    if (range) offset = range[0];
    const { line, col } = this.lines.linePos(offset);
    const fullPath = unknownKey === undefined ? path : [...path, unknownKey];
    return { file: this.file, line, column: col, field: fieldName(fullPath), message };
  }
}

export type ParseResult = { ok: true; value: FlagsFile; located: LocatedFile } | { ok: false; problems: FileProblem[] };

/**
 * Parses and validates a whole flags file (YAML, of which JSON is a subset). Every problem is
 * reported with its line; nothing is applied unless there is none.
 */
export function parseFlagsFile(file: string, text: string): ParseResult {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { file, line, column: col, field: '', message: error.message.split('\n')[0]! };
      }),
    };
  }
  const located = new LocatedFile(file, document, lines);
  const parsed = flagsFileSchema.safeParse(document.toJS());
  if (parsed.success) return { ok: true, value: parsed.data, located };
  const problems: FileProblem[] = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(located.problem(path, `unknown field "${key}"`, key));
    } else {
      problems.push(located.problem(path, issue.message));
    }
  }
  return { ok: false, problems };
}
