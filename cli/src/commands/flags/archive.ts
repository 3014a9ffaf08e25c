import { seg } from '../../api/client.js';
import type { Flag } from '../../api/types.js';
import type { Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const flagsArchive: Command = {
  summary: 'Archive a flag (it leaves every SDK snapshot)',
  args: ['<flag>'],
  options: [projectOption],
  async run(ctx) {
    const path = `/projects/${seg(projectOf(ctx))}/flags/${seg(arg(ctx, 0, 'flag'))}/archive`;
    const flag = await ctx.api().post<Flag>(path);
    ctx.out.result(flag, () => ctx.out.line(`Archived flag ${flag.key}`));
  },
};
