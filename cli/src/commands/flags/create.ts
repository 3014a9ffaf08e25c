import { seg } from '../../api/client.js';
import type { Flag } from '../../api/types.js';
import { opt, type Command } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import { arg, projectOf, projectOption } from '../shared.js';

const TYPES = ['boolean', 'string', 'number', 'json'];

export const flagsCreate: Command = {
  summary: 'Create a flag (disabled in every environment)',
  args: ['<flag>'],
  options: [
    projectOption,
    { flags: '--name <name>', description: 'display name (default: the key)' },
    { flags: '--type <type>', description: 'boolean, string, number or json', default: 'boolean' },
    { flags: '--description <text>', description: 'description' },
    { flags: '--tag <tag...>', description: 'tags' },
    { flags: '--client-side', description: 'exposed to browser (client) tokens' },
  ],
  async run(ctx) {
    const key = arg(ctx, 0, 'flag');
    const type = opt(ctx, 'type') ?? 'boolean';
    if (!TYPES.includes(type)) throw new UsageError(`--type must be one of ${TYPES.join(', ')}`);
    if (type !== 'boolean') throw new UsageError('only boolean flags are created here: use `apply -f` for variants');
    const body = {
      key,
      name: opt(ctx, 'name') ?? key,
      type,
      description: opt(ctx, 'description') ?? '',
      tags: (ctx.options.tag as string[] | undefined) ?? [],
      clientSide: Boolean(ctx.options.clientSide),
    };
    const flag = await ctx.api().post<Flag>(`/projects/${seg(projectOf(ctx))}/flags`, body);
    ctx.out.result(flag, () => ctx.out.line(`Created flag ${flag.key}`));
  },
};
