import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seg } from '../../api/client.js';
import type { Segment } from '../../api/types.js';
import { opt, type Command } from '../../context.js';
import { UsageError } from '../../exit-codes.js';
import { arg, projectOf, projectOption } from '../shared.js';

export const segmentsCreate: Command = {
  summary: 'Create a segment (conditions from a YAML/JSON file; none = everyone)',
  args: ['<segment>'],
  options: [
    projectOption,
    { flags: '--name <name>', description: 'display name (default: the key)' },
    { flags: '--description <text>', description: 'description' },
    { flags: '--conditions <file>', description: 'YAML or JSON list of conditions' },
  ],
  async run(ctx) {
    const key = arg(ctx, 0, 'segment');
    const file = opt(ctx, 'conditions');
    let conditions: unknown = [];
    if (file) {
      try {
        const { parse: parseYaml } = await import('yaml');
        conditions = parseYaml(readFileSync(resolve(ctx.cwd, file), 'utf8'));
      } catch (error) {
        throw new UsageError(`${file}: ${(error as Error).message}`);
      }
    }
    const body = { key, name: opt(ctx, 'name') ?? key, description: opt(ctx, 'description') ?? '', conditions };
    const segment = await ctx.api().post<Segment>(`/projects/${seg(projectOf(ctx))}/segments`, body);
    ctx.out.result(segment, () => ctx.out.line(`Created segment ${segment.key}`));
  },
};
