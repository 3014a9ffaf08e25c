import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.js';
import { findRefusedStoredRegexes } from './stored-regexes.js';

// Patterns written before the write-time check was tightened are still in the database: the
// audit lists them (an older server accepted `^(\w|\d)+$`; rows are written here directly, as the
// API would now refuse them).

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const api = t.api.bind(t);
  expect((await api('POST', '/projects', { key: 'acme', name: 'Acme' })).status).toBe(201);
  expect((await api('POST', '/projects/acme/environments', { key: 'production', name: 'p' })).status).toBe(201);
  expect((await api('POST', '/projects/acme/flags', { key: 'checkout', name: 'c', type: 'boolean' })).status).toBe(201);
});
afterAll(async () => t?.close());

describe('findRefusedStoredRegexes', () => {
  it('finds nothing when every stored pattern passes today’s check', async () => {
    expect(await findRefusedStoredRegexes(t.db.prisma)).toEqual([]);
  });

  it('lists the refused patterns of flag configurations and segments, with where they are', async () => {
    const project = await t.db.prisma.project.findUniqueOrThrow({ where: { key: 'acme' } });
    const condition = (values: string[]) => ({ attribute: 'email', operator: 'regex', values });
    await t.db.prisma.flagConfig.updateMany({
      data: {
        rules: [
          {
            id: 'r1',
            conditions: [condition(['@acme\\.test$', '^(\\w|\\d)+$'])],
            segments: [],
            serve: { variant: 'on' },
          },
        ],
      },
    });
    await t.db.prisma.segment.create({
      data: { projectId: project.id, key: 'legacy', name: 'Legacy', conditions: [condition(['(a|aa)+$'])] },
    });
    const found = await findRefusedStoredRegexes(t.db.prisma);
    expect(found.map(({ project: p, environment, where, pattern }) => [p, environment, where, pattern])).toEqual([
      ['acme', 'production', 'flag checkout', '^(\\w|\\d)+$'],
      ['acme', undefined, 'segment legacy', '(a|aa)+$'],
    ]);
    expect(found[0]!.problem).toMatch(/exponential/);
  });
});
