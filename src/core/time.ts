/** Flotiq's object timestamp format: ISO-8601, second precision, `+00:00`. */
export function formatObjectTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + '+00:00';
}

/** Flotiq's CTD timestamp format: microseconds and `+0000`. */
export function formatCtdTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000+0000`;
}

/**
 * Parses the date strings clients send (`2024-01-01 12:00:00`, `2024-01-01`, ISO with or without zone) as UTC.
 * Returns NaN when the string is not a date.
 */
export function parseClientDate(value: string): number {
  const s = value.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '0', zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec, Math.floor(+frac.padEnd(3, '0').slice(0, 3)));
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * 60_000;
  }
  const check = new Date(ms);
  return Number.isNaN(check.getTime()) || +mo < 1 || +mo > 12 || +d < 1 || +d > 31 ? Number.NaN : ms;
}
