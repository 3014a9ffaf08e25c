import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { opt, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { projectOf, projectOption } from './shared.js';

/** `switchyard export --project p [--format yaml|json] [-o file]`: the input of `apply`. */
export const exportCommand: Command = {
  summary: "Export a project's flags and segments as a flags-as-code file (YAML or JSON)",
  options: [
    projectOption,
    { flags: '--format <format>', description: 'yaml or json (default: yaml; json with --json)' },
    { flags: '-o, --output <file>', description: 'write to a file instead of stdout' },
  ],
  async run(ctx) {
    const format = opt(ctx, 'format') ?? (ctx.out.json ? 'json' : 'yaml');
    if (format !== 'yaml' && format !== 'json') throw new UsageError('--format must be yaml or json');
    const { exportProject, formatFlagsFile } = await import('../flags-as-code/export.js');
    const file = await exportProject(ctx.api(), projectOf(ctx));
    const text = formatFlagsFile(file, format);
    const output = opt(ctx, 'output');
    if (output) {
      writeFileSync(resolve(ctx.cwd, output), text);
      ctx.out.stderr.write(
        `Exported ${file.flags.length} flag(s) and ${file.segments.length} segment(s) to ${output}\n`,
      );
    } else ctx.out.stdout.write(text);
  },
};
