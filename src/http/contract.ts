import { Type, type TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { AppError, addFieldError, type FieldErrors } from '../core/errors.js';
import addFormatsPlugin from 'ajv-formats';

/**
 * Route contracts: every route declares its params, query, body and responses as JSON Schema (built with TypeBox).
 * The declaration is the single source for request validation (Fastify's compiled validators, below) and for the
 * OpenAPI document (openapi/). A route without one cannot be registered (http/server.ts).
 */
export interface Contract {
  summary: string;
  tags: string[];
  description?: string;
  params?: TSchema;
  querystring: TSchema;
  /** Required for POST/PUT/PATCH; `IgnoredBody` for those that read none. */
  body?: TSchema;
  /** Media types of the body other than JSON (multipart uploads). */
  consumes?: string[];
  /** Success answers by status; Flotiq's error bodies are added for 4xx and 5xx. */
  response: Record<number, TSchema>;
  /** Left out of the OpenAPI document (Panel-only and infrastructure routes). */
  hide?: boolean;
}

/** The mark on schemas that stand for "an object of this route's content type" (written out per type in openapi/). */
export const OBJECT_MARK = 'x-flotilla-object';
export type ObjectMark = 'output' | 'input' | 'patch';

/** Flotiq's error bodies: `{code, message}` (…plus details), a field → messages map, or `{errors: [...]}`. */
export const ErrorBody = Type.Union(
  [
    Type.Object({ code: Type.Integer(), message: Type.String() }, { additionalProperties: true }),
    Type.Object({ errors: Type.Array(Type.String()) }),
    Type.Record(Type.String(), Type.Union([Type.Array(Type.String()), Type.Object({}, { additionalProperties: true })])),
  ],
  { description: 'An error: {code, message}, a map of field → messages (nested for nested fields), or {errors: [...]}' },
);

export const NoContent = Type.Null({ description: 'No content' });
/** Bodies of any shape accepted and not read (e.g. flotiq-cli POSTs the object to `/publish`). */
export const IgnoredBody = Type.Unknown({ description: 'Not read' });
/** A file or a page: not JSON. */
export const Binary = Type.String({ format: 'binary' });
/** A JSON object whose properties are described elsewhere (a content type's schema, an options bag). */
export const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

export const Integer = (o: { minimum?: number; maximum?: number; default?: number; description?: string } = {}) =>
  Type.Integer(o);
/** Query flags as Flotiq's clients send them. */
export const Bool = (description?: string) =>
  Type.Unsafe<string>({ type: 'string', enum: ['true', 'false', '1', '0', ''], description });
export const Direction = Type.Unsafe<string>({
  type: 'string',
  pattern: '^([aA][sS][cC]|[dD][eE][sS][cC])?$',
  description: 'asc or desc (any case)',
  'x-error-message': 'The value you selected is not a valid choice.',
});

/** The Fastify route schema of a contract, errors included. */
export function routeSchema(c: Contract): FastifySchema {
  const response: Record<string, TSchema> = { '4xx': ErrorBody, '5xx': ErrorBody };
  for (const [status, schema] of Object.entries(c.response)) response[status] = schema;
  return {
    summary: c.summary,
    tags: c.tags,
    ...(c.description ? { description: c.description } : {}),
    ...(c.params ? { params: c.params } : {}),
    querystring: c.querystring,
    ...(c.body ? { body: c.body } : {}),
    ...(c.consumes ? { consumes: c.consumes } : {}),
    response,
    ...(c.hide ? { hide: true } : {}),
  } as FastifySchema;
}

/** The schema parts a route must declare; what it lacks (empty when complete). */
export function missingContract(method: string, url: string, schema: FastifySchema | undefined): string[] {
  const s = (schema ?? {}) as Record<string, unknown>;
  const missing: string[] = [];
  if (!s.response) missing.push('response');
  if (!s.querystring) missing.push('querystring');
  if ((url.includes(':') || url.includes('*')) && !s.params) missing.push('params');
  if (['POST', 'PUT', 'PATCH'].includes(method) && !s.body && !s.consumes) missing.push('body');
  return missing;
}

// ---- validation: query and path strings are coerced to the declared types; JSON bodies never are

// ajv-formats is CommonJS; under NodeNext its default import is the module object typed as the plugin's namespace
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
// the declared formats (date-time, email, uri…) are checked, not ignored with a warning at every start
const coercing = addFormats(new Ajv({ coerceTypes: 'array', useDefaults: true, allErrors: false, strict: false, verbose: true }));
const exact = addFormats(new Ajv({ coerceTypes: false, useDefaults: false, allErrors: false, strict: false, verbose: true }));

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? exact : coercing).compile(schema) as ValidateFunction;

