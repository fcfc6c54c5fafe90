import type { DatabaseSchema, DbColumn, DbIndex, DbTable, ReferentialAction } from './database-introspection';
import type { PrismaField, PrismaModel, PrismaSchema } from './prisma-schema-parser';

/**
 * Compares what schema.prisma says the database looks like with what the migrations built, the
 * way `prisma migrate diff` would if its engine could run here. Returns one readable line per
 * difference, in either direction; an empty list means they agree.
 */
export function compareSchemaToDatabase(
  schema: PrismaSchema,
  database: DatabaseSchema,
  options: { ignoreTables?: string[] } = {},
): string[] {
  const ignored = new Set(options.ignoreTables ?? ['_prisma_migrations']);
  const mismatches: string[] = [];
  const expected = expectedTables(schema, mismatches);
  const actual = new Map(database.tables.filter((table) => !ignored.has(table.name)).map((table) => [table.name, table]));

  for (const table of expected) {
    const found = actual.get(table.name);
    if (found) compareTable(table, found, mismatches);
    else mismatches.push(`table ${table.name}: in schema.prisma (model ${table.model}) but not in the database`);
  }
  const expectedNames = new Set(expected.map((table) => table.name));
  for (const name of actual.keys()) {
    if (!expectedNames.has(name)) mismatches.push(`table ${name}: in the database but not in schema.prisma`);
  }

  const dbEnums = new Map(database.enums.map((e) => [e.name, e.values]));
  for (const prismaEnum of schema.enums) {
    const values = dbEnums.get(prismaEnum.dbName);
    if (!values) mismatches.push(`enum ${prismaEnum.dbName}: in schema.prisma (enum ${prismaEnum.name}) but not in the database`);
    else if (list(values) !== list(prismaEnum.values)) {
      mismatches.push(`enum ${prismaEnum.dbName}: schema says values ${list(prismaEnum.values)}, database says ${list(values)}`);
    }
  }
  const schemaEnums = new Set(schema.enums.map((e) => e.dbName));
  for (const name of dbEnums.keys()) {
    if (!schemaEnums.has(name)) mismatches.push(`enum ${name}: in the database but not in schema.prisma`);
  }
  return mismatches;
}

/** A table as schema.prisma implies it, in the introspection's terms. */
type ExpectedTable = {
  name: string;
  model: string;
  columns: ExpectedColumn[];
  primaryKey: string[] | undefined;
  uniques: string[][];
  indexes: string[][];
  foreignKeys: Array<{ columns: string[]; referencedTable: string; referencedColumns: string[]; onDelete: ReferentialAction; onUpdate: ReferentialAction }>;
};

type ExpectedColumn = { name: string; field: string; type: string | undefined; nullable: boolean; default: ExpectedDefault };

/** `value` is compared after normalising both sides; `present` only checks that a default exists. */
type ExpectedDefault = { kind: 'none' } | { kind: 'value'; value: string } | { kind: 'present'; written: string };

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const PRISMA_ACTIONS: Record<string, ReferentialAction> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

// Prisma fills these in on the client, so the column has no database default.
const CLIENT_SIDE_DEFAULT = /^(uuid|cuid|nanoid|ulid)\(.*\)$/;

function expectedTables(schema: PrismaSchema, mismatches: string[]): ExpectedTable[] {
  const models = new Map(schema.models.map((model) => [model.name, model]));
  const enums = new Map(schema.enums.map((e) => [e.name, e.dbName]));

  return schema.models.map((model) => {
    const columnOf = (fieldName: string, of: PrismaModel = model): string => {
      const field = of.fields.find((f) => f.name === fieldName);
      if (!field) mismatches.push(`model ${of.name}: refers to unknown field ${fieldName}`);
      return field?.columnName ?? fieldName;
    };
    const scalars = model.fields.filter((field) => !models.has(field.type));
    const ids = scalars.filter((field) => field.id).map((field) => field.columnName);
    if (ids.length > 0 && model.compoundId) mismatches.push(`model ${model.name}: has both @id and @@id`);

    return {
      name: model.dbName,
      model: model.name,
      columns: scalars.map((field) => {
        const enumName = enums.get(field.type);
        const type = enumName === undefined ? scalarType(field) : `${sqlIdentifier(enumName)}${field.list ? '[]' : ''}`;
        if (type === undefined) mismatches.push(`field ${model.name}.${field.name}: no known Postgres type for ${describeType(field)}`);
        // Postgres cannot make an array column NOT NULL for Prisma: scalar lists are nullable.
        return { name: field.columnName, field: field.name, type, nullable: field.optional || field.list, default: expectedDefault(field) };
      }),
      primaryKey: model.compoundId?.map((name) => columnOf(name)) ?? (ids.length > 0 ? ids : undefined),
      uniques: [...scalars.filter((field) => field.unique).map((field) => [field.columnName]), ...model.uniques.map((names) => names.map((name) => columnOf(name)))],
      indexes: model.indexes.map((names) => names.map((name) => columnOf(name))),
      foreignKeys: model.fields.flatMap((field) => {
        const target = models.get(field.type);
        if (!target || !field.relation || field.relation.fields.length === 0) return [];
        const { relation } = field;
        return [
          {
            columns: relation.fields.map((name) => columnOf(name)),
            referencedTable: target.dbName,
            referencedColumns: relation.references.map((name) => columnOf(name, target)),
            // Prisma's defaults when the schema names no action
            onDelete: referentialAction(relation.onDelete ?? (field.optional ? 'SetNull' : 'Restrict'), model, field, mismatches),
            onUpdate: referentialAction(relation.onUpdate ?? 'Cascade', model, field, mismatches),
          },
        ];
      }),
    };
  });
}

