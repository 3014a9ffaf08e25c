/**
 * Prisma's schema engine (the one behind `prisma migrate diff`), run offline from its WASM build,
 * @prisma/schema-engine-wasm, over the pg driver adapter. The native engine the CLI downloads is
 * not available here; this one needs no download.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { schemaPath } from './schema-model.js';

interface DiffTargetEmpty {
  tag: 'empty';
}
interface DiffTargetSchema {
  tag: 'schemaDatamodel';
  files: { path: string; content: string }[];
}
type DiffTarget = DiffTargetEmpty | DiffTargetSchema;

interface WasmSchemaEngine {
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    exitCode: boolean | null;
    filters: { externalTables: string[]; externalEnums: string[] };
  }): Promise<{ exitCode: number; stdout: string }>;
  applyMigrations(input: {
    migrationsList: MigrationList;
    filters: Filters;
  }): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

type Filters = { externalTables: string[]; externalEnums: string[] };

/** prisma/migrations as the engine receives it from the CLI. */
interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: { path: string; migrationFile: { path: string; content: { tag: 'ok'; value: string } } }[];
}

let bindings: Promise<{ SchemaEngine: { new: (...args: unknown[]) => Promise<WasmSchemaEngine> } }> | undefined;

/** The part of the WebAssembly global used here (the server's tsconfig has no DOM lib to type it). */
interface WebAssemblyApi {
  Module: { new (bytes: Uint8Array): object; imports(module: object): { module: string }[] };
  Instance: new (module: object, imports: Record<string, unknown>) => { exports: Record<string, unknown> };
}

/** Instantiates the WASM module by hand: its ESM entry imports a .wasm file, which Node cannot. */
function loadBindings() {
  return (bindings ??= (async () => {
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const require = createRequire(import.meta.url);
    const jsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import(pathToFileURL(jsPath).href)) as Record<string, unknown> & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
      SchemaEngine: { new: (...args: unknown[]) => Promise<WasmSchemaEngine> };
    };
    const module = new wasm.Module(readFileSync(join(dirname(jsPath), 'schema_engine_bg.wasm')));
    // The wasm-bindgen glue module provides every import the module asks for.
    const imports: Record<string, unknown> = {};
    for (const { module: name } of wasm.Module.imports(module)) imports[name] = glue;
    const instance = new wasm.Instance(module, imports);
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as (() => void) | undefined)?.();
    return glue;
  })());
}

/** The schema file as a diff target. */
export function schemaTarget(path = schemaPath): DiffTargetSchema {
  return { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: readFileSync(path, 'utf8') }] };
}

async function withEngine<T>(connectionString: string, fn: (engine: WasmSchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadBindings();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  const schema = readFileSync(schemaPath, 'utf8');
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => undefined, adapter);
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

/** `prisma migrate deploy`: applies the pending migrations of `migrationsDir`; returns their names. */
export async function prismaMigrateDeploy(connectionString: string, migrationsDir: string): Promise<string[]> {
  const names = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockPath = join(migrationsDir, 'migration_lock.toml');
  const migrationsList: MigrationList = {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(join(migrationsDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
  return withEngine(connectionString, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList, filters: { externalTables: [], externalEnums: [] } });
    return result.appliedMigrationNames;
  });
}

/**
 * `prisma migrate diff --from <from> --to <to> --script`. The engine needs a connection even for
 * schema-only targets. (Live-database targets fail here: introspecting through adapter-pg 7.10.1
 * stops at pg_catalog's "char" columns, so tests compare catalogs themselves instead.)
 */
export async function prismaDiff(connectionString: string, from: DiffTarget, to: DiffTarget): Promise<string> {
  return withEngine(connectionString, async (engine) => {
    const result = await engine.diff({
      from,
      to,
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout;
  });
}
