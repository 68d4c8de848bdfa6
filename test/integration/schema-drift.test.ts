import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase, withPg } from "../support/database";

/**
 * prisma/schema.prisma and the database built by prisma/migrations must describe the same schema: the Prisma
 * CLI cannot diff them offline, so this test does. Both sides are reduced to the same plain shape (tables,
 * columns with type, nullability and default, indexes, foreign keys, enums) and compared.
 */

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object";
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: { model: string; type: "id" | "unique" | "normal"; dbName?: string | null; fields: { name: string }[] }[];
  };
}

const require = createRequire(import.meta.url);
const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: readFileSync("prisma/schema.prisma", "utf8") }))) as Dmmf;

const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (f: DmmfField) => f.dbName ?? f.name;

function nativeType(field: DmmfField): string {
  const [name, args] = field.nativeType ?? [null, []];
  switch (name) {
    case "Uuid":
      return "uuid";
    case "VarChar":
      return `character varying(${args[0]})`;
    case "Char":
      return `character(${args[0]})`;
    case "Timestamptz":
      return `timestamp(${args[0] ?? 6}) with time zone`;
    case "Date":
      return "date";
    case null:
      break;
    default:
      throw new Error(`native type ${name} is not handled by the drift test yet`);
  }
  if (field.kind === "enum") return field.type;
  const scalar: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Boolean: "boolean",
    Json: "jsonb",
    DateTime: "timestamp(3) without time zone",
    Float: "double precision",
  };
  const type = scalar[field.type];
  if (!type) throw new Error(`scalar type ${field.type} is not handled by the drift test yet`);
  return type;
}

type Default = { fn: string } | { value: unknown } | null;

function expectedDefault(model: DmmfModel, field: DmmfField): Default {
  const d = field.default as { name?: string; args?: unknown[] } | unknown;
  if (d === undefined) return null;
  if (d && typeof d === "object" && !Array.isArray(d) && "name" in d) {
    const call = d as { name: string; args: unknown[] };
    if (call.name === "now") return { fn: "CURRENT_TIMESTAMP" };
    if (call.name === "dbgenerated") return { fn: String(call.args[0]) };
    if (call.name === "autoincrement") return { fn: `nextval('${tableOf(model)}_${columnOf(field)}_seq'::regclass)` };
    throw new Error(`default ${call.name}() is not handled by the drift test yet`);
  }
  return { value: field.type === "Json" && typeof d === "string" ? JSON.parse(d) : d };
}

function expectedSchema() {
  const tables: Record<string, Record<string, { type: string; nullable: boolean; default: Default }>> = {};
  const foreignKeys: string[] = [];
  for (const model of dmmf.datamodel.models) {
    const columns: (typeof tables)[string] = {};
    for (const field of model.fields) {
      if (field.kind === "object") {
        if (field.relationFromFields?.length) {
          const target = dmmf.datamodel.models.find((m) => m.name === field.type)!;
          const col = (names: string[], m: DmmfModel) => names.map((n) => columnOf(m.fields.find((f) => f.name === n)!)).join(",");
          foreignKeys.push(
            `${tableOf(model)}(${col(field.relationFromFields, model)}) -> ${tableOf(target)}(${col(field.relationToFields!, target)}) ` +
              `on delete ${(field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")).toLowerCase()}`,
          );
        }
        continue;
      }
      columns[columnOf(field)] = {
        type: nativeType(field) + (field.isList ? "[]" : ""),
        // Prisma creates scalar list columns without NOT NULL.
        nullable: !field.isRequired || field.isList,
        default: expectedDefault(model, field),
      };
    }
    tables[tableOf(model)] = columns;
  }
  const indexes = dmmf.datamodel.indexes.map((index) => {
    const model = dmmf.datamodel.models.find((m) => m.name === index.model)!;
    const cols = index.fields.map((f) => columnOf(model.fields.find((mf) => mf.name === f.name)!));
    const suffix = { id: "pkey", unique: "key", normal: "idx" }[index.type];
    const name = index.dbName ?? (index.type === "id" ? `${tableOf(model)}_pkey` : `${tableOf(model)}_${cols.join("_")}_${suffix}`);
    return `${name}: ${index.type === "normal" ? "index" : index.type === "id" ? "primary" : "unique"} ${tableOf(model)}(${cols.join(",")})`;
  });
  const enums = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
  return { tables, indexes: indexes.sort(), foreignKeys: foreignKeys.sort(), enums };
}

