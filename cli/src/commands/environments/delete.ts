import { seg } from '../../api/client.js';
import type { Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const environmentsDelete: Command = {
  summary: 'Delete an environment (while the project has flags only with --force)',
  args: ['<environment>'],
  options: [projectOption, { flags: '--force', description: 'also when the project has flags' }],
  async run(ctx) {
    const key = arg(ctx, 0, 'environment');
    await ctx.api().delete(`/projects/${seg(projectOf(ctx))}/environments/${seg(key)}`, {
      query: { force: ctx.options.force ? true : undefined },
    });
    ctx.out.result({ deleted: key }, () => ctx.out.line(`Deleted environment ${key}`));
  },
};
