/**
 * Two views of the database schema in one comparable shape: what prisma/schema.prisma says (read
 * through Prisma's own schema parser, @prisma/prisma-schema-wasm, the engine behind `getDMMF`) and
 * what a live database has (read from the catalogs). A test compares them, so the committed SQL
 * migrations and the Prisma schema cannot drift apart unnoticed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const schemaPath = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));

export interface ColumnShape {
  nullable: boolean;
  /** Postgres type name as in pg_type (`text`, `uuid`, `timestamptz`, `_text` for text[], enum name). */
  type: string;
  /** Fractional-second digits of timestamps, else null. */
  precision: number | null;
  hasDefault: boolean;
}

export interface SchemaShape {
  /** table → column → shape */
  tables: Record<string, Record<string, ColumnShape>>;
  /** enum type → labels in order */
  enums: Record<string, string[]>;
  /** `table.index_name` → kind and columns */
  indexes: Record<string, { kind: 'primary' | 'unique' | 'index'; columns: string[] }>;
  /** `table.column` → DEFAULT expression; read from databases only (empty in `expectedSchema`). */
  defaults: Record<string, string | null>;
  /** `table.constraint_name` → foreign key */
  foreignKeys: Record<
    string,
    { columns: string[]; references: string; referencedColumns: string[]; onDelete: string; onUpdate: string }
  >;
}

// ---- Prisma's view -------------------------------------------------------------------------

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType?: [string, string[]] | null;
  default?: { name: string; args: unknown[] } | unknown;
  isUpdatedAt: boolean;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: DmmfIndex[];
  };
}

/** Prisma's DMMF of prisma/schema.prisma, from the same WASM parser `prisma generate` uses. */
export function loadDmmf(path = schemaPath): Dmmf {
  const require = createRequire(import.meta.url);
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const schema = readFileSync(path, 'utf8');
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf;
}

/** Default values Prisma's client fills in; the database column has no DEFAULT for them. */
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

/** Prisma's scalar → Postgres type mapping (its defaults, plus the native types we use). */
function columnType(field: DmmfField, enumDbNames: Map<string, string>): { type: string; precision: number | null } {
  const native = field.nativeType ?? null;
  let type: string;
  let precision: number | null = null;
  if (field.kind === 'enum') {
    type = enumDbNames.get(field.type) ?? field.type;
  } else if (field.type === 'DateTime') {
    if (native && native[0] !== 'Timestamptz' && native[0] !== 'Timestamp') throw new Error(`unmapped ${native[0]}`);
    type = native?.[0] === 'Timestamptz' ? 'timestamptz' : 'timestamp';
    precision = Number(native?.[1][0] ?? 3);
  } else if (native) {
    const byNative: Record<string, string> = {
      Uuid: 'uuid',
      Text: 'text',
      Integer: 'int4',
      BigInt: 'int8',
      JsonB: 'jsonb',
    };
    const mapped = byNative[native[0]];
    if (!mapped) throw new Error(`schema-model.ts does not map native type @db.${native[0]} yet`);
    type = mapped;
  } else {
    const byScalar: Record<string, string> = {
      String: 'text',
      Int: 'int4',
      BigInt: 'int8',
      Boolean: 'bool',
      Json: 'jsonb',
      Float: 'float8',
      Decimal: 'numeric',
      Bytes: 'bytea',
    };
    const mapped = byScalar[field.type];
    if (!mapped) throw new Error(`schema-model.ts does not map Prisma type ${field.type} yet`);
    type = mapped;
  }
  return { type: field.isList ? `_${type}` : type, precision };
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

/** What the database should look like, derived from Prisma's DMMF and Prisma's naming rules. */
export function expectedSchema(dmmf: Dmmf): SchemaShape {
  const { models, enums, indexes } = dmmf.datamodel;
  const enumDbNames = new Map(enums.map((e) => [e.name, e.dbName ?? e.name]));
  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`${model.name}.${fieldName} not found`);
    return field.dbName ?? field.name;
  };
  const shape: SchemaShape = { tables: {}, enums: {}, indexes: {}, defaults: {}, foreignKeys: {} };

  for (const e of enums) shape.enums[e.dbName ?? e.name] = e.values.map((v) => v.dbName ?? v.name);

  for (const model of models) {
    const table = tableOf.get(model.name)!;
    const columns: Record<string, ColumnShape> = {};
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (!field.relationFromFields?.length) continue;
        const from = field.relationFromFields.map((f) => columnOf(model, f));
        const target = models.find((m) => m.name === field.type)!;
        // Prisma's defaults: Restrict for a required relation, SetNull for an optional one; Cascade on update.
        const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
        const onUpdate = field.relationOnUpdate ?? 'Cascade';
        shape.foreignKeys[`${table}.${table}_${from.join('_')}_fkey`] = {
          columns: from,
          references: tableOf.get(target.name)!,
          referencedColumns: (field.relationToFields ?? []).map((f) => columnOf(target, f)),
          onDelete: REFERENTIAL_ACTIONS[onDelete]!,
          onUpdate: REFERENTIAL_ACTIONS[onUpdate]!,
        };
        continue;
      }
      const defaultName = (field.default as { name?: string } | undefined)?.name;
      columns[field.dbName ?? field.name] = {
        // Prisma creates scalar lists without NOT NULL, even for a required `String[]`.
        nullable: !field.isRequired || field.isList,
        ...columnType(field, enumDbNames),
        hasDefault: field.hasDefaultValue && !CLIENT_SIDE_DEFAULTS.has(defaultName ?? ''),
      };
    }
    shape.tables[table] = columns;
  }

  for (const index of indexes) {
    const model = models.find((m) => m.name === index.model)!;
    const table = tableOf.get(model.name)!;
    const columns = index.fields.map((f) => columnOf(model, f.name));
    const kind = index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'index';
    const suffix = { primary: 'pkey', unique: 'key', index: 'idx' }[kind];
    // Prisma's default constraint names: <table>_pkey, <table>_<columns>_key / _idx.
    const name = index.dbName ?? (kind === 'primary' ? `${table}_pkey` : `${table}_${columns.join('_')}_${suffix}`);
    shape.indexes[`${table}.${name}`] = { kind, columns };
  }
  return shape;
}

