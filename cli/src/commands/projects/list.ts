import type { Project } from '../../api/types.js';
import type { Command } from '../../context.js';

export const projectsList: Command = {
  summary: 'List projects',
  async run(ctx) {
    const { projects } = await ctx.api().get<{ projects: Project[] }>('/projects');
    ctx.out.result(projects, () =>
      ctx.out.table(projects, [
        { header: 'key', value: (p) => p.key },
        { header: 'name', value: (p) => p.name },
      ]),
    );
  },
};
