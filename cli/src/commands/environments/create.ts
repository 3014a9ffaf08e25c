import { seg } from '../../api/client.js';
import type { Environment } from '../../api/types.js';
import { opt, type Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const environmentsCreate: Command = {
  summary: 'Create an environment (every flag gets a disabled configuration in it)',
  args: ['<environment>'],
  options: [projectOption, { flags: '--name <name>', description: 'display name (default: the key)' }],
  async run(ctx) {
    const key = arg(ctx, 0, 'environment');
    const body = { key, name: opt(ctx, 'name') ?? key };
    const environment = await ctx.api().post<Environment>(`/projects/${seg(projectOf(ctx))}/environments`, body);
    ctx.out.result(environment, () => ctx.out.line(`Created environment ${environment.key}`));
  },
};
