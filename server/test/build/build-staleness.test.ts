import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The root `npm start` script's check (plain ESM, no build step).
import { BUILD_STAMP, CONSOLE_STAMP, staleBuildReason, staleConsoleReason } from '../../../scripts/build-staleness.mjs';

// Times are set with utimes, not by waiting: the check compares modification times only.
const BUILT_AT = new Date('2026-01-01T12:00:00Z');
const BEFORE = new Date(BUILT_AT.getTime() - 60_000);
const AFTER = new Date(BUILT_AT.getTime() + 60_000);

describe('staleBuildReason: whether `npm start` must build the server first', () => {
  let root: string;

  const put = async (path: string, at: Date) => {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, path);
    await utimes(file, at, at);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-staleness-'));
    await put('package.json', BEFORE);
    await put('prisma/migrations/20260101000000_init/migration.sql', BEFORE);
    await put('core/src/index.ts', BEFORE);
    await put('server/src/server.ts', BEFORE);
    await put('server/src/features/flags/routes.ts', BEFORE);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds when there was no complete build (no stamp)', async () => {
    expect(await staleBuildReason(root)).toBe('no complete build yet');
  });

  it('skips the build when every input is older than the stamp', async () => {
    await put(BUILD_STAMP, BUILT_AT);
    expect(await staleBuildReason(root)).toBeUndefined();
  });

  it.each([
    ['a server source', 'server/src/features/flags/routes.ts', 'server/src'],
    ['a core source', 'core/src/index.ts', 'core/src'],
    ['a new migration', 'prisma/migrations/20260202000000_more/migration.sql', 'prisma'],
    ['a build script', 'server/scripts/bundle.mjs', 'server/scripts'],
    ['the lockfile (dependencies)', 'package-lock.json', 'package-lock.json'],
  ])('builds when %s changed after the last build', async (_label, path, input) => {
    await put(BUILD_STAMP, BUILT_AT);
    await put(path, AFTER);
    expect(await staleBuildReason(root)).toBe(`${input} changed since the last build`);
  });

  it('ignores tests and the generated Prisma client, which the build does not read', async () => {
    await put(BUILD_STAMP, BUILT_AT);
    await put('server/src/features/flags/routes.test.ts', AFTER);
    await put('server/src/generated/prisma/client.ts', AFTER);
    expect(await staleBuildReason(root)).toBeUndefined();
  });
});

describe('staleConsoleReason: whether `npm start` must build the web console first', () => {
  let root: string;

  const put = async (path: string, at: Date) => {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, path);
    await utimes(file, at, at);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-console-staleness-'));
    await put('console/package.json', BEFORE);
    await put('console/src/app.tsx', BEFORE);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds when the console was never built', async () => {
    expect(await staleConsoleReason(root)).toBe('no complete build yet');
  });

  it('skips the build when the console is current, whatever the server does', async () => {
    await put(CONSOLE_STAMP, BUILT_AT);
    await put('server/src/server.ts', AFTER);
    expect(await staleConsoleReason(root)).toBeUndefined();
  });

  it.each([
    ['a console source', 'console/src/pages/flags/FlagList.tsx', 'console/src'],
    ['its page', 'console/index.html', 'console/index.html'],
    ['its Vite config', 'console/vite.config.ts', 'console/vite.config.ts'],
    ['the lockfile (dependencies)', 'package-lock.json', 'package-lock.json'],
  ])('builds when %s changed after the last build', async (_label, path, input) => {
    await put(CONSOLE_STAMP, BUILT_AT);
    await put(path, AFTER);
    expect(await staleConsoleReason(root)).toBe(`${input} changed since the last build`);
  });
});
