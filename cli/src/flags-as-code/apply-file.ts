import type { ApiClient } from '../api/client.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { progressBar } from '../output-progress.js';
import { ApplyStopped, executePlan, targetOf } from './execute.js';
import type { FlagsFile } from './file-schema.js';
import { formatProblem, type FileProblem, type Locator } from './parse-file.js';
import { planApply, show, type Operation } from './plan.js';
import { readServerState } from './server-state.js';

const SYMBOL: Record<Operation['kind'], string> = {
  'segment.create': '+',
  'flag.create': '+',
  'segment.update': '~',
  'flag.update': '~',
  'config.replace': '~',
  'flag.archive': '-',
  'segment.delete': '-',
};
const VERB: Record<Operation['kind'], string> = {
  'segment.create': 'create',
  'flag.create': 'create',
  'segment.update': 'update',
  'flag.update': 'update',
  'config.replace': 'configure',
  'flag.archive': 'archive',
  'segment.delete': 'delete',
};

/** One change as scripts read it (`--json`). */
export function changeView(op: Operation) {
  return {
    action: op.kind,
    target: targetOf(op),
    ...('changes' in op
      ? { fields: op.changes.map((c) => ({ field: c.field, before: c.before, after: c.after })) }
      : {}),
  };
}

export function printDiff(out: Output, operations: Operation[]): void {
  for (const op of operations) {
    out.line(`${SYMBOL[op.kind]} ${VERB[op.kind]} ${targetOf(op)}`);
    if (!('changes' in op)) continue;
    for (const change of op.changes) {
      if (change.before !== undefined) out.line(`    - ${change.field}: ${show(change.before)}`);
      out.line(`    + ${change.field}: ${show(change.after)}`);
    }
  }
}

/** Prints file problems (stderr; and the JSON document in JSON mode); nothing was applied. */
export function reportProblems(out: Output, problems: FileProblem[], extra: Record<string, unknown> = {}): number {
  if (out.json) out.result({ ok: false, ...extra, problems }, () => undefined);
  for (const p of problems) out.error(formatProblem(p));
  out.stderr.write('Nothing was applied.\n');
  return ExitCode.usage;
}

export interface ApplyFileOptions {
  name: string;
  locator: Locator;
  dryRun: boolean;
  prune: boolean;
  /** Extra fields of the JSON summary (e.g. an import's report). */
  summary?: Record<string, unknown>;
  progressLabel?: string;
}

/**
 * Plans a validated flags file against the server, shows the diff, then (unless a dry run)
 * writes it. Exit 0 when applied or nothing to do, 4 for a dry run with differences, 2 when the
 * file does not fit the server, 1 when a write was refused.
 */
export async function applyFlagsFile(
  api: ApiClient,
  out: Output,
  file: FlagsFile,
  options: ApplyFileOptions,
): Promise<number> {
  const state = await readServerState(api, file.project);
  const plan = await planApply(api, file, options.locator, state, { prune: options.prune });
  if (!plan.ok) return reportProblems(out, plan.problems, options.summary);
  const { operations } = plan;
  const summary = {
    ...options.summary,
    project: file.project,
    dryRun: options.dryRun,
    changes: operations.map(changeView),
  };
  if (!out.json) {
    if (operations.length === 0) out.line(`No changes: ${file.project} matches ${options.name}.`);
    else printDiff(out, operations);
  }
  if (options.dryRun || operations.length === 0) {
    if (out.json) out.result({ ...summary, applied: 0 }, () => undefined);
    return operations.length > 0 ? ExitCode.differences : ExitCode.ok;
  }
  const progress = progressBar(out, operations.length, options.progressLabel ?? 'Applying');
  try {
    await executePlan(api, file.project, operations, () => progress.tick());
  } catch (error) {
    progress.stop();
    if (!(error instanceof ApplyStopped)) throw error;
    if (out.json) out.result({ ...summary, applied: error.applied, error: error.message }, () => undefined);
    out.error(error.message);
    return ExitCode.requestFailed;
  }
  progress.stop();
  out.result({ ...summary, applied: operations.length }, () =>
    out.line(`Applied ${operations.length} change(s) to ${file.project}.`),
  );
  return ExitCode.ok;
}
