import type { ContentType } from '../content-types/content-type.js';

/** Latin letters that Unicode does not decompose into base letter + accent. */
// prettier-ignore
const SPECIAL: Record<string, string> = {
  ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ø: 'o', Ø: 'O', ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', þ: 'th', Þ: 'TH', ð: 'd', Ð: 'D', ı: 'i',
};

/**
 * "Hello World" → "hello-world". Diacritics are stripped from Latin letters; letters of other scripts are kept
 * (lower-cased) so that a non-Latin title still yields a slug instead of an empty string.
 */
export function slugify(s: string): string {
  return s
    .replace(/[łŁđĐøØßæÆœŒþÞðÐı]/g, (c) => SPECIAL[c] ?? c)
    .normalize('NFKD')
    .replace(/([a-zA-Z])\p{M}+/gu, '$1')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Fills slug targets per §2.6: only active rules, only when the target key is absent (a client's value, even
 * "" or null, wins), only from a non-empty string source. Returns a new object.
 */
export function applySlugs(ct: Pick<ContentType, 'slugs'>, data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const rule of ct.slugs ?? []) {
    if (!rule.active || Object.hasOwn(out, rule.target)) continue;
    const source = out[rule.source];
    if (typeof source !== 'string' || source === '') continue;
    const slug = slugify(source);
    if (slug !== '') out[rule.target] = slug;
  }
  return out;
}
