import { seg } from '../../api/client.js';
import type { Environment } from '../../api/types.js';
import type { Command } from '../../context.js';
import { projectOf, projectOption } from '../shared.js';

export const environmentsList: Command = {
  summary: "List a project's environments",
  options: [projectOption],
  async run(ctx) {
    const { environments } = await ctx
      .api()
      .get<{ environments: Environment[] }>(`/projects/${seg(projectOf(ctx))}/environments`);
    ctx.out.result(environments, () =>
      ctx.out.table(environments, [
        { header: 'key', value: (e) => e.key },
        { header: 'name', value: (e) => e.name },
        { header: 'revision', value: (e) => e.revision },
      ]),
    );
  },
};
