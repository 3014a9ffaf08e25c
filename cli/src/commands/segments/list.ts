import { seg } from '../../api/client.js';
import type { Segment } from '../../api/types.js';
import type { Command } from '../../context.js';
import { projectOf, projectOption } from '../shared.js';

export const segmentsList: Command = {
  summary: "List a project's segments",
  options: [projectOption],
  async run(ctx) {
    const { items } = await ctx.api().get<{ items: Segment[] }>(`/projects/${seg(projectOf(ctx))}/segments`);
    ctx.out.result(items, () =>
      ctx.out.table(items, [
        { header: 'key', value: (s) => s.key },
        { header: 'name', value: (s) => s.name },
        { header: 'conditions', value: (s) => s.conditions.length },
      ]),
    );
  },
};
