import { seg } from '../api/client.js';
import type { ApiConfig } from '../api/types.js';
import { opt, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { arg, projectOf, projectOption } from './shared.js';

/** What tells `kill` and `restore` apart; the rest of the two commands is the same. */
interface KillSwitchAction {
  /** The last segment of both routes: `…/environments/<env>/<verb>` and `…/flags/<flag>/<verb>`. */
  verb: 'kill' | 'restore';
  /** Of the line printed after it: `Killed checkout in prod`. */
  done: string;
  summary: string;
  /** What no --env means. */
  everyEnvironment: string;
  /** Whether --reason must be given (a kill's reason goes to the audit log and the kill record). */
  reasonRequired: boolean;
}

/** A kill taken while the server's database was unreachable (202): served to SDKs, recorded later. */
interface PendingKill {
  pending: true;
}

/**
 * `switchyard <kill|restore> <flag> [--env <env>] [--reason <text>]`: in one environment, or in
 * every one (one transaction) without --env.
 */
export function killSwitchCommand(action: KillSwitchAction): Command {
  return {
    summary: action.summary,
    args: ['<flag>'],
    options: [
      projectOption,
      { flags: '-e, --env <environment>', description: `environment (default: ${action.everyEnvironment})` },
      { flags: '--reason <text>', description: action.reasonRequired ? 'why (required, audited)' : 'why (audited)' },
    ],
    async run(ctx) {
      const flag = arg(ctx, 0, 'flag');
      const reason = opt(ctx, 'reason');
      if (action.reasonRequired && !reason?.trim())
        throw new UsageError('--reason is required: it goes to the audit log');
      const body = reason ? { reason } : {};
      const env = opt(ctx, 'env');
      const base = `/projects/${seg(projectOf(ctx))}/flags/${seg(flag)}`;
      if (env) {
        const result = await ctx
          .api()
          .post<ApiConfig | PendingKill>(`${base}/environments/${seg(env)}/${action.verb}`, body);
        ctx.out.result(result, () =>
          ctx.out.line(
            'pending' in result
              ? `Kill of ${flag} in ${env} accepted (database unreachable: served to SDKs now, recorded later)`
              : `${action.done} ${flag} in ${env}`,
          ),
        );
        return;
      }
      const { items } = await ctx.api().post<{ items: ApiConfig[] }>(`${base}/${action.verb}`, body);
      ctx.out.result(items, () =>
        ctx.out.line(`${action.done} ${flag} in ${items.map((c) => c.environment).join(', ') || 'no environment'}`),
      );
    },
  };
}
