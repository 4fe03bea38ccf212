import { ApiError } from './http.js';
import type { FieldErrors } from './types.js';

/** A sentence for a person, from any failure. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 403) return e.message === 'Access denied' ? 'You are not allowed to do that.' : e.message;
    if (e.status === 400 && fieldErrorsOf(e)) return 'Please correct the highlighted fields.';
    return e.message;
  }
  return e instanceof Error ? e.message : String(e);
}

/** The field-path → messages map of a 400 answer, or undefined when the answer is not one. */
export function fieldErrorsOf(e: unknown): FieldErrors | undefined {
  if (!(e instanceof ApiError) || e.status !== 400 || !e.body || typeof e.body !== 'object') return undefined;
  const entries = Object.entries(e.body as Record<string, unknown>);
  if (entries.length === 0) return undefined;
  const out: FieldErrors = {};
  for (const [k, v] of entries) {
    if (k === 'code' || k === 'message') return undefined;
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (v && typeof v === 'object') Object.assign(out, flatten(k, v as Record<string, unknown>));
  }
  return Object.keys(out).length ? out : undefined;
}

function flatten(prefix: string, o: Record<string, unknown>): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(o)) {
    if (Array.isArray(v)) out[`${prefix}.${k}`] = v.map(String);
    else if (v && typeof v === 'object') Object.assign(out, flatten(`${prefix}.${k}`, v as Record<string, unknown>));
  }
  return out;
}
