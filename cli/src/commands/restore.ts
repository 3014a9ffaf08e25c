import { seg } from '../api/client.js';
import type { ApiConfig } from '../api/types.js';
import { opt, type Command } from '../context.js';
import { arg, projectOf, projectOption } from './shared.js';

/** `switchyard restore <flag> [--env <env>] [--reason <text>]`: undo a kill. */
export const restore: Command = {
  summary: 'Bring back the configuration from before a kill (one environment, or every killed one)',
  args: ['<flag>'],
  options: [
    projectOption,
    { flags: '-e, --env <environment>', description: 'environment (default: every killed environment)' },
    { flags: '--reason <text>', description: 'why (audited)' },
  ],
  async run(ctx) {
    const flag = arg(ctx, 0, 'flag');
    const reason = opt(ctx, 'reason');
    const body = reason ? { reason } : {};
    const env = opt(ctx, 'env');
    const base = `/projects/${seg(projectOf(ctx))}/flags/${seg(flag)}`;
    if (env) {
      const config = await ctx.api().post<ApiConfig>(`${base}/environments/${seg(env)}/restore`, body);
      ctx.out.result(config, () => ctx.out.line(`Restored ${flag} in ${env}`));
      return;
    }
    const { items } = await ctx.api().post<{ items: ApiConfig[] }>(`${base}/restore`, body);
    ctx.out.result(items, () => ctx.out.line(`Restored ${flag} in ${items.map((c) => c.environment).join(', ')}`));
  },
};
