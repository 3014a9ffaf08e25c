import { seg } from '../../api/client.js';
import type { FlagDetail } from '../../api/types.js';
import type { Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const flagsGet: Command = {
  summary: 'Show a flag and its state in each environment',
  args: ['<flag>'],
  options: [projectOption],
  async run(ctx) {
    const flag = await ctx.api().get<FlagDetail>(`/projects/${seg(projectOf(ctx))}/flags/${seg(arg(ctx, 0, 'flag'))}`);
    ctx.out.result(flag, () => {
      ctx.out.line(`${flag.key} (${flag.type}${flag.archived ? ', archived' : ''}): ${flag.name}`);
      if (flag.description) ctx.out.line(flag.description);
      ctx.out.line(`variants: ${flag.variants.map((v) => `${v.key}=${JSON.stringify(v.value)}`).join(', ')}`);
      ctx.out.line();
      ctx.out.table(flag.environments, [
        { header: 'environment', value: (e) => e.environment },
        { header: 'enabled', value: (e) => (e.killed ? 'KILLED' : e.enabled ? 'on' : 'off') },
        { header: 'version', value: (e) => e.version },
      ]);
    });
  },
};