async function actualSchema(client: pg.Client) {
  const { rows: columns } = await client.query<{ table: string; column: string; type: string; nullable: boolean; default: string | null }>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`);
  const tables: Record<string, Record<string, { type: string; nullable: boolean; default: Default }>> = {};
  for (const col of columns) {
    let def: Default = null;
    if (col.default !== null) {
      const isFunction = /\(|CURRENT_TIMESTAMP/.test(col.default) && !/^ARRAY\[/.test(col.default);
      if (isFunction) def = { fn: col.default };
      else {
        // Literal defaults are compared by value: evaluate the expression the database stored.
        const { rows } = await client.query<{ v: unknown }>(`SELECT to_jsonb(${col.default}) AS v`);
        def = { value: rows[0]!.v };
      }
    }
    (tables[col.table] ??= {})[col.column] = { type: col.type.replaceAll('"', ""), nullable: col.nullable, default: def };
  }
  const { rows: indexRows } = await client.query<{ name: string; table: string; primary: boolean; unique: boolean; cols: string[] }>(`
    SELECT i.relname AS name, t.relname AS table, x.indisprimary AS primary, x.indisunique AS unique,
           array_agg(a.attname ORDER BY k.ord)::text[] AS cols
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE t.relname <> '_prisma_migrations'
     GROUP BY i.relname, t.relname, x.indisprimary, x.indisunique`);
  const indexes = indexRows.map(
    (r) => `${r.name}: ${r.primary ? "primary" : r.unique ? "unique" : "index"} ${r.table}(${r.cols.join(",")})`,
  );
  const { rows: fkRows } = await client.query<{ def: string }>(`
    SELECT format('%s(%s) -> %s(%s) on delete %s', t.relname,
             (SELECT string_agg(attname, ',' ORDER BY ord) FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
                JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n),
             r.relname,
             (SELECT string_agg(attname, ',' ORDER BY ord) FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
                JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n),
             CASE c.confdeltype WHEN 'c' THEN 'cascade' WHEN 'n' THEN 'setnull' WHEN 'r' THEN 'restrict'
                                WHEN 'a' THEN 'noaction' WHEN 'd' THEN 'setdefault' END) AS def
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     WHERE c.contype = 'f'`);
  const { rows: enumRows } = await client.query<{ name: string; values: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`);
  return {
    tables,
    indexes: indexes.sort(),
    foreignKeys: fkRows.map((r) => r.def).sort(),
    enums: Object.fromEntries(enumRows.map((r) => [r.name, r.values])),
  };
}

describe("schema.prisma and the migrations", () => {
  const database = setupTestDatabase();
  let actual: Awaited<ReturnType<typeof actualSchema>>;
  const expected = expectedSchema();

  beforeAll(async () => {
    actual = await withPg(database.url, actualSchema);
  });

  it("create the same tables", () => {
    expect(Object.keys(actual.tables).sort()).toEqual(Object.keys(expected.tables).sort());
  });

  it.each(Object.keys(expected.tables))("agree on every column of %s: type, nullability and default", (table) => {
    expect(actual.tables[table]).toEqual(expected.tables[table]);
  });

  it("agree on primary keys, unique constraints and indexes", () => {
    expect(actual.indexes).toEqual(expected.indexes);
  });

  it("agree on foreign keys and their delete rules", () => {
    expect(actual.foreignKeys).toEqual(expected.foreignKeys);
  });

  it("agree on enums and their values", () => {
    expect(actual.enums).toEqual(expected.enums);
  });

  it("would notice a drift (the comparison is not vacuous)", () => {
    expect(Object.keys(expected.tables).length).toBeGreaterThanOrEqual(9);
    const tampered = structuredClone(expected.tables.users!);
    tampered.username!.nullable = true;
    expect(actual.tables.users).not.toEqual(tampered);
  });
});
