/**
 * Prisma's schema engine (the one behind `prisma migrate diff`), run offline from its WASM build,
 * @prisma/schema-engine-wasm, over the pg driver adapter. The native engine the CLI downloads is
 * not available here; this one needs no download.
 */
import { readFileSync } from 'node:fs';
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
  free(): void;
}

let bindings: Promise<{ SchemaEngine: { new: (...args: unknown[]) => Promise<WasmSchemaEngine> } }> | undefined;

/** Instantiates the WASM module by hand: its ESM entry imports a .wasm file, which Node cannot. */
function loadBindings() {
  return (bindings ??= (async () => {
    const require = createRequire(import.meta.url);
    const jsPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = (await import(pathToFileURL(jsPath).href)) as Record<string, unknown> & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
      SchemaEngine: { new: (...args: unknown[]) => Promise<WasmSchemaEngine> };
    };
    const module = new WebAssembly.Module(readFileSync(join(dirname(jsPath), 'schema_engine_bg.wasm')));
    const imports: WebAssembly.Imports = {};
    for (const { module: name } of WebAssembly.Module.imports(module))
      imports[name] = glue as WebAssembly.ModuleImports;
    const instance = new WebAssembly.Instance(module, imports);
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as (() => void) | undefined)?.();
    return glue;
  })());
}

/** The schema file as a diff target. */
export function schemaTarget(path = schemaPath): DiffTargetSchema {
  return { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: readFileSync(path, 'utf8') }] };
}

/**
 * `prisma migrate diff --from <from> --to <to> --script`. The engine needs a connection even for
 * schema-only targets. (Live-database targets fail here: introspecting through adapter-pg 7.10.1
 * stops at pg_catalog's "char" columns, so tests compare catalogs themselves instead.)
 */
export async function prismaDiff(connectionString: string, from: DiffTarget, to: DiffTarget): Promise<string> {
  const { SchemaEngine } = await loadBindings();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString }));
  const schema = readFileSync(schemaPath, 'utf8');
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => undefined, adapter);
  try {
    const result = await engine.diff({
      from,
      to,
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout;
  } finally {
    engine.free();
  }
}
