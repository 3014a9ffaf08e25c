import { seg } from '../api/client.js';
import type { ApiConfig } from '../api/types.js';
import { opt, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { arg, projectOf, projectOption } from './shared.js';

/** `switchyard kill <flag> --env <env> --reason <text>` (no --env: every environment, in one transaction). */
export const kill: Command = {
  summary: 'Kill switch: turn a flag off now (one environment, or all without --env)',
  args: ['<flag>'],
  options: [
    projectOption,
    { flags: '-e, --env <environment>', description: 'environment (default: every environment)' },
    { flags: '--reason <text>', description: 'why (required, audited)' },
  ],
  async run(ctx) {
    const flag = arg(ctx, 0, 'flag');
    const reason = opt(ctx, 'reason');
    if (!reason?.trim()) throw new UsageError('--reason is required: it goes to the audit log');
    const env = opt(ctx, 'env');
    const base = `/projects/${seg(projectOf(ctx))}/flags/${seg(flag)}`;
    if (env) {
      const result = await ctx.api().post<ApiConfig | { pending: true }>(`${base}/environments/${seg(env)}/kill`, {
        reason,
      });
      ctx.out.result(result, () =>
        ctx.out.line(
          'pending' in result
            ? `Kill of ${flag} in ${env} accepted (database unreachable: served to SDKs now, recorded later)`
            : `Killed ${flag} in ${env}`,
        ),
      );
      return;
    }
    const { items } = await ctx.api().post<{ items: ApiConfig[] }>(`${base}/kill`, { reason });
    ctx.out.result(items, () =>
      ctx.out.line(`Killed ${flag} in ${items.map((c) => c.environment).join(', ') || 'no environment'}`),
    );
  },
};
