import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiClient } from '../api/client.js';
import type { AuditEvent, AuditPage } from '../api/types.js';
import { opt, type Command, type CommandContext } from '../context.js';
import { UsageError } from '../exit-codes.js';
import type { Output } from '../output.js';

/**
 * `switchyard audit [--project] [--flag] [--limit] [--follow]`. --follow polls the newest page
 * every --interval seconds and prints events newer than the last one seen (ids increase), oldest
 * first, until interrupted (or --max-polls in tests).
 */
export const audit: Command = {
  summary: 'Show the audit log (newest first); --follow prints new events as they happen',
  options: [
    { flags: '-p, --project <project>', description: 'only this project' },
    { flags: '--flag <flag>', description: 'only changes to this flag' },
    { flags: '--action <action>', description: 'only this action, e.g. flag.killed' },
    { flags: '--limit <n>', description: 'how many events (1-200)', default: '20' },
    { flags: '-f, --follow', description: 'keep printing new events' },
    { flags: '--interval <seconds>', description: 'poll interval with --follow', default: '2' },
  ],
  async run(ctx) {
    const limit = Number(opt(ctx, 'limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError('--limit must be 1-200');
    const query = {
      project: opt(ctx, 'project') ?? ctx.env.SWITCHYARD_PROJECT,
      flag: opt(ctx, 'flag'),
      action: opt(ctx, 'action'),
      limit,
    };
    const api = ctx.api();
    const page = await api.get<AuditPage>('/audit', { query });
    if (!ctx.options.follow) {
      ctx.out.result(page.items, () => printEvents(ctx.out, page.items));
      return;
    }
    const events = [...page.items].reverse();
    for (const event of events) printOne(ctx.out, event);
    await follow(ctx, api, query, events.at(-1)?.id);
  },
};

async function follow(
  ctx: CommandContext,
  api: ApiClient,
  query: Record<string, string | number | undefined>,
  lastId: string | undefined,
): Promise<void> {
  const interval = Number(opt(ctx, 'interval') ?? 2) * 1000;
  const maxPolls = ctx.options.maxPolls === undefined ? Infinity : Number(ctx.options.maxPolls);
  const signal = ctx.options.signal as AbortSignal | undefined;
  let last = lastId === undefined ? -1n : BigInt(lastId);
  for (let poll = 0; poll < maxPolls && !signal?.aborted; poll++) {
    await sleep(interval, undefined, signal ? { signal } : undefined).catch(() => undefined);
    if (signal?.aborted) break;
    const page = await api.get<AuditPage>('/audit', { query: { ...query, limit: 200 } });
    const fresh = page.items.filter((e) => BigInt(e.id) > last).reverse();
    for (const event of fresh) printOne(ctx.out, event);
    if (fresh.length > 0) last = BigInt(fresh.at(-1)!.id);
  }
}

function printOne(out: Output, event: AuditEvent): void {
  if (out.json) out.jsonLine(event);
  else out.line(describe(event));
}

function printEvents(out: Output, events: AuditEvent[]): void {
  out.table(events, [
    { header: 'time', value: (e) => e.time },
    { header: 'actor', value: (e) => e.principal.display },
    { header: 'action', value: (e) => e.action },
    { header: 'target', value: (e) => `${e.project ?? ''}/${e.target.key}${e.environment ? `@${e.environment}` : ''}` },
    { header: 'reason', value: (e) => e.reason },
  ]);
}

function describe(e: AuditEvent): string {
  const where = `${e.project ?? ''}/${e.target.key}${e.environment ? `@${e.environment}` : ''}`;
  return `${e.time}  ${e.principal.display}  ${e.action}  ${where}${e.reason ? `  "${e.reason}"` : ''}`;
}
