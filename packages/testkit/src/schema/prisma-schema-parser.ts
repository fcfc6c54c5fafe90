/**
 * A parser for the subset of the Prisma schema language that prisma/schema.prisma uses: `enum`
 * and `model` blocks with the attributes listed in FIELD_ATTRIBUTES and BLOCK_ATTRIBUTES.
 * Anything outside that subset throws, so a new construct in the schema fails the
 * schema-matches-migrations check loudly instead of being skipped. The output is syntactic:
 * which field types are models, enums or scalars is decided by the comparison.
 */

export type PrismaEnum = {
  name: string;
  /** The Postgres type name: `@@map` or the enum name. */
  dbName: string;
  values: string[];
};

export type PrismaRelation = {
  fields: string[];
  references: string[];
  /** Prisma's action name (`Restrict`, `Cascade`, ...) as written, undefined when absent. */
  onDelete: string | undefined;
  onUpdate: string | undefined;
};

export type PrismaField = {
  name: string;
  /** `String`, `Int`, ... or the name of an enum or model. */
  type: string;
  optional: boolean;
  list: boolean;
  /** `@map` or the field name. */
  columnName: string;
  id: boolean;
  unique: boolean;
  /** The `@default(...)` argument as written: `now()`, `0`, `active`, `"x"`, `[]`. */
  default: string | undefined;
  /** `@db.Timestamptz(3)` is `{ name: 'Timestamptz', args: ['3'] }`. */
  nativeType: { name: string; args: string[] } | undefined;
  relation: PrismaRelation | undefined;
  documentation: string | undefined;
};

export type PrismaModel = {
  name: string;
  /** The table name: `@@map` or the model name. */
  dbName: string;
  fields: PrismaField[];
  /** `@@id([...])` field names; a single-field id is `PrismaField.id`. */
  compoundId: string[] | undefined;
  /** `@@unique([...])` field names; single-field ones are `PrismaField.unique`. */
  uniques: string[][];
  /** `@@index([...])` field names, in index order. */
  indexes: string[][];
  documentation: string | undefined;
};

export type PrismaSchema = { enums: PrismaEnum[]; models: PrismaModel[] };

export class PrismaSchemaParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`schema.prisma line ${line}: ${message}`);
  }
}

const FIELD_ATTRIBUTES = new Set(['id', 'unique', 'default', 'map', 'relation']);
const BLOCK_ATTRIBUTES = new Set(['id', 'unique', 'index', 'map']);
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

type Attribute = { name: string; args: Argument[] };
type Argument = { key: string | undefined; value: string };
type Block = { kind: 'model' | 'enum' | 'config'; name: string; startLine: number };

export function parsePrismaSchema(source: string): PrismaSchema {
  const schema: PrismaSchema = { enums: [], models: [] };
  let block: Block | undefined;
  let model: PrismaModel | undefined;
  let prismaEnum: PrismaEnum | undefined;
  let docs: string[] = [];
  const takeDocs = (): string | undefined => {
    const text = docs.length > 0 ? docs.join('\n') : undefined;
    docs = [];
    return text;
  };

  source.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith('///')) {
      docs.push(trimmed.slice(3).trim());
      return;
    }
    const line = stripComment(raw, lineNo).trim();
    if (line === '') return;

    if (block === undefined) {
      const header = /^(\w+)\s+(\w+)\s*\{$/.exec(line);
      if (!header) throw new PrismaSchemaParseError(`expected a block header, got "${line}"`, lineNo);
      const [, keyword = '', name = ''] = header;
      const documentation = takeDocs();
      if (keyword === 'model') {
        model = { name, dbName: name, fields: [], compoundId: undefined, uniques: [], indexes: [], documentation };
        block = { kind: 'model', name, startLine: lineNo };
      } else if (keyword === 'enum') {
        prismaEnum = { name, dbName: name, values: [] };
        block = { kind: 'enum', name, startLine: lineNo };
      } else if (keyword === 'generator' || keyword === 'datasource') {
        // client and connection settings: nothing that shapes the tables
        block = { kind: 'config', name, startLine: lineNo };
      } else {
        throw new PrismaSchemaParseError(`unsupported block "${keyword}"`, lineNo);
      }
      return;
    }

    if (line === '}') {
      if (model) schema.models.push(model);
      if (prismaEnum) schema.enums.push(prismaEnum);
      block = model = prismaEnum = undefined;
      docs = [];
      return;
    }
    if (block.kind === 'config') return;

    if (line.startsWith('@@')) {
      const attributes = parseAttributes(line.slice(1), lineNo);
      const [attribute] = attributes;
      if (attributes.length !== 1 || !attribute) throw new PrismaSchemaParseError('one block attribute per line', lineNo);
      if (model) applyModelAttribute(attribute, model, lineNo);
      else if (prismaEnum && attribute.name === 'map') prismaEnum.dbName = stringLiteral(positional(single(attribute, lineNo), lineNo), lineNo);
      else throw new PrismaSchemaParseError(`unsupported enum attribute @@${attribute.name}`, lineNo);
      docs = [];
      return;
    }
    if (prismaEnum) {
      if (!IDENTIFIER.test(line)) throw new PrismaSchemaParseError(`unsupported enum value "${line}"`, lineNo);
      prismaEnum.values.push(line);
      docs = [];
      return;
    }
    if (model) model.fields.push(parseField(line, lineNo, takeDocs()));
  });

  if (block) throw new PrismaSchemaParseError(`${block.kind} ${block.name} is never closed`, block.startLine);
  return schema;
}

