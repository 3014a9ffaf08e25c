import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { opt, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';

/**
 * `switchyard apply -f flags.yaml [--dry-run] [--prune]`: makes a project match a flags file.
 * The whole file is validated first (with lines), then compared with the server; the diff is shown,
 * then written with If-Match. Applying the same file twice changes nothing the second time.
 */
export const apply: Command = {
  summary: 'Make a project match a flags-as-code file: validate, show the diff, write with If-Match',
  options: [
    { flags: '-f, --file <file>', description: 'the flags file (YAML or JSON)', required: true },
    { flags: '--dry-run', description: 'show the diff only; exit 4 when there are differences' },
    { flags: '--prune', description: 'archive flags and delete segments that are not in the file' },
    { flags: '-p, --project <project>', description: 'must match the file (a guard against the wrong file)' },
  ],
  async run(ctx) {
    const name = opt(ctx, 'file');
    if (!name) throw new UsageError('apply needs -f <file>');
    let text: string;
    try {
      text = readFileSync(resolve(ctx.cwd, name), 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${name}: ${(error as Error).message}`);
    }
    // Loaded here, not at start-up: zod and yaml cost other commands ~0.3 s of CPU.
    const { applyFlagsFile, reportProblems } = await import('../flags-as-code/apply-file.js');
    const { parseFlagsFile } = await import('../flags-as-code/parse-file.js');
    const parsed = parseFlagsFile(name, text);
    if (!parsed.ok) return reportProblems(ctx.out, parsed.problems);
    const project = opt(ctx, 'project');
    if (project && project !== parsed.value.project)
      throw new UsageError(`${name} is for project ${parsed.value.project}, not ${project}`);
    return applyFlagsFile(ctx.api(), ctx.out, parsed.value, {
      name,
      locator: parsed.located,
      dryRun: Boolean(ctx.options.dryRun),
      prune: Boolean(ctx.options.prune),
    });
  },
};
