import { Type } from '@sinclair/typebox';
import { AnyObject, Bool, Direction, ErrorBody, Integer, OBJECT_MARK, type Contract, type ObjectMark } from '../http/contract.js';

/** A body that is an object of the route's type (written out per type in the OpenAPI document). */
const ObjectBody = (mark: ObjectMark, description: string) =>
  Type.Object({}, { additionalProperties: true, description, [OBJECT_MARK]: mark });

/** The declared shapes of the Flotiq content endpoints (§8); a type's own object schema comes from its CTD. */
const tags = ['content'];

export const ObjectParams = Type.Object({ type: Type.String(), id: Type.String() });
export const TypeParams = Type.Object({ type: Type.String() });

export const ContentObject = Type.Object(
  {
    id: Type.String(),
    internal: Type.Optional(AnyObject('System fields: contentType, createdAt, updatedAt, deletedAt, status, …')),
  },
  {
    additionalProperties: true,
    description: "A content object: the type's fields (its CTD's schema) and `internal`",
    [OBJECT_MARK]: 'output',
  },
);

export const ListEnvelope = (item: ReturnType<typeof Type.Object> | typeof ContentObject) =>
  Type.Object({
    total_count: Type.Integer(),
    total_pages: Type.Integer(),
    current_page: Type.Integer(),
    count: Type.Integer(),
    data: Type.Array(item),
  });

export const BatchReport = Type.Object({
  batch_total_count: Type.Integer(),
  batch_success_count: Type.Integer(),
  batch_error_count: Type.Integer(),
  errors: Type.Array(AnyObject('An item that failed: its id, data and errors')),
});

const Hydrate = Integer({ minimum: 0, maximum: 2, default: 0, description: 'Resolve relations this many levels deep' });

export const ListQuery = Type.Object({
  page: Integer({ minimum: 1, maximum: 1_000_000_000, default: 1 }),
  limit: Integer({ minimum: 1, maximum: 1000, default: 20 }),
  order_by: Type.Optional(Type.String()),
  order_direction: Type.Optional(Direction),
  filters: Type.Optional(Type.String({ description: 'A JSON object of field → {type, filter}' })),
  ids: Type.Optional(Type.Array(Type.String())),
  'ids[]': Type.Optional(Type.Array(Type.String())),
  empty_first: Type.Optional(Bool()),
  hydrate: Hydrate,
});

export const contentContracts = {
  list: {
    summary: 'List objects of a type',
    tags,
    params: TypeParams,
    querystring: ListQuery,
    response: { 200: ListEnvelope(ContentObject) },
  },
  create: {
    summary: 'Create an object',
    tags,
    params: TypeParams,
    querystring: Type.Object({}),
    body: ObjectBody('input', "The object: its type's fields, and optionally its id"),
    response: { 200: ContentObject },
  },
  batchCreate: {
    summary: 'Create (or, with updateExisting, replace) up to the batch limit of objects',
    tags,
    params: TypeParams,
    querystring: Type.Object({ updateExisting: Type.Optional(Bool('Replace objects that already exist')) }),
    body: Type.Array(ObjectBody('input', 'An object to create')),
    response: { 200: BatchReport, 400: Type.Union([BatchReport, ErrorBody]) },
  },
  batchPatch: {
    summary: 'Update up to the batch limit of objects, each by its id',
    tags,
    params: TypeParams,
    querystring: Type.Object({}),
    body: Type.Array(ObjectBody('patch', 'Changed fields and the id')),
    response: { 200: BatchReport, 400: Type.Union([BatchReport, ErrorBody]) },
  },
  batchDelete: {
    summary: 'Delete objects by id',
    tags,
    params: TypeParams,
    querystring: Type.Object({}),
    body: Type.Array(Type.String()),
    response: { 200: Type.Object({ deletedCount: Type.Integer() }) },
  },
  removed: {
    summary: 'Ids of objects deleted (or purged) after a time',
    tags,
    params: TypeParams,
    querystring: Type.Object({ deletedAfter: Type.Optional(Type.String({ description: 'ISO date' })) }),
    response: { 200: Type.Array(Type.String()) },
  },
  get: {
    summary: 'Read one object',
    tags,
    params: ObjectParams,
    querystring: Type.Object({ hydrate: Hydrate }),
    response: { 200: ContentObject },
  },
  replace: {
    summary: 'Replace an object',
    tags,
    params: ObjectParams,
    querystring: Type.Object({}),
    body: ObjectBody('input', "The whole object: its type's fields"),
    response: { 200: ContentObject },
  },
  patch: {
    summary: 'Update some fields of an object',
    tags,
    params: ObjectParams,
    querystring: Type.Object({}),
    body: ObjectBody('patch', 'The fields to change'),
    response: { 200: ContentObject },
  },
  delete: {
    summary: 'Delete an object',
    tags,
    params: ObjectParams,
    querystring: Type.Object({}),
    response: { 200: Type.Object({ deletedCount: Type.Integer() }) },
  },
  duplicate: {
    summary: 'Copy an object under a new id (unique and required text gets a suffix)',
    tags,
    params: ObjectParams,
    querystring: Type.Object({}),
    body: Type.Unknown({ description: 'Not read' }),
    response: { 200: ContentObject },
  },
  versions: {
    summary: "An object's versions",
    tags,
    params: ObjectParams,
    querystring: Type.Object({
      page: Integer({ minimum: 1, maximum: 1_000_000, default: 1 }),
      limit: Integer({ minimum: 1, maximum: 1000, default: 20 }),
      order_direction: Type.Optional(Direction),
    }),
    response: { 200: ListEnvelope(ContentObject) },
  },
  version: {
    summary: 'One version of an object',
    tags,
    params: Type.Object({ type: Type.String(), id: Type.String(), version: Type.String() }),
    querystring: Type.Object({}),
    response: { 200: ContentObject },
  },
} satisfies Record<string, Contract>;