/** Symfony's wording, as Flotiq answers bad parameters. */
function message(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  // a schema may name its own message (an annotation Ajv ignores; `verbose` hands us the schema)
  const own = (e.parentSchema as Record<string, unknown> | undefined)?.['x-error-message'];
  if (typeof own === 'string') return own;
  switch (e.keyword) {
    case 'minimum':
      return `This value should be ${String(p.limit)} or more.`;
    case 'maximum':
      return `This value should be ${String(p.limit)} or less.`;
    case 'enum':
    case 'const':
    case 'pattern':
    case 'anyOf':
      return 'The value you selected is not a valid choice.';
    case 'type':
      return `This value should be of type ${String(p.type)}.`;
    case 'required':
      return 'This value is required.';
    default:
      return 'This value is not valid.';
  }
}

/** A failed request validation as Flotiq's 400: `{"<field>": ["<message>"]}`; a body of the wrong kind as {code,message}. */
export function schemaErrorFormatter(errs: ErrorObject[], dataVar: string): Error {
  const fields: FieldErrors = {};
  for (const e of errs) {
    const path = e.instancePath.split('/').slice(1).join('.');
    const field = e.keyword === 'required' ? [path, String(e.params.missingProperty)].filter(Boolean).join('.') : path;
    if (field === '') {
      return new AppError(400, { code: 400, message: `Invalid ${dataVar}: ${e.message ?? 'not valid'}` });
    }
    addFieldError(fields, field, message(e));
  }
  return new AppError(400, fields);
}

// ---- responses: checked against the declaration when asked (the test suite asks, for every answer it gets)

const responseChecker = new Ajv({ strict: false, allErrors: false });
const compiledResponses = new WeakMap<object, ValidateFunction>();

/** The declared schema of `status` in a route's responses: exact status, then `4xx`-style, then `default`. */
export function declaredResponse(schema: FastifySchema | undefined, status: number): TSchema | undefined {
  const r = (schema as { response?: Record<string, TSchema> } | undefined)?.response;
  if (!r) return undefined;
  return r[String(status)] ?? r[`${String(status)[0]}xx`] ?? r.default;
}

/** Why a JSON answer does not match its declaration (undefined when it does, or when nothing is declared). */
export function responseMismatch(schema: TSchema, body: unknown): string | undefined {
  let v = compiledResponses.get(schema);
  if (!v) {
    v = responseChecker.compile(schema);
    compiledResponses.set(schema, v);
  }
  if (v(body)) return undefined;
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
}

// ---- the Panel's own routes: declared like the rest, left out of the API document

export const IdParams = Type.Object({ id: Type.String() });
export const NoQuery = Type.Object({});

/** A Panel route's contract (hidden from the OpenAPI document; bodies are checked in depth by their services). */
export function panelContract(
  summary: string,
  parts: { params?: TSchema; querystring?: TSchema; body?: TSchema; response: Record<number, TSchema> },
): FastifySchema {
  return routeSchema({ summary, tags: ['panel'], querystring: NoQuery, ...parts, hide: true });
}
