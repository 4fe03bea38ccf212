import { ownProperty, setOwnProperty } from './own-property.js';

/**
 * The one error type of Flotilla. Every failure that reaches a client is an AppError whose `body` is the exact
 * Flotiq-compatible JSON to send; the HTTP error handler only serialises it.
 */
export class AppError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    // An AppError is an answer, not a fault: capturing a stack trace for every 401/403/404 costs more than the
    // rest of such a request, and nobody reads it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(
      typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`,
    );
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
    this.status = status;
    this.body = body;
  }
}

/** Field-path → messages, Flotiq's 400 validation body. */
export type FieldErrors = Record<string, string[]>;

export const errors = {
  badRequest: (message: string) => new AppError(400, { code: 400, message }),
  /** 400 with a field-keyed error map, as Flotiq sends for validation failures. */
  validation: (fields: FieldErrors) => new AppError(400, fields),
  /** 400 with Flotiq's `{"errors":[...]}` list body (CTD delete, batch-delete, CO delete). */
  errorList: (list: string[]) => new AppError(400, { errors: list }),
  unauthorized: () => new AppError(401, { code: 401, message: 'Unauthorized' }),
  forbidden: () => new AppError(403, { code: 403, message: 'Access denied' }),
  notFound: () => new AppError(404, { code: 404, message: 'Not found' }),
  conflict: (message: string) => new AppError(409, { code: 409, message }),
  payloadTooLarge: (message: string) => new AppError(413, { code: 413, message }),
  unsupportedMediaType: () => new AppError(415, { code: 415, message: 'Unsupported Media Type' }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError(429, { code: 429, message: 'Too Many Requests', retryAfter: retryAfterSeconds }),
};

/**
 * Adds `message` to `map[path]`, creating the list on first use. The path may be a client's field name, `__proto__`
 * included: it becomes an own key (a plain assignment would replace the map's prototype and lose the error).
 */
export function addFieldError(map: FieldErrors, path: string, message: string): void {
  const list = ownProperty(map, path);
  if (list) list.push(message);
  else setOwnProperty(map, path, [message]);
}

export function hasErrors(map: FieldErrors): boolean {
  return Object.keys(map).length > 0;
}
