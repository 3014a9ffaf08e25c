import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;
/** The one WebAssembly function used here (the ES2022 lib this project compiles with declares none). */
declare const WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };

const requireFromHere = createRequire(import.meta.url);

/**
 * Postgres settings of the embedded database, on top of PGlite's own start parameters.
 *
 * shared_buffers: initdb writes Postgres' default, 128 MB, and PGlite's allocator touches the whole
 * pool when it starts, so it was ~125 MB of the process's RSS before a single row was read. An
 * embedded Switchyard database holds a few MB (flags, audit log); PGlite reads its files through
 * the OS page cache, so a miss in a smaller pool costs a syscall, not a disk seek. 16 MB keeps
 * every flag of a large installation in the pool. Measured: RSS after opening 309 → 182 MB.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = { shared_buffers: '16MB' };

/** PGlite's start parameters plus `EMBEDDED_SETTINGS`, as `-c name=value` pairs. */
export function embeddedStartParams(defaults: readonly string[]): string[] {
  return [...defaults, ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}

/** The installed PGlite's version; a data dir template is only valid for the version that made it. */
export function pgliteVersion(): string {
  // '@electric-sql/pglite/package.json' is not in the package's exports; its main file is in dist/.
  const packageJson = join(dirname(requireFromHere.resolve('@electric-sql/pglite')), '..', 'package.json');
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/**
 * Starts compiling PGlite's Postgres (9 MB of WebAssembly) now, off the main thread, so it overlaps
 * other start-up work (copying the data dir template, loading the HTTP stack). PGlite itself only
 * reads and compiles the file once it has set up its file system. Resolves to undefined (PGlite
 * then loads the file itself) if the package no longer exports it.
 */
export function compilePGliteWasm(): Promise<WasmModule | undefined> {
  let path: string;
  try {
    path = requireFromHere.resolve('@electric-sql/pglite/pglite.wasm');
  } catch {
    return Promise.resolve(undefined);
  }
  // Never rejects: an unused failure must not become an unhandled rejection.
  return readFile(path)
    .then((bytes) => WebAssembly.compile(bytes))
    .catch(() => undefined);
}

/** Opens (or creates, running initdb) the embedded database in `dataDir` with the embedded settings. */
export async function createPGlite(dataDir: string, wasmModule?: Promise<WasmModule | undefined>): Promise<PGlite> {
  // Loaded only in embedded mode: Postgres-mode starts skip its (and its adapter's) load time and memory.
  const { PGlite } = await import('@electric-sql/pglite');
  const options: PGliteOptions = { dataDir, startParams: embeddedStartParams(PGlite.defaultStartParams) };
  const pgliteWasmModule = await wasmModule;
  if (pgliteWasmModule) options.pgliteWasmModule = pgliteWasmModule;
  return PGlite.create(options);
}
