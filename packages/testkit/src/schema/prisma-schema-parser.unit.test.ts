import { parsePrismaSchema, PrismaSchemaParseError, type PrismaField } from './prisma-schema-parser';

const SCHEMA = `
// a comment line
generator client {
  provider = "prisma-client" // settings are skipped
  importFileExtension = ""
}

datasource db {
  provider = "postgresql"
}

enum Colour {
  red
  dark_blue // trailing comment

  @@map("colour")
}

/// A shelf of things.
model Shelf {
  id        String   @id
  /// Where it stands; "//" inside a doc is text.
  label     String?  @unique @map("label_text")
  colour    Colour   @default(red)
  tags      String[] @default([])
  count     Int      @default(0)
  note      String   @default("a // b, c")
  createdAt DateTime @default(now()) @map("created_at") @db.Timestamptz(3)
  items     Item[]

  @@index([colour, count])
  @@map("shelves")
}

model Item {
  shelfId String @map("shelf_id")
  seq     Int
  payload Json?

  shelf Shelf @relation(fields: [shelfId], references: [id], onDelete: Restrict)

  @@id([shelfId, seq])
  @@unique([seq, shelfId])
  @@map("items")
}
`;

const plain: Omit<PrismaField, 'name' | 'type' | 'columnName'> = {
  optional: false,
  list: false,
  id: false,
  unique: false,
  default: undefined,
  nativeType: undefined,
  relation: undefined,
  documentation: undefined,
};

describe('parsePrismaSchema', () => {
  const schema = parsePrismaSchema(SCHEMA);

  it('reads enums with their values in order and their @@map name', () => {
    expect(schema.enums).toEqual([{ name: 'Colour', dbName: 'colour', values: ['red', 'dark_blue'] }]);
  });

  it('reads every field of a model with its modifiers and attributes', () => {
    const shelf = schema.models[0];
    expect(shelf).toMatchObject({ name: 'Shelf', dbName: 'shelves', documentation: 'A shelf of things.', compoundId: undefined, uniques: [], indexes: [['colour', 'count']] });
    expect(shelf?.fields).toEqual([
      { ...plain, name: 'id', type: 'String', columnName: 'id', id: true },
      { ...plain, name: 'label', type: 'String', columnName: 'label_text', optional: true, unique: true, documentation: 'Where it stands; "//" inside a doc is text.' },
      { ...plain, name: 'colour', type: 'Colour', columnName: 'colour', default: 'red' },
      { ...plain, name: 'tags', type: 'String', columnName: 'tags', list: true, default: '[]' },
      { ...plain, name: 'count', type: 'Int', columnName: 'count', default: '0' },
      { ...plain, name: 'note', type: 'String', columnName: 'note', default: '"a // b, c"' },
      { ...plain, name: 'createdAt', type: 'DateTime', columnName: 'created_at', default: 'now()', nativeType: { name: 'Timestamptz', args: ['3'] } },
      { ...plain, name: 'items', type: 'Item', columnName: 'items', list: true },
    ]);
  });

  it('reads relations and compound ids, uniques and indexes', () => {
    const item = schema.models[1];
    expect(item).toMatchObject({ name: 'Item', dbName: 'items', compoundId: ['shelfId', 'seq'], uniques: [['seq', 'shelfId']], indexes: [] });
    expect(item?.fields.find((field) => field.name === 'shelf')).toEqual({
      ...plain,
      name: 'shelf',
      type: 'Shelf',
      columnName: 'shelf',
      relation: { fields: ['shelfId'], references: ['id'], onDelete: 'Restrict', onUpdate: undefined },
    });
    expect(item?.fields.find((field) => field.name === 'payload')).toMatchObject({ type: 'Json', optional: true });
  });

  it.each([
    ['an attribute outside the subset', 'model A {\n  id Int @id @updatedAt\n}', 2, /unsupported field attribute @updatedAt/],
    ['a block outside the subset', 'view A {\n}', 1, /unsupported block "view"/],
    ['index arguments outside the subset', 'model A {\n  id Int @id\n  @@index([id(sort: Desc)])\n}', 3, /expected a name/],
    ['a named @@unique', 'model A {\n  id Int @id\n\n  @@unique([id], map: "x")\n}', 4, /exactly one argument/],
    ['an enum value with attributes', 'enum E {\n  a @map("A")\n}', 2, /unsupported enum value/],
    ['a block left open', 'model A {\n  id Int @id\n', 1, /model A is never closed/],
  ])('rejects %s with the line number', (_what, source, line, message) => {
    const parse = (): unknown => parsePrismaSchema(source);
    expect(parse).toThrow(PrismaSchemaParseError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(`schema.prisma line ${line}:`);
  });
});
