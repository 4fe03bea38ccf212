import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { errors } from '../core/errors.js';
import { formatError, gqlError } from './graphql-errors.js';

const located = (original: Error) => new GraphQLError(original.message, { path: ['post'], originalError: original });

describe('GraphQL error format', () => {
  it('maps service errors to codes by status, with Flotiq messages', () => {
    const none = () => undefined;
    expect(formatError(located(errors.forbidden()), none)).toEqual({
      message: 'Access denied',
      path: ['post'],
      extensions: { code: 'FORBIDDEN' },
    });
    expect(formatError(located(errors.unauthorized()), none).extensions).toEqual({ code: 'UNAUTHORIZED' });
    expect(formatError(located(errors.notFound()), none).extensions).toEqual({ code: 'NOT_FOUND' });
    expect(formatError(located(errors.validation({ limit: ['This value should be 1000 or less.'] })), none)).toMatchObject({
      message: 'limit: This value should be 1000 or less.',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('keeps deliberate codes and masks unexpected errors', () => {
    const seen: Error[] = [];
    expect(formatError(located(gqlError('NOT_FOUND', 'Not found')), (e) => seen.push(e)).extensions).toEqual({
      code: 'NOT_FOUND',
    });
    const masked = formatError(located(new Error('connection refused at 10.0.0.1')), (e) => seen.push(e));
    expect(masked).toEqual({ message: 'Internal server error', path: ['post'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(seen.map((e) => e.message)).toEqual(['connection refused at 10.0.0.1']);
  });
});
