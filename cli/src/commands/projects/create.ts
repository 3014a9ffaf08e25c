import type { Project } from '../../api/types.js';
import { opt, type Command } from '../../context.js';
import { arg } from '../shared.js';

export const projectsCreate: Command = {
  summary: 'Create a project',
  args: ['<project>'],
  options: [
    { flags: '--name <name>', description: 'display name (default: the key)' },
    { flags: '--description <text>', description: 'description' },
  ],
  async run(ctx) {
    const key = arg(ctx, 0, 'project');
    const description = opt(ctx, 'description');
    const body = { key, name: opt(ctx, 'name') ?? key, ...(description === undefined ? {} : { description }) };
    const project = await ctx.api().post<Project>('/projects', body);
    ctx.out.result(project, () => ctx.out.line(`Created project ${project.key}`));
  },
};
