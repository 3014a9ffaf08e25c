import { seg } from '../api/client.js';
import type { ApiClient } from '../api/client.js';
import type { Flag, FlagPage } from '../api/types.js';
import { opt, type CommandContext, type OptionSpec } from '../context.js';
import { UsageError } from '../exit-codes.js';

export const projectOption: OptionSpec = {
  flags: '-p, --project <project>',
  description: 'project key (default: $SWITCHYARD_PROJECT)',
};

/** The project of a command: --project, else $SWITCHYARD_PROJECT. */
export function projectOf(ctx: CommandContext): string {
  const project = opt(ctx, 'project') ?? ctx.env.SWITCHYARD_PROJECT;
  if (!project) throw new UsageError('--project is required (or set SWITCHYARD_PROJECT)');
  return project;
}

/** The n-th positional argument, or a usage error naming it. */
export function arg(ctx: CommandContext, index: number, name: string): string {
  const value = ctx.args[index];
  if (value === undefined || value === '') throw new UsageError(`missing argument <${name}>`);
  return value;
}

/** Every flag of a project, following the pages (live ones, or archived ones with `archived`). */
export async function listAllFlags(api: ApiClient, project: string, archived?: boolean): Promise<Flag[]> {
  const flags: Flag[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<FlagPage>(`/projects/${seg(project)}/flags`, {
      query: { limit: 200, cursor, archived },
    });
    flags.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return flags;
}
