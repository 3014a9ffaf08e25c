import { seg } from '../../api/client.js';
import type { Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const segmentsDelete: Command = {
  summary: 'Delete a segment (refused while a rule uses it)',
  args: ['<segment>'],
  options: [projectOption],
  async run(ctx) {
    const key = arg(ctx, 0, 'segment');
    await ctx.api().delete(`/projects/${seg(projectOf(ctx))}/segments/${seg(key)}`);
    ctx.out.result({ deleted: key }, () => ctx.out.line(`Deleted segment ${key}`));
  },
};
