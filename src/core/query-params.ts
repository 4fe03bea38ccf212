import { errors } from './errors.js';

/** Reads a positive integer query parameter, with Flotiq-style 400 bodies for bad values. */
export function intParam(raw: unknown, name: string, def: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw errors.validation({ [name]: [`This value should be ${min} or more.`] });
  if (n > max) throw errors.validation({ [name]: [`This value should be ${max} or less.`] });
  return n;
}

export function boolParam(raw: unknown): boolean {
  return raw === true || raw === 'true' || raw === '1' || raw === 1;
}

export function directionParam(raw: unknown): 'asc' | 'desc' {
  if (raw === undefined || raw === '') return 'asc';
  const s = String(raw).toLowerCase();
  if (s !== 'asc' && s !== 'desc')
    throw errors.validation({ order_direction: ['The value you selected is not a valid choice.'] });
  return s;
}

/**
 * `names[]=a&names[]=b`, `names=a,b` or repeated `names=a`: all mean the list [a, b]. No name or id holds U+0000
 * (PostgreSQL cannot store it, and refuses it as a parameter): such a list is a 400.
 */
export function listParam(raw: unknown, name = 'list'): string[] {
  if (raw === undefined) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.some((v) => String(v).includes('\u0000'))) throw errors.validation({ [name]: ['This value is not valid.'] });
  return items
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
