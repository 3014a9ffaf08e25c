import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { opt, type Command, type CommandContext } from '../../context.js';
import { ExitCode, UsageError } from '../../exit-codes.js';
import type { ConversionReport } from '../../unleash/convert.js';
import { projectOf, projectOption } from '../shared.js';

/** `--env dev` or `--env development=dev`, repeatable. */
function environmentMap(ctx: CommandContext): { map: Map<string, string>; single: string | undefined } {
  const values = (ctx.options.env as string[] | undefined) ?? [];
  const map = new Map<string, string>();
  let single: string | undefined;
  for (const value of values) {
    const [from, to] = value.split('=', 2) as [string, string | undefined];
    if (to === undefined) single = from;
    map.set(from, to ?? from);
  }
  return { map, single };
}

function printReport(ctx: CommandContext, report: ConversionReport): void {
  for (const u of report.unsupported) {
    const what = u.feature ? `flag ${u.feature}${u.environment ? `@${u.environment}` : ''}` : `segment ${u.segment}`;
    ctx.out.stderr.write(`not converted: ${what}: ${u.why}\n`);
  }
  for (const s of report.skipped) ctx.out.stderr.write(`skipped: ${s}\n`);
  for (const n of report.notes) ctx.out.stderr.write(`note: ${n}\n`);
}

/**
 * `switchyard import unleash <export.json> --project p`: converts an Unleash export and applies it
 * like a flags file (diff, --dry-run, If-Match, idempotent). Anything that does not convert exactly
 * is reported and nothing is written, unless --skip-unsupported (then those flags are left out
 * whole). `-o file.yaml` writes the converted flags file instead, for review.
 */
export const importUnleash: Command = {
  summary: 'Import an Unleash feature export, keeping every rollout bucket and variant',
  args: ['<export>'],
  options: [
    projectOption,
    {
      flags: '-e, --env <mapping...>',
      description:
        'Unleash environment → Switchyard environment: `production=prod`; one name for an export without environments',
    },
    { flags: '--dry-run', description: 'show the diff only; exit 4 when there are differences' },
    { flags: '--skip-unsupported', description: 'import what converts; leave unsupported flags out whole' },
    { flags: '-o, --output <file>', description: 'write the converted flags file (YAML) instead of importing' },
  ],
  async run(ctx) {
    const name = ctx.args[0];
    if (!name) throw new UsageError('missing argument <export>');
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(resolve(ctx.cwd, name), 'utf8'));
    } catch (error) {
      throw new UsageError(`cannot read ${name}: ${(error as Error).message}`);
    }
    // Loaded here, not at start-up: zod and yaml cost other commands ~0.3 s of CPU.
    const { normalizeExport, unleashExportSchema } = await import('../../unleash/export-format.js');
    const { convertUnleash, segmentsUsedBy } = await import('../../unleash/convert.js');
    const { flagsFileSchema } = await import('../../flags-as-code/file-schema.js');
    const parsed = unleashExportSchema.safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new UsageError(`${name} is not an Unleash feature export:\n  ${issues.join('\n  ')}`);
    }
    const { map, single } = environmentMap(ctx);
    const normalized = normalizeExport(parsed.data, single);
    if ('error' in normalized) throw new UsageError(`${name}: ${normalized.error}`);
    const project = projectOf(ctx);
    const { file, report } = convertUnleash(normalized.model, { project, environments: map });
    printReport(ctx, report);
    if (report.unsupported.length > 0 && !ctx.options.skipUnsupported) {
      ctx.out.result({ ok: false, report }, () => undefined);
      ctx.out.stderr.write(
        `${report.unsupported.length} item(s) cannot be converted exactly: nothing was imported (--skip-unsupported imports the rest).\n`,
      );
      return ExitCode.usage;
    }
    const used = segmentsUsedBy(file.flags);
    if (ctx.options.skipUnsupported) file.segments = file.segments.filter((s) => used.has(s.key));
    const checked = flagsFileSchema.safeParse(file);
    if (!checked.success) throw new Error(`converted file does not validate: ${checked.error.message}`);
    const output = opt(ctx, 'output');
    if (output) {
      const { formatFlagsFile } = await import('../../flags-as-code/export.js');
      writeFileSync(resolve(ctx.cwd, output), formatFlagsFile(checked.data, 'yaml'));
      ctx.out.result({ ok: true, output, report }, () =>
        ctx.out.line(`Wrote ${report.flags} flag(s) and ${report.segments} segment(s) to ${output}`),
      );
      return ExitCode.ok;
    }
    const { applyFlagsFile } = await import('../../flags-as-code/apply-file.js');
    const { pathLocator } = await import('../../flags-as-code/parse-file.js');
    return applyFlagsFile(ctx.api(), ctx.out, checked.data, {
      name,
      locator: pathLocator(`${name} (converted)`),
      dryRun: Boolean(ctx.options.dryRun),
      prune: false,
      summary: { report },
      progressLabel: 'Importing',
    });
  },
};
