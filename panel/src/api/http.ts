/** An answer other than 2xx from the server, with its parsed body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(describe(status, body));
    this.name = 'ApiError';
  }
}

function describe(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { message?: unknown; errors?: unknown };
    if (typeof b.message === 'string') return b.message;
    if (Array.isArray(b.errors)) return b.errors.map(String).join(' ');
  }
  if (status === 0) return 'The server could not be reached';
  return `The server answered ${status}`;
}

let csrfToken = '';
let onUnauthorized: (() => void) | undefined;

/** The CSRF token of the current session, sent with every change. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a request answers 401 although a session was expected (it ended or expired). */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A call to the Panel's backend (`/panel/api` + path) with the session cookie and, for changes, the CSRF token. */
export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  opts: { quiet401?: boolean; headers?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`/panel/api${path}`, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, undefined);
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
    throw new ApiError(res.status, parsed);
  }
  return parsed as T;
}
