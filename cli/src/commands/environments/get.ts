import { seg } from '../../api/client.js';
import type { Environment } from '../../api/types.js';
import type { Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const environmentsGet: Command = {
  summary: 'Show an environment',
  args: ['<environment>'],
  options: [projectOption],
  async run(ctx) {
    const path = `/projects/${seg(projectOf(ctx))}/environments/${seg(arg(ctx, 0, 'environment'))}`;
    const environment = await ctx.api().get<Environment>(path);
    ctx.out.result(environment, () =>
      ctx.out.line(`${environment.key}: ${environment.name} (revision ${environment.revision})`),
    );
  },
};