// ---- The database's view -------------------------------------------------------------------

export type QueryFn = <Row>(sql: string) => Promise<Row[]>;

/** Reads tables, enums, indexes and foreign keys of the current schema (minus `_prisma_migrations`). */
export async function actualSchema(query: QueryFn): Promise<SchemaShape> {
  const shape: SchemaShape = { tables: {}, enums: {}, indexes: {}, defaults: {}, foreignKeys: {} };

  const columns = await query<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    udt_name: string;
    datetime_precision: number | null;
    column_default: string | null;
  }>(`SELECT table_name, column_name, is_nullable, udt_name, datetime_precision, column_default
      FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'
      ORDER BY table_name, ordinal_position`);
  for (const c of columns) {
    const isTimestamp = c.udt_name === 'timestamptz' || c.udt_name === 'timestamp';
    (shape.tables[c.table_name] ??= {})[c.column_name] = {
      nullable: c.is_nullable === 'YES',
      type: c.udt_name,
      precision: isTimestamp ? Number(c.datetime_precision) : null,
      hasDefault: c.column_default !== null,
    };
    shape.defaults[`${c.table_name}.${c.column_name}`] = c.column_default;
  }

  const enums = await query<{ name: string; labels: string[] }>(
    `SELECT t.typname::text AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = current_schema() GROUP BY t.typname`,
  );
  for (const e of enums) shape.enums[e.name] = e.labels;

  const indexes = await query<{
    table: string;
    name: string;
    is_unique: boolean;
    is_primary: boolean;
    columns: string[];
  }>(
    `SELECT t.relname::text AS "table", i.relname::text AS name, ix.indisunique AS is_unique,
            ix.indisprimary AS is_primary, array_agg(a.attname::text ORDER BY k.ord) AS columns
     FROM pg_index ix
     JOIN pg_class i ON i.oid = ix.indexrelid
     JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
     GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`,
  );
  for (const ix of indexes) {
    const kind = ix.is_primary ? 'primary' : ix.is_unique ? 'unique' : 'index';
    shape.indexes[`${ix.table}.${ix.name}`] = { kind, columns: ix.columns };
  }

  const actions: Record<string, string> = {
    c: 'CASCADE',
    r: 'RESTRICT',
    a: 'NO ACTION',
    n: 'SET NULL',
    d: 'SET DEFAULT',
  };
  const fks = await query<{
    table: string;
    name: string;
    references: string;
    on_delete: string;
    on_update: string;
    columns: string[];
    referenced_columns: string[];
  }>(
    `SELECT t.relname::text AS "table", c.conname::text AS name, r.relname::text AS "references",
            c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS referenced_columns
     FROM pg_constraint c
     JOIN pg_class t ON t.oid = c.conrelid
     JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
  for (const fk of fks) {
    shape.foreignKeys[`${fk.table}.${fk.name}`] = {
      columns: fk.columns,
      references: fk.references,
      referencedColumns: fk.referenced_columns,
      onDelete: actions[fk.on_delete]!,
      onUpdate: actions[fk.on_update]!,
    };
  }
  return shape;
}
