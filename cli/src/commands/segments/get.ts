import { seg } from '../../api/client.js';
import type { Segment } from '../../api/types.js';
import type { Command } from '../../context.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const segmentsGet: Command = {
  summary: 'Show a segment and the rules that use it',
  args: ['<segment>'],
  options: [projectOption],
  async run(ctx) {
    const path = `/projects/${seg(projectOf(ctx))}/segments/${seg(arg(ctx, 0, 'segment'))}`;
    const segment = await ctx.api().get<Segment & { usedBy?: unknown[] }>(path);
    ctx.out.result(segment, () => {
      ctx.out.line(`${segment.key}: ${segment.name}`);
      for (const c of segment.conditions)
        ctx.out.line(`  ${c.attribute} ${c.negate ? 'not ' : ''}${c.operator} ${JSON.stringify(c.values)}`);
    });
  },
};
