import { seg } from '../../api/client.js';
import type { Flag } from '../../api/types.js';
import type { Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const flagsUnarchive: Command = {
  summary: 'Bring an archived flag back',
  args: ['<flag>'],
  options: [projectOption],
  async run(ctx) {
    const path = `/projects/${seg(projectOf(ctx))}/flags/${seg(arg(ctx, 0, 'flag'))}/unarchive`;
    const flag = await ctx.api().post<Flag>(path);
    ctx.out.result(flag, () => ctx.out.line(`Unarchived flag ${flag.key}`));
  },
};
