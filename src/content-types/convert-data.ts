import { addFieldError, type FieldErrors } from '../core/errors.js';
import type { ContentType, FieldInfo } from './content-type.js';
import { describeFields, describeListItems } from './describe-fields.js';
import { DATE_TIME_PATTERN } from './sanitize-schema.js';

export interface ConversionPlan {
  /** False when no stored object can be affected (labels, options, patterns…): the caller may skip the scan. */
  changes: boolean;
  /** Converts one object's user fields; `errors` non-empty means the CTD update must be refused. */
  convert(data: Record<string, unknown>): { data: Record<string, unknown>; errors: FieldErrors };
}

/** Marks a value that cannot be carried over to the new field type. */
const LOST = Symbol('lost');
type Converter = (value: unknown, path: string, errors: FieldErrors) => unknown;
interface Level {
  changes: boolean;
  apply(data: Record<string, unknown>, prefix: string, errors: FieldErrors): Record<string, unknown>;
}

const STRING_TYPES = new Set(['text', 'textarea', 'textMarkdown', 'richtext', 'email', 'radio', 'select']);
const dateTime = new RegExp(DATE_TIME_PATTERN, 'u');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * How existing objects follow a CTD change (§2.7): removed fields are stripped, changed types converted by the
 * documented table. Unconvertible values are dropped; if the field is required that is an error.
 * §2.7 contradicts itself about fields that become required while objects lack them; we reject the update
 * ("The property {f} is required"), as its error example suggests, so stored objects always validate.
 */
export function planConversion(oldCt: ContentType, newCt: ContentType): ConversionPlan {
  const level = planLevel(describeFields(oldCt), describeFields(newCt));
  return {
    changes: level.changes,
    convert(data) {
      const errors: FieldErrors = {};
      return { data: level.apply(data, '', errors), errors };
    },
  };
}

/** One level of fields: the top level, or the items of a list present in both versions. */
function planLevel(oldFields: FieldInfo[], newFields: FieldInfo[]): Level {
  const before = new Map(oldFields.map((f) => [f.name, f]));
  const kept = new Set(newFields.map((f) => f.name));
  const removed = oldFields.filter((f) => !kept.has(f.name)).map((f) => f.name);
  const steps = newFields.map((f) => ({ field: f, convert: converterFor(before.get(f.name), f) }));
  const newlyRequired = newFields.some((f) => f.required && !before.get(f.name)?.required);
  return {
    changes: removed.length > 0 || newlyRequired || steps.some((s) => s.convert !== null),
    apply(data, prefix, errors) {
      // Keys that are not fields (e.g. `id`/`internal` if the caller passes them) are left alone.
      const out = { ...data };
      for (const name of removed) delete out[name];
      for (const { field, convert } of steps) {
        if (!convert || out[field.name] === undefined) continue;
        const value = convert(out[field.name], `${prefix}${field.name}`, errors);
        if (value === LOST) delete out[field.name];
        else out[field.name] = value;
      }
      for (const f of newFields) {
        if (f.required && out[f.name] === undefined)
          addFieldError(errors, `${prefix}${f.name}`, `The property ${f.name} is required`);
      }
      return out;
    },
  };
}

/** Groups input types whose stored values are interchangeable; a change within a kind keeps the data. */
function kind(f: FieldInfo): string {
  if (f.inputType === 'select' && f.config.multiple) return 'multiselect';
  if (STRING_TYPES.has(f.inputType)) return 'string';
  return f.inputType;
}

function optionValues(f: FieldInfo): string[] {
  const c = f.config;
  return c.useOptionsWithLabels && c.optionsWithLabels ? c.optionsWithLabels.map((o) => o.value) : (c.options ?? []);
}

/** null when values are kept as they are. */
function converterFor(old: FieldInfo | undefined, next: FieldInfo): Converter | null {
  if (!old) return null; // a new field: objects simply lack it (no backfill)
  if (old.inputType === 'object' && next.inputType === 'object') {
    const items = planLevel(describeListItems(old), describeListItems(next));
    if (!items.changes) return null;
    return (v, path, errors) =>
      Array.isArray(v) ? v.map((item, i) => (isRecord(item) ? items.apply(item, `${path}.${i}.`, errors) : item)) : v;
  }
  if (kind(old) === kind(next)) return null;
  switch (kind(next)) {
    case 'checkbox':
      return () => false;
    case 'geo':
      return () => ({ lat: 0, lon: 0 });
    case 'object':
    case 'datasource':
      // An empty list cannot satisfy a required relation or list (e.g. Text -> Relationship fails).
      return () => (next.required ? LOST : []);
    case 'string':
      return (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : LOST);
    case 'dateTime':
      return (v) => (typeof v === 'string' && dateTime.test(v) ? v : LOST);
    case 'number':
      return (v) => (typeof v === 'number' ? v : typeof v === 'string' ? 0 : LOST);
    case 'multiselect': {
      const options = optionValues(next);
      const allowed = (s: string) => options.length === 0 || options.includes(s);
      return (v) => (typeof v === 'string' ? (allowed(v) ? [v] : LOST) : isStringArray(v) ? v.filter(allowed) : LOST);
    }
    case 'simpleList':
      return (v) =>
        typeof v === 'string' ? (v === '' ? [] : [v]) : typeof v === 'number' ? [String(v)] : isStringArray(v) ? v : LOST;
    case 'custom':
      return null;
    default: // block: nothing else has its shape
      return () => LOST;
  }
}