function compareTable(expected: ExpectedTable, actual: DbTable, mismatches: string[]): void {
  const table = expected.name;
  const dbColumns = new Map(actual.columns.map((column) => [column.name, column]));
  for (const column of expected.columns) {
    const found = dbColumns.get(column.name);
    if (found) compareColumn(table, column, found, mismatches);
    else mismatches.push(`column ${table}.${column.name}: in schema.prisma (field ${expected.model}.${column.field}) but not in the database`);
  }
  const schemaColumns = new Set(expected.columns.map((column) => column.name));
  for (const column of actual.columns) {
    if (!schemaColumns.has(column.name)) mismatches.push(`column ${table}.${column.name}: in the database but not in schema.prisma`);
  }

  const primaryKey = expected.primaryKey ? list(expected.primaryKey) : 'none';
  const dbPrimaryKey = actual.primaryKey ? describeIndex(actual.primaryKey) : 'none';
  if (primaryKey !== dbPrimaryKey) mismatches.push(`primary key of ${table}: schema says ${primaryKey}, database says ${dbPrimaryKey}`);

  compareSets(`unique index on ${table}`, expected.uniques.map(list), actual.uniqueIndexes.map(describeIndex), mismatches);
  compareSets(`index on ${table}`, expected.indexes.map(list), actual.indexes.map(describeIndex), mismatches);

  const foreignKey = (columns: string[], referencedTable: string, referencedColumns: string[]): string =>
    `foreign key ${table} ${list(columns)} -> ${referencedTable} ${list(referencedColumns)}`;
  const dbForeignKeys = new Map(actual.foreignKeys.map((fk) => [foreignKey(fk.columns, fk.referencedTable, fk.referencedColumns), fk]));
  for (const fk of expected.foreignKeys) {
    const key = foreignKey(fk.columns, fk.referencedTable, fk.referencedColumns);
    const found = dbForeignKeys.get(key);
    dbForeignKeys.delete(key);
    if (!found) mismatches.push(`${key}: in schema.prisma but not in the database`);
    else {
      if (found.onDelete !== fk.onDelete) mismatches.push(`${key}: schema says ON DELETE ${fk.onDelete}, database says ON DELETE ${found.onDelete}`);
      if (found.onUpdate !== fk.onUpdate) mismatches.push(`${key}: schema says ON UPDATE ${fk.onUpdate}, database says ON UPDATE ${found.onUpdate}`);
    }
  }
  for (const key of dbForeignKeys.keys()) mismatches.push(`${key}: in the database but not in schema.prisma`);
}

function compareColumn(table: string, expected: ExpectedColumn, actual: DbColumn, mismatches: string[]): void {
  const where = `column ${table}.${expected.name}`;
  if (expected.type !== undefined && expected.type !== actual.formattedType) {
    mismatches.push(`${where}: schema says type ${expected.type}, database says ${actual.formattedType}`);
  }
  if (expected.nullable !== actual.nullable) {
    mismatches.push(`${where}: schema says ${nullability(expected.nullable)}, database says ${nullability(actual.nullable)}`);
  }
  const dbDefault = actual.default === undefined ? undefined : normaliseSqlDefault(actual.default);
  if (!defaultsAgree(expected.default, dbDefault)) {
    const schemaSays = expected.default.kind === 'none' ? 'no default' : `default ${expected.default.kind === 'value' ? expected.default.value : expected.default.written}`;
    mismatches.push(`${where}: schema says ${schemaSays}, database says ${dbDefault === undefined ? 'no default' : `default ${dbDefault}`}`);
  }
}

