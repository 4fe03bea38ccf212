import type { FieldErrors } from '../api/types.js';
import type { CtdDraft, FieldDraft } from './ctd-model.js';

/** Where the errors of one field's inputs go. */
export type FieldPart = 'general' | 'name' | 'label' | 'inputType' | 'unique' | 'pattern' | 'options' | 'relation' | 'children';
export type FieldErrorMap = Partial<Record<FieldPart, string[]>>;

/** The error-path prefixes of a field (its schema and its metadata), from the server's CTD paths (§2.5). */
export interface FieldPaths {
  schema: string;
  meta: string;
  /** Where name errors of this level are reported. */
  names: string;
}

export const TOP: Omit<FieldPaths, 'names'> & { names: string } = {
  schema: 'schemaDefinition.allOf[1].properties',
  meta: 'metaDefinition',
  names: 'schemaDefinition.properties',
};

export function pathsOf(level: FieldPaths, name: string): FieldPaths {
  const schema = `${level.schema}.${name}`;
  return { schema, meta: `${level.meta}.propertiesConfig.${name}`, names: `${schema}.items.properties` };
}

/** The level of a list field's sub-fields. */
export function childLevel(field: FieldPaths): FieldPaths {
  return { schema: `${field.schema}.items.properties`, meta: `${field.meta}.items`, names: `${field.schema}.items.properties` };
}

/** Whether a message names this field as a word ("Property name title not allowed"). */
const mentions = (message: string, name: string) =>
  name !== '' && new RegExp(`(^|\\W)${name.replace(/[^\w]/g, (c) => `\\${c}`)}(\\W|$)`).test(message);

function partOf(rest: string): FieldPart {
  const key = rest.replace(/^\./, '').split(/[.[]/)[0];
  if (key === 'label') return 'label';
  if (key === 'name') return 'name';
  if (key === 'inputType' || key === 'type') return 'inputType';
  if (key === 'unique') return 'unique';
  if (key === 'pattern') return 'pattern';
  if (key === 'options' || key === 'optionsWithLabels') return 'options';
  if (key === 'validation') return 'relation';
  if (key === 'items') return 'children';
  return 'general';
}

/**
 * The errors that belong to one field: paths under its schema or metadata, name errors of its level that mention it,
 * and (top level only) the bare field-name keys of a failed data conversion (§2.7).
 */
export function errorsOfField(
  all: FieldErrors,
  paths: FieldPaths,
  level: FieldPaths,
  name: string,
  topLevel: boolean,
): FieldErrorMap {
  const out: FieldErrorMap = {};
  const add = (part: FieldPart, msgs: string[]) => (out[part] = [...(out[part] ?? []), ...msgs]);
  const childPrefixes = [`${paths.schema}.items.properties.`, `${paths.meta}.items.propertiesConfig.`];
  for (const [key, msgs] of Object.entries(all)) {
    if (childPrefixes.some((p) => key.startsWith(p))) continue; // a sub-field's own error
    for (const prefix of [paths.schema, paths.meta]) {
      if (key === prefix) add('general', msgs);
      else if (key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`)) {
        const part = partOf(key.slice(prefix.length));
        add(part === 'children' ? 'general' : part, msgs);
      }
    }
    if (key === level.names || key === `${level.meta}.order` || key === `${level.meta}.propertiesConfig`) {
      const mine = msgs.filter((m) => mentions(m, name));
      if (mine.length) add('name', mine);
    }
    if (topLevel && key === name) add('general', msgs);
  }
  return out;
}

/** The messages no field shows, for the top of the form. */
export function unclaimedErrors(all: FieldErrors, d: CtdDraft): string[] {
  const prefixes: string[] = [];
  const names: string[] = [];
  const walk = (fields: FieldDraft[], level: FieldPaths, top: boolean) => {
    for (const f of fields) {
      const p = pathsOf(level, f.name);
      prefixes.push(p.schema, p.meta);
      if (top) prefixes.push(f.name);
      names.push(f.name);
      walk(f.children, childLevel(p), false);
    }
  };
  walk(d.fields, TOP, true);
  const mentionsField = (m: string) => names.some((n) => mentions(m, n));
  const out: string[] = [];
  for (const [key, msgs] of Object.entries(all)) {
    if (key === 'name' || key === 'label') continue;
    if (prefixes.some((p) => key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}[`))) continue;
    const listKey = /(properties|order|propertiesConfig)$/.test(key);
    out.push(...msgs.filter((m) => !(listKey && mentionsField(m))));
  }
  return out;
}

const PROPERTY_NAME = /^[a-zA-Z0-9_]+$/;
const RESERVED = [
  'id',
  '_id',
  '_index',
  '_type',
  '_source',
  '_score',
  '_routing',
  '_version',
  '_shards',
  'objectType',
  'internal',
];

/** What the server would refuse, found before sending, keyed by the server's own paths so they show in the same place. */
export function draftErrors(d: CtdDraft, creating: boolean): FieldErrors {
  const out: FieldErrors = {};
  const add = (k: string, m: string) => (out[k] = [...(out[k] ?? []), m]);
  if (!d.label.trim()) add('label', 'The label is required');
  if (creating && !/^[_a-z]+$/.test(d.name)) add('name', 'Only lowercase letters a-z and _ are allowed');
  if (creating && d.name.startsWith('_')) add('name', 'Names starting with _ are reserved for internal types');
  if (d.fields.length === 0) add(TOP.names, 'Add at least one field');
  const walk = (fields: FieldDraft[], level: FieldPaths, top: boolean) => {
    const seen = new Set<string>();
    for (const f of fields) {
      const p = pathsOf(level, f.name);
      if (!f.label.trim()) add(`${p.meta}.label`, 'The label is required');
      if (!PROPERTY_NAME.test(f.name)) add(`${p.meta}.name`, 'Only a-z, A-Z, 0-9 and _ are allowed');
      else if (top && RESERVED.includes(f.name)) add(`${p.meta}.name`, `The name ${f.name} is reserved`);
      else if (seen.has(f.name)) add(`${p.meta}.name`, 'Another field has this name');
      seen.add(f.name);
      if (f.inputType === 'datasource' && !f.relationContenttype)
        add(`${p.meta}.validation`, 'Choose the type this field relates to');
      if ((f.inputType === 'radio' || f.inputType === 'select') && f.options.filter((o) => o.trim()).length === 0)
        add(`${p.meta}.options`, 'Add at least one option');
      if (f.inputType === 'object' && f.children.length === 0) add(`${p.meta}.items`, 'A list needs at least one sub-field');
      walk(f.children, childLevel(p), false);
    }
  };
  walk(d.fields, TOP, true);
  return out;
}
