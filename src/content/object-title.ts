import type { ContentType } from '../content-types/content-type.js';
import { describeFields } from '../content-types/describe-fields.js';

/** Plain-text types a title can fall back to; rich text and markdown would put markup in the title. */
const FALLBACK_TYPES = new Set(['text', 'textarea', 'email']);

const scalar = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');

/**
 * `internal.objectTitle`: the string/number values of the `isTitlePart` fields, in `order`, joined with a space
 * (empty parts skipped). Without title parts, the value of the first plain-text field; '' if there is none.
 */
export function objectTitle(ct: Pick<ContentType, 'schemaDefinition' | 'metaDefinition'>, data: Record<string, unknown>): string {
  const fields = describeFields(ct);
  const parts = fields.filter((f) => f.isTitlePart);
  if (parts.length > 0) {
    return parts
      .map((f) => scalar(data[f.name]))
      .filter((s) => s !== '')
      .join(' ');
  }
  const first = fields.find((f) => FALLBACK_TYPES.has(f.inputType));
  return first ? scalar(data[first.name]) : '';
}
