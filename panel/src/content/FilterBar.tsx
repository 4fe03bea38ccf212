import type { ContentType } from '../api/types.js';
import { Icon } from '../ui/Icon.js';
import { FILTER_OPS, filterableFields, type FilterOp, type FilterRow } from './content-query.js';

interface Props {
  ct: ContentType;
  rows: FilterRow[];
  onChange(rows: FilterRow[]): void;
}

/** Filter rows: a field, a condition and a value each; all of them must hold. */
export function FilterBar({ ct, rows, onChange }: Props) {
  const fields = filterableFields(ct);
  const set = (i: number, patch: Partial<FilterRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="filters">
      {rows.map((r, i) => {
        const f = fields.find((x) => x.name === r.field);
        const needsValue = r.op !== 'empty' && r.op !== 'notEmpty';
        return (
          <div className="filter-row" key={i} role="group" aria-label={`Filter ${i + 1}`}>
            <select aria-label="Filter field" value={r.field} onChange={(e) => set(i, { field: e.target.value })}>
              {fields.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.label}
                </option>
              ))}
            </select>
            <select aria-label="Condition" value={r.op} onChange={(e) => set(i, { op: e.target.value as FilterOp })}>
              {FILTER_OPS.map(([op, words]) => (
                <option key={op} value={op}>
                  {words}
                </option>
              ))}
            </select>
            {needsValue &&
              (f?.inputType === 'checkbox' ? (
                <select aria-label="Value" value={r.value} onChange={(e) => set(i, { value: e.target.value })}>
                  <option value="true">checked</option>
                  <option value="false">not checked</option>
                </select>
              ) : (
                <input
                  aria-label="Value"
                  type={
                    f?.inputType === 'number'
                      ? 'number'
                      : f?.inputType === 'date' || f?.inputType === 'dateTime'
                        ? 'date'
                        : 'text'
                  }
                  value={r.value}
                  onChange={(e) => set(i, { value: e.target.value })}
                />
              ))}
            <button
              type="button"
              className="btn-icon"
              aria-label="Remove filter"
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              <Icon name="close" />
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="btn btn-small"
        onClick={() =>
          onChange([
            ...rows,
            {
              field: fields[0].name,
              op: fields[0].inputType === 'checkbox' ? 'equals' : 'contains',
              value: fields[0].inputType === 'checkbox' ? 'true' : '',
            },
          ])
        }
      >
        <Icon name="plus" size={16} /> Add filter
      </button>
    </div>
  );
}
