import type { Command } from '../../context.js';
import { listAllFlags, projectOf, projectOption } from '../shared.js';

export const flagsList: Command = {
  summary: "List a project's flags",
  options: [projectOption, { flags: '--archived', description: 'archived flags instead of live ones' }],
  async run(ctx) {
    const flags = await listAllFlags(ctx.api(), projectOf(ctx), ctx.options.archived ? true : undefined);
    ctx.out.result(flags, () =>
      ctx.out.table(flags, [
        { header: 'key', value: (f) => f.key },
        { header: 'type', value: (f) => f.type },
        { header: 'name', value: (f) => f.name },
        { header: 'tags', value: (f) => f.tags.join(',') },
        { header: 'last evaluated', value: (f) => f.lastEvaluatedAt ?? 'never' },
      ]),
    );
  },
};
