import { Type } from '@sinclair/typebox';
import { AnyObject, Bool, Direction, Integer, NoContent, NoQuery, type Contract } from '../http/contract.js';

const tags = ['content types'];
const NameParams = Type.Object({ name: Type.String() });

export const ContentTypeDefinition = Type.Object(
  {
    name: Type.String(),
    label: Type.String(),
    schemaDefinition: AnyObject('The JSON Schema of its objects'),
    metaDefinition: AnyObject('How the Panel shows its fields'),
  },
  { additionalProperties: true, description: 'A content type definition (CTD)' },
);

export const contentTypeContracts = {
  list: {
    summary: 'List content type definitions',
    tags,
    querystring: Type.Object({
      page: Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
      limit: Integer({ minimum: 1, maximum: 10_000, default: 20 }),
      order_by: Type.Optional(Type.String()),
      order_direction: Type.Optional(Direction),
      name: Type.Optional(Type.String()),
      names: Type.Optional(Type.Array(Type.String())),
      'names[]': Type.Optional(Type.Array(Type.String())),
      label: Type.Optional(Type.String()),
      internal: Type.Optional(Bool('Only internal (true) or only user types (false)')),
    }),
    response: {
      200: Type.Object({
        total_count: Type.Integer(),
        total_pages: Type.Integer(),
        current_page: Type.Integer(),
        count: Type.Integer(),
        data: Type.Array(ContentTypeDefinition),
      }),
    },
  },
  create: {
    summary: 'Create a content type',
    tags,
    querystring: NoQuery,
    body: AnyObject('The definition: name, label, schemaDefinition, metaDefinition'),
    response: { 200: ContentTypeDefinition },
  },
  get: {
    summary: 'Read a content type definition',
    tags,
    params: NameParams,
    querystring: Type.Object({
      resolveRef: Type.Optional(Bool('Inline referenced definitions')),
      strictSchema: Type.Optional(Bool('With resolveRef: answer only the JSON Schema of the objects')),
    }),
    response: { 200: Type.Union([ContentTypeDefinition, AnyObject('With resolveRef and strictSchema: a JSON Schema')]) },
  },
  update: {
    summary: 'Change a content type (its objects are migrated)',
    tags,
    params: NameParams,
    querystring: NoQuery,
    body: AnyObject('The whole definition'),
    response: { 200: ContentTypeDefinition },
  },
  delete: {
    summary: 'Delete a content type without objects',
    tags,
    params: NameParams,
    querystring: NoQuery,
    response: { 200: NoContent },
  },
  purge: {
    summary: 'Delete every object of a type (and, with deleteSchema, the type)',
    tags,
    params: NameParams,
    querystring: NoQuery,
    body: Type.Unsafe<unknown>({
      description: 'Optional: {"deleteSchema": true}',
      properties: { deleteSchema: { type: ['boolean', 'string'] } },
    }),
    response: { 204: NoContent },
  },
} satisfies Record<string, Contract>;
