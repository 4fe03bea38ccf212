import { useRef } from 'react';
import type { ContentType, FieldErrors, MetaDefinition, PropertySchema } from '../api/types.js';
import { FieldErrorList, FieldGroup } from '../ui/Field.js';
import { Icon } from '../ui/Icon.js';
import { MoveButtons } from '../ui/MoveButtons.js';
import { CheckboxInput, RadioInput, SelectInput } from './fields/ChoiceInputs.js';
import { BlockInput, MarkdownInput, RichTextInput } from './fields/EditorInputs.js';
import { errorsAt, type FieldProps } from './fields/field-props.js';
import { GeoInput } from './fields/GeoInput.js';
import { RelationInput } from './fields/RelationInput.js';
import { SimpleListInput } from './fields/SimpleListInput.js';
import { DateTimeInput, JsonInput, NumberInput, TextInput } from './fields/TextInputs.js';

// ObjectFields, FieldInput and ListInput are one recursion (an object's fields; one field's input; a list field's
// items, each an object's fields), so they live in one module rather than three that import each other.

interface Props {
  meta: MetaDefinition;
  properties: Record<string, PropertySchema>;
  required: string[];
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  /**
   * At the top of a form: one field's new value, applied to the latest state (editors such as Editor.js and TipTap
   * report changes outside React's events, so a whole-object value built from this render could undo another
   * field's change that has not been rendered yet).
   */
  onField?(name: string, v: unknown): void;
  /** Error path of this level ('' at the top, `list.0` inside a list item). */
  path: string;
  errors: FieldErrors;
  types: ContentType[];
}

/** The inputs of one level of an object, in the type's order; hidden fields keep their values unseen. */
export function ObjectFields({ meta, properties, required, value, onChange, onField, path, errors, types }: Props) {
  return (
    <div className="object-fields">
      {meta.order
        .filter((name) => meta.propertiesConfig[name] && properties[name] && !meta.propertiesConfig[name].hidden)
        .map((name) => (
          <FieldInput
            key={name}
            path={path ? `${path}.${name}` : name}
            config={meta.propertiesConfig[name]}
            schema={properties[name]}
            required={required.includes(name)}
            value={value[name]}
            onChange={(v) => {
              if (onField) return onField(name, v);
              const next = { ...value };
              if (v === undefined) delete next[name];
              else next[name] = v;
              onChange(next);
            }}
            errors={errors}
            types={types}
          />
        ))}
    </div>
  );
}

/** The input for a field's type (all 16 Flotiq input types). */
export function FieldInput(p: FieldProps) {
  switch (p.config.inputType) {
    case 'number':
      return <NumberInput {...p} />;
    case 'checkbox':
      return <CheckboxInput {...p} />;
    case 'radio':
      return <RadioInput {...p} />;
    case 'select':
      return <SelectInput {...p} />;
    case 'dateTime':
      return <DateTimeInput {...p} />;
    case 'datasource':
      return <RelationInput {...p} />;
    case 'object':
      return <ListInput {...p} />;
    case 'simpleList':
      return <SimpleListInput {...p} />;
    case 'geo':
      return <GeoInput {...p} />;
    case 'block':
      return <BlockInput {...p} />;
    case 'richtext':
      return <RichTextInput {...p} />;
    case 'textMarkdown':
      return <MarkdownInput {...p} />;
    case 'custom':
      return <JsonInput {...p} />;
    default:
      return <TextInput {...p} />;
  }
}

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
              <MoveButtons what="item" index={i} count={items.length} disabled={config.readonly} onMove={(by) => move(i, by)} />
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
