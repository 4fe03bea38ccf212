import { useRef } from 'react';
import type { PropertySchema } from '../../api/types.js';
import { FieldErrorList, FieldGroup } from '../../ui/Field.js';
import { Icon } from '../../ui/Icon.js';
import { ObjectFields } from '../ObjectFields.js';
import { errorsAt, type FieldProps } from './field-props.js';

type Item = Record<string, unknown>;

/** A list field (`object`): items that each have the sub-fields of the type, added, moved and removed in place. */
export function ListInput({ path, config, schema, required, value, onChange, errors, types }: FieldProps) {
  const items = Array.isArray(value) ? (value as Item[]) : [];
  const itemSchema = (schema.items ?? {}) as PropertySchema;
  const meta = config.items ?? { order: [], propertiesConfig: {} };
  // stable keys, so inputs that keep their own text (JSON, simple lists) follow their item when items move
  const keys = useRef<number[]>([]);
  const nextKey = useRef(0);
  while (keys.current.length < items.length) keys.current.push(nextKey.current++);
  keys.current.length = items.length;
  const set = (next: Item[]) => onChange(next.length || required ? next : undefined);
  const move = (i: number, by: -1 | 1) => {
    const next = [...items];
    [next[i], next[i + by]] = [next[i + by], next[i]];
    const k = keys.current;
    [k[i], k[i + by]] = [k[i + by], k[i]];
    set(next);
  };
  const remove = (i: number) => {
    keys.current.splice(i, 1);
    set(items.filter((_, j) => j !== i));
  };
  return (
    <FieldGroup label={config.label} required={required} className="list-field">
      {config.helpText && <p className="field-help">{config.helpText}</p>}
      <FieldErrorList errors={errorsAt(errors, path)} />
      {items.length === 0 && <p className="muted">No items.</p>}
      <ol className="list-items" hidden={items.length === 0}>
        {items.map((item, i) => (
          <li key={keys.current[i]} className="list-item" aria-label={`${config.label} item ${i + 1}`}>
            <div className="list-item-tools">
              <span className="field-index">{i + 1}</span>
              <button
                type="button"
                className="btn-icon"
                aria-label="Move item up"
                disabled={i === 0 || config.readonly}
                onClick={() => move(i, -1)}
              >
                <Icon name="up" />
              </button>
              <button
                type="button"
                className="btn-icon"
                aria-label="Move item down"
                disabled={i === items.length - 1 || config.readonly}
                onClick={() => move(i, 1)}
              >
                <Icon name="down" />
              </button>
              <button
                type="button"
                className="btn-icon btn-danger-text"
                aria-label="Remove item"
                disabled={config.readonly}
                onClick={() => remove(i)}
              >
                <Icon name="trash" />
              </button>
            </div>
            <ObjectFields
              meta={meta}
              properties={itemSchema.properties ?? {}}
              required={itemSchema.required ?? []}
              value={item}
              onChange={(v) => set(items.map((x, j) => (j === i ? v : x)))}
              path={`${path}.${i}`}
              errors={errors}
              types={types}
            />
          </li>
        ))}
      </ol>
      <button type="button" className="btn btn-small" disabled={config.readonly} onClick={() => set([...items, {}])}>
        <Icon name="plus" size={16} /> Add item
      </button>
    </FieldGroup>
  );
}