function defaultsAgree(expected: ExpectedDefault, dbDefault: string | undefined): boolean {
  switch (expected.kind) {
    case 'none':
      return dbDefault === undefined;
    case 'present':
      return dbDefault !== undefined;
    case 'value':
      return dbDefault === expected.value;
  }
}

/** Reports column lists on one side only; lists are compared as multisets. */
function compareSets(what: string, expected: string[], actual: string[], mismatches: string[]): void {
  const remaining = [...actual];
  for (const item of expected) {
    const at = remaining.indexOf(item);
    if (at >= 0) remaining.splice(at, 1);
    else mismatches.push(`${what} ${item}: in schema.prisma but not in the database`);
  }
  for (const item of remaining) mismatches.push(`${what} ${item}: in the database but not in schema.prisma`);
}

function scalarType(field: PrismaField): string | undefined {
  let base = SCALAR_TYPES[field.type];
  if (field.nativeType) {
    const [precision, ...rest] = field.nativeType.args;
    const timestamptz = field.type === 'DateTime' && field.nativeType.name === 'Timestamptz' && precision !== undefined && /^\d+$/.test(precision) && rest.length === 0;
    base = timestamptz ? `timestamp(${precision}) with time zone` : undefined;
  }
  return base === undefined ? undefined : `${base}${field.list ? '[]' : ''}`;
}

function expectedDefault(field: PrismaField): ExpectedDefault {
  const written = field.default;
  if (written === undefined || CLIENT_SIDE_DEFAULT.test(written)) return { kind: 'none' };
  if (written === 'now()') return { kind: 'value', value: 'CURRENT_TIMESTAMP' };
  if (written === '[]') return { kind: 'value', value: 'ARRAY[]' };
  if (/^"(?:[^"\\]|\\.)*"$/.test(written)) return { kind: 'value', value: JSON.parse(written) as string };
  const dbGenerated = /^dbgenerated\(("(?:[^"\\]|\\.)*")\)$/.exec(written);
  if (dbGenerated?.[1]) return { kind: 'value', value: normaliseSqlDefault(JSON.parse(dbGenerated[1]) as string) };
  // numbers, booleans and enum values print the same on both sides once casts are stripped
  if (/^(-?\d+(\.\d+)?|true|false|[A-Za-z_]\w*)$/.test(written)) return { kind: 'value', value: written };
  return { kind: 'present', written };
}

/** `'active'::connection_status` -> `active`, `ARRAY[]::text[]` -> `ARRAY[]`, `now()` -> `CURRENT_TIMESTAMP`. */
function normaliseSqlDefault(sql: string): string {
  let value = sql.trim();
  const cast = /::(?:"[^"]+"|[a-z_][a-z0-9_ ]*)(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])*$/i;
  while (cast.test(value)) value = value.replace(cast, '').trim();
  if (/^'(?:[^']|'')*'$/.test(value)) value = value.slice(1, -1).replace(/''/g, "'");
  return value === 'now()' ? 'CURRENT_TIMESTAMP' : value;
}

function referentialAction(name: string, model: PrismaModel, field: PrismaField, mismatches: string[]): ReferentialAction {
  const action = PRISMA_ACTIONS[name];
  if (!action) mismatches.push(`field ${model.name}.${field.name}: unknown referential action ${name}`);
  return action ?? 'NO ACTION';
}

/** How format_type prints a type name: bare when lower-case, else quoted. */
function sqlIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function describeType(field: PrismaField): string {
  const native = field.nativeType ? ` @db.${field.nativeType.name}(${field.nativeType.args.join(', ')})` : '';
  return `${field.type}${field.list ? '[]' : ''}${native}`;
}

/** An index's columns, plus what schema.prisma's plain @@index / @@unique cannot say. */
function describeIndex(index: DbIndex): string {
  return `${list(index.columns)}${index.method === 'btree' ? '' : ` USING ${index.method}`}${index.partial ? ' (partial)' : ''}`;
}

function nullability(nullable: boolean): string {
  return nullable ? 'NULL' : 'NOT NULL';
}

function list(items: string[]): string {
  return `(${items.join(', ')})`;
}
