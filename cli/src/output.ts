import type { Writable } from 'node:stream';

/** A column of a table: a header and how to read the cell from a row. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/**
 * The one writer of the CLI: tables and sentences for people on stdout, JSON for scripts
 * (`--json`) on stdout, warnings, progress and errors on stderr.
 */
export class Output {
  constructor(
    readonly stdout: Writable,
    readonly stderr: Writable,
    readonly json: boolean,
    /** stderr is a terminal: progress bars are drawn only then. */
    readonly interactive = false,
  ) {}

  /** The command's result: `data` as JSON in JSON mode, else what `human` prints. */
  result(data: unknown, human: () => void): void {
    if (this.json) this.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else human();
  }

  /** A line for people (nothing in JSON mode, where stdout is the JSON document only). */
  line(text = ''): void {
    if (!this.json) this.stdout.write(`${text}\n`);
  }

  /** A JSON line, for streams such as `audit --follow --json`. */
  jsonLine(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  warn(text: string): void {
    this.stderr.write(`warning: ${text}\n`);
  }

  error(text: string): void {
    this.stderr.write(`error: ${text}\n`);
  }

  table<T>(rows: readonly T[], columns: Column<T>[]): void {
    const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
    const format = (values: string[]) =>
      values
        .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    this.stdout.write(`${format(columns.map((c) => c.header.toUpperCase()))}\n`);
    for (const row of cells) this.stdout.write(`${format(row)}\n`);
    if (rows.length === 0) this.stdout.write('(none)\n');
  }
}

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return String(value);
}