/** Removes a `//` comment, leaving `//` inside string literals alone. */
function stripComment(line: string, lineNo: number): string {
  let inString = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (inString && char === '\\') i += 1;
    else if (char === '"') inString = !inString;
    else if (!inString && char === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  if (inString) throw new PrismaSchemaParseError('unterminated string', lineNo);
  return line;
}

function parseField(line: string, lineNo: number, documentation: string | undefined): PrismaField {
  const match = /^(\w+)\s+(\w+)(\[\]|\?)?(?:\s+(.*))?$/.exec(line);
  if (!match) throw new PrismaSchemaParseError(`cannot read field "${line}"`, lineNo);
  const [, name = '', type = '', modifier, rest = ''] = match;
  const field: PrismaField = {
    name,
    type,
    optional: modifier === '?',
    list: modifier === '[]',
    columnName: name,
    id: false,
    unique: false,
    default: undefined,
    nativeType: undefined,
    relation: undefined,
    documentation,
  };
  for (const attribute of parseAttributes(rest, lineNo)) {
    if (attribute.name.startsWith('db.')) {
      field.nativeType = { name: attribute.name.slice(3), args: attribute.args.map((arg) => positional(arg, lineNo)) };
      continue;
    }
    if (!FIELD_ATTRIBUTES.has(attribute.name)) throw new PrismaSchemaParseError(`unsupported field attribute @${attribute.name}`, lineNo);
    switch (attribute.name) {
      case 'id':
      case 'unique':
        if (attribute.args.length > 0) throw new PrismaSchemaParseError(`unsupported arguments to @${attribute.name}`, lineNo);
        if (attribute.name === 'id') field.id = true;
        else field.unique = true;
        break;
      case 'default':
        field.default = positional(single(attribute, lineNo), lineNo);
        break;
      case 'map':
        field.columnName = stringLiteral(positional(single(attribute, lineNo), lineNo), lineNo);
        break;
      case 'relation':
        field.relation = parseRelation(attribute.args, lineNo);
        break;
    }
  }
  return field;
}

function parseRelation(args: Argument[], lineNo: number): PrismaRelation {
  const relation: PrismaRelation = { fields: [], references: [], onDelete: undefined, onUpdate: undefined };
  for (const arg of args) {
    if (arg.key === 'fields' || arg.key === 'references') relation[arg.key] = identifierList(arg.value, lineNo);
    else if (arg.key === 'onDelete' || arg.key === 'onUpdate') relation[arg.key] = identifier(arg.value, lineNo);
    else throw new PrismaSchemaParseError(`unsupported @relation argument "${arg.key ?? arg.value}"`, lineNo);
  }
  return relation;
}

function applyModelAttribute(attribute: Attribute, model: PrismaModel, lineNo: number): void {
  if (!BLOCK_ATTRIBUTES.has(attribute.name)) throw new PrismaSchemaParseError(`unsupported block attribute @@${attribute.name}`, lineNo);
  const value = positional(single(attribute, lineNo), lineNo);
  if (attribute.name === 'map') {
    model.dbName = stringLiteral(value, lineNo);
    return;
  }
  const fields = identifierList(value, lineNo);
  if (attribute.name === 'id') model.compoundId = fields;
  else if (attribute.name === 'unique') model.uniques.push(fields);
  else model.indexes.push(fields);
}

/** Reads `@name(args) @other ...`; `text` starts at the first `@` or is empty. */
function parseAttributes(text: string, lineNo: number): Attribute[] {
  const attributes: Attribute[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i += 1;
    if (i >= text.length) return attributes;
    const head = /^@([A-Za-z][\w.]*)/.exec(text.slice(i));
    if (!head) throw new PrismaSchemaParseError(`expected an attribute at "${text.slice(i)}"`, lineNo);
    const name = head[1] ?? '';
    i += head[0].length;
    let args: Argument[] = [];
    if (text[i] === '(') {
      const end = closingIndex(text, i, lineNo);
      args = splitTopLevel(text.slice(i + 1, end)).map((part) => {
        const named = /^(\w+)\s*:\s*([\s\S]+)$/.exec(part);
        return named ? { key: named[1], value: (named[2] ?? '').trim() } : { key: undefined, value: part };
      });
      i = end + 1;
    }
    attributes.push({ name, args });
  }
}

/** Index of the bracket closing the one at `open`, skipping string literals. */
function closingIndex(text: string, open: number, lineNo: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || char === ']') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  throw new PrismaSchemaParseError('unbalanced brackets', lineNo);
}

/** Splits on commas outside brackets and strings; empty input gives no parts. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || char === ']') depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || parts.length > 0) parts.push(last);
  return parts;
}

function single(attribute: Attribute, lineNo: number): Argument {
  const [arg, ...extra] = attribute.args;
  if (!arg || extra.length > 0) throw new PrismaSchemaParseError(`@${attribute.name} takes exactly one argument here`, lineNo);
  return arg;
}

function positional(arg: Argument, lineNo: number): string {
  if (arg.key !== undefined) throw new PrismaSchemaParseError(`unsupported named argument "${arg.key}"`, lineNo);
  return arg.value;
}

function stringLiteral(value: string, lineNo: number): string {
  if (!/^"(?:[^"\\]|\\.)*"$/.test(value)) throw new PrismaSchemaParseError(`expected a string, got ${value}`, lineNo);
  return JSON.parse(value) as string;
}

function identifier(value: string, lineNo: number): string {
  if (!IDENTIFIER.test(value)) throw new PrismaSchemaParseError(`expected a name, got ${value}`, lineNo);
  return value;
}

/** `[a, b]` of plain field names; per-field arguments such as `a(sort: Desc)` are outside the subset. */
function identifierList(value: string, lineNo: number): string[] {
  if (!value.startsWith('[') || !value.endsWith(']')) throw new PrismaSchemaParseError(`expected a list, got ${value}`, lineNo);
  return splitTopLevel(value.slice(1, -1)).map((item) => identifier(item, lineNo));
}
