import type { ContentType, InputType } from '../api/types.js';

/** One row of the filter bar: Flotiq's `filters` entry for one field (§3.10). */
export interface FilterRow {
  field: string;
  op: FilterOp;
  value: string;
}

export const FILTER_OPS = [
  ['contains', 'contains'],
  ['equals', 'is'],
  ['notEqual', 'is not'],
  ['startsWith', 'starts with'],
  ['greaterThan', 'greater than'],
  ['lessThan', 'less than'],
  ['notEmpty', 'is not empty'],
  ['empty', 'is empty'],
] as const;
export type FilterOp = (typeof FILTER_OPS)[number][0];

const FILTERABLE: InputType[] = [
  'text',
  'textarea',
  'textMarkdown',
  'richtext',
  'email',
  'radio',
  'select',
  'dateTime',
  'number',
  'checkbox',
  'simpleList',
];

/** The fields a person can filter on, with their labels: the type's scalar fields and the timestamps. */
export function filterableFields(ct: ContentType): { name: string; label: string; inputType: InputType | 'date' }[] {
  const { order, propertiesConfig } = ct.metaDefinition;
  return [
    ...order
      .filter((n) => FILTERABLE.includes(propertiesConfig[n].inputType))
      .map((n) => ({ name: n, label: propertiesConfig[n].label, inputType: propertiesConfig[n].inputType })),
    { name: 'internal.createdAt', label: 'Created', inputType: 'date' as const },
    { name: 'internal.updatedAt', label: 'Updated', inputType: 'date' as const },
  ];
}

/** The field the search box looks in: the first title part, else the first plain-text field. */
export function titleField(ct: ContentType): string | undefined {
  const { order, propertiesConfig } = ct.metaDefinition;
  const textual = (n: string) => ['text', 'textarea', 'email'].includes(propertiesConfig[n].inputType);
  return order.find((n) => propertiesConfig[n].isTitlePart && textual(n)) ?? order.find(textual);
}

function typed(value: string, inputType: string): unknown {
  if (inputType === 'number' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (inputType === 'checkbox') return value === 'true';
  return value;
}

/** The `filters` parameter for a search term (contains on the title field) and the filter rows; undefined for none. */
export function buildFilters(ct: ContentType, search: string, rows: FilterRow[]): string | undefined {
  const out: Record<string, { type: string; filter?: unknown }> = {};
  const fields = filterableFields(ct);
  const title = titleField(ct);
  if (search.trim() && title) out[title] = { type: 'contains', filter: search.trim() };
  for (const r of rows) {
    const f = fields.find((x) => x.name === r.field);
    if (!f) continue;
    if (r.op === 'empty' || r.op === 'notEmpty') out[r.field] = { type: r.op };
    else if (r.value.trim() !== '') out[r.field] = { type: r.op, filter: typed(r.value.trim(), f.inputType) };
  }
  return Object.keys(out).length ? JSON.stringify(out) : undefined;
}
