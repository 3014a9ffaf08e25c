import { seg } from '../api/client.js';
import type { ApiConfig, ApiConfigBody, ApiRule, Flag } from '../api/types.js';
import { opt, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { arg, projectOf, projectOption } from './shared.js';

/** Id of the rule `rollout` adds to a flag that has none. */
export const ROLLOUT_RULE_ID = 'rollout';

/**
 * `switchyard rollout <flag> --env prod 10%`: the share of users a rule serves. The rule is
 * --rule, else the flag's only rule; a flag without rules gets one (`rollout`, everyone, serving
 * --variant, default `on`), written with If-Match so a concurrent edit is never overwritten.
 */
export const rollout: Command = {
  summary: 'Set the rollout percent of a rule (0-100, two decimals), e.g. `rollout my-flag --env prod 10%`',
  args: ['<flag>', '<percent>'],
  options: [
    projectOption,
    { flags: '-e, --env <environment>', description: 'environment', required: true },
    { flags: '--rule <id>', description: 'rule id (default: the only rule of the flag)' },
    { flags: '--variant <variant>', description: 'variant a new rollout rule serves (default: on)' },
    { flags: '--reason <text>', description: 'why (audited)' },
  ],
  async run(ctx) {
    const flag = arg(ctx, 0, 'flag');
    const text = arg(ctx, 1, 'percent');
    // Loaded here: api/rollout.ts uses core's schema module (zod), ~0.2 s of CPU at start-up.
    const { apiRolloutValue, formatPercent, parsePercent, rolloutToApi } = await import('../api/rollout.js');
    const percent = parsePercent(text);
    if (percent === undefined) throw new UsageError(`"${text}" is not a percent: 0-100 with up to two decimals`);
    const env = opt(ctx, 'env');
    if (!env) throw new UsageError('--env is required');
    const reason = opt(ctx, 'reason');
    const project = projectOf(ctx);
    const path = `/projects/${seg(project)}/flags/${seg(flag)}/environments/${seg(env)}`;
    const api = ctx.api();
    const current = await api.request<ApiConfig>('GET', path);
    let ruleId = opt(ctx, 'rule');
    let config: ApiConfig;
    if (!ruleId && current.body.rules.length === 0) {
      const definition = await api.get<Flag>(`/projects/${seg(project)}/flags/${seg(flag)}`);
      const variant = opt(ctx, 'variant') ?? 'on';
      if (!definition.variants.some((v) => v.key === variant))
        throw new UsageError(`flag ${flag} has no variant "${variant}": pass --variant`);
      const rule: ApiRule = {
        id: ROLLOUT_RULE_ID,
        conditions: [],
        segments: [],
        rollout: rolloutToApi({ percent }),
        serve: { variant },
      };
      const { environment: _e, version: _v, killed: _k, killReason: _r, ...body } = current.body;
      const next: ApiConfigBody = { ...body, rules: [rule] };
      config = (await api.request<ApiConfig>('PUT', path, { body: next, ifMatch: current.etag })).body;
    } else {
      if (!ruleId) {
        if (current.body.rules.length > 1)
          throw new UsageError(
            `flag ${flag} has ${current.body.rules.length} rules in ${env}: pass --rule (${current.body.rules.map((r) => r.id).join(', ')})`,
          );
        ruleId = current.body.rules[0]!.id;
      }
      const body = { ...apiRolloutValue(percent), ...(reason ? { reason } : {}) };
      config = await api.post<ApiConfig>(`${path}/rules/${seg(ruleId)}/rollout`, body, { ifMatch: current.etag });
    }
    const result = { flag, environment: env, rule: ruleId ?? ROLLOUT_RULE_ID, percent, version: config.version };
    ctx.out.result(result, () => {
      ctx.out.line(`${flag} in ${env}: rule ${result.rule} now serves ${formatPercent(percent)}`);
      if (!config.enabled) ctx.out.line(`note: ${flag} is off in ${env}; turn it on for the rollout to apply`);
    });
  },
};
