import type { ContentType, FieldErrors, MetaDefinition, PropertySchema } from '../api/types.js';
import { FieldInput } from './fields/FieldInput.js';

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
