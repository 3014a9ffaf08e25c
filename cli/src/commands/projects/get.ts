import { seg } from '../../api/client.js';
import type { ProjectDetail } from '../../api/types.js';
import type { Command } from '../../context.js';
import { arg } from '../shared.js';

export const projectsGet: Command = {
  summary: 'Show a project with its environments',
  args: ['<project>'],
  async run(ctx) {
    const project = await ctx.api().get<ProjectDetail>(`/projects/${seg(arg(ctx, 0, 'project'))}`);
    ctx.out.result(project, () => {
      ctx.out.line(`${project.key}: ${project.name}`);
      if (project.description) ctx.out.line(project.description);
      ctx.out.line();
      ctx.out.table(project.environments, [
        { header: 'environment', value: (e) => e.key },
        { header: 'name', value: (e) => e.name },
      ]);
    });
  },
};
