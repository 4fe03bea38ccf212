import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError } from '../core/errors.js';

/** The `extensions.code` values Flotilla sends (Flotiq's documented ones plus the usual GraphQL server codes). */
export type ErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'INTERNAL_SERVER_ERROR';

export function gqlError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status >= 400 && status < 500) return 'BAD_USER_INPUT';
  return 'INTERNAL_SERVER_ERROR';
}

/** One line from a Flotiq error body: its `message`, or the entries of a `{field: [messages]}` map. */
export function appErrorMessage(e: AppError): string {
  const body = e.body as Record<string, unknown> | null;
  if (body && typeof body === 'object') {
    if (typeof body.message === 'string') return body.message;
    const parts = Object.entries(body).flatMap(([k, v]) => (Array.isArray(v) ? v.map((m) => `${k}: ${String(m)}`) : []));
    if (parts.length > 0) return parts.join('; ');
  }
  return e.message;
}

/**
 * The wire form of an error met while executing. Service errors (AppError) keep their message and get the code of
 * their status; errors raised on purpose keep theirs; anything else is a bug or an outage: masked and reported.
 */
export function formatError(e: GraphQLError, onInternal: (err: Error) => void): GraphQLFormattedError {
  const original = e.originalError;
  const where = { ...(e.locations ? { locations: e.locations } : {}), ...(e.path ? { path: e.path } : {}) };
  if (original instanceof AppError) {
    return { message: appErrorMessage(original), ...where, extensions: { code: codeForStatus(original.status) } };
  }
  if (typeof e.extensions.code === 'string') return e.toJSON();
  if (original && !(original instanceof GraphQLError)) {
    onInternal(original);
    return { message: 'Internal server error', ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  // graphql-js's own execution errors (a stored value its type cannot represent, a missing required value)
  return { message: e.message, ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
