import { seg } from '../../api/client.js';
import type { Command } from '../../context.js';
import { arg } from '../shared.js';

export const projectsDelete: Command = {
  summary: 'Delete a project (with flags or segments only with --force)',
  args: ['<project>'],
  options: [{ flags: '--force', description: 'also when it has flags or segments' }],
  async run(ctx) {
    const key = arg(ctx, 0, 'project');
    await ctx.api().delete(`/projects/${seg(key)}`, { query: { force: ctx.options.force ? true : undefined } });
    ctx.out.result({ deleted: key }, () => ctx.out.line(`Deleted project ${key}`));
  },
};
